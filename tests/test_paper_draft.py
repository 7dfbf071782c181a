"""The paper-report draft: its checks, catalog search by pinyin, and the badge rules."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sandbox.generate.catalog import catalog_document
from workstation.labs.analytes import load_analyte_table
from workstation.model import Catalog, Hospital, PaperOrigin
from workstation.paper.draft import (
    LabEntry,
    PaperDraft,
    ProblemCode,
    check_draft,
    lab_code,
    new_draft,
    paper_observations,
    paper_result,
    parse_number,
)
from workstation.paper.search import CatalogSearch, pinyin_keys
from workstation.recognition.validity import Eligibility, assess
from workstation.records.fhir_parse import parse_catalog

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=CST)
TABLE = load_analyte_table()
HOSPITALS = {
    "h3": Hospital("h3", "成都市第一人民医院", "3A", "三级甲等", "510100"),
    "h1": Hospital("h1", "某镇卫生院", "1", "一级", "510100"),
}
ORIGIN = PaperOrigin("Practitioner/p1", "李医生", NOW, "某县医院")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return parse_catalog(catalog_document())


def _lab_draft(**changes: object) -> PaperDraft:
    draft = PaperDraft(
        id="d1",
        patient_id="pat1",
        hospital_id="h3",
        effective=NOW - dt.timedelta(days=2),
        item_code="JY003",  # 肾功能
        hr_mark=True,
        mark_region="510100",
        labs=(LabEntry("CREA", "88", "μmol/L", "57", "111"), LabEntry("UREA", "5.2", "mmol/L")),
        image_name="paper.jpg",
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


def _codes(draft: PaperDraft, catalog: Catalog) -> list[tuple[ProblemCode, int | None]]:
    return [(p.code, p.row) for p in check_draft(draft, catalog, HOSPITALS, TABLE, NOW)]


def test_a_complete_lab_draft_passes(catalog: Catalog) -> None:
    assert _codes(_lab_draft(), catalog) == []


def test_an_empty_draft_names_every_missing_field(catalog: Catalog) -> None:
    codes = [c for c, _row in _codes(new_draft("pat1"), catalog)]
    assert codes == [
        ProblemCode.NO_IMAGE,
        ProblemCode.NO_HOSPITAL,
        ProblemCode.NO_DATE,
        ProblemCode.NO_ITEM,
    ]


def test_a_typed_hospital_is_enough_but_an_unknown_id_is_not(catalog: Catalog) -> None:
    assert _codes(_lab_draft(hospital_id="", hospital_name="某县医院"), catalog) == []
    assert _codes(_lab_draft(hospital_id="nope"), catalog) == [(ProblemCode.UNKNOWN_HOSPITAL, None)]


def test_a_date_in_the_future_is_refused_but_clock_skew_is_not(catalog: Catalog) -> None:
    assert _codes(_lab_draft(effective=NOW + dt.timedelta(hours=1)), catalog) == [
        (ProblemCode.FUTURE_DATE, None)
    ]
    assert _codes(_lab_draft(effective=NOW + dt.timedelta(minutes=4)), catalog) == []


def test_hr_mark_needs_a_known_region(catalog: Catalog) -> None:
    assert _codes(_lab_draft(mark_region=""), catalog) == [(ProblemCode.NO_MARK_REGION, None)]
    assert _codes(_lab_draft(mark_region="999999"), catalog) == [
        (ProblemCode.UNKNOWN_MARK_REGION, None)
    ]
    assert _codes(_lab_draft(hr_mark=False, mark_region=""), catalog) == []


def test_a_lab_item_needs_values_an_imaging_item_does_not(catalog: Catalog) -> None:
    assert _codes(_lab_draft(labs=()), catalog) == [(ProblemCode.NO_VALUES, None)]
    assert _codes(_lab_draft(labs=(), item_code="JC002"), catalog) == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (LabEntry("CREA", "", "umol/L"), [ProblemCode.NO_VALUE]),
        (LabEntry("CREA", "八十", "umol/L"), [ProblemCode.VALUE_NOT_NUMBER]),
        (LabEntry("CREA", "88", ""), [ProblemCode.NO_UNIT]),
        (LabEntry("CREA", "88", "g/L"), [ProblemCode.UNIT_UNFIT]),  # not a creatinine unit
        (LabEntry("CREA", "88", "斤"), [ProblemCode.UNIT_UNFIT]),
        (LabEntry("CREA", "88000", "umol/L"), [ProblemCode.IMPLAUSIBLE]),
        (LabEntry("CREA", "88", "mg/dL"), [ProblemCode.IMPLAUSIBLE]),  # 7779 µmol/L
        (LabEntry("CREA", "1.0", "mg/dL"), []),
        (LabEntry("CREA", "88", "umol/L", "111", "57"), [ProblemCode.BAD_REFERENCE_RANGE]),
        (LabEntry("CREA", "88", "umol/L", "x"), [ProblemCode.BAD_REFERENCE_RANGE]),
        (LabEntry("GLU", "5.1", "mmol/L"), [ProblemCode.ANALYTE_NOT_IN_ITEM]),
        (LabEntry("NOPE", "5.1", "mmol/L"), [ProblemCode.UNKNOWN_ANALYTE]),
    ],
)
def test_each_lab_value_is_checked(
    catalog: Catalog, entry: LabEntry, expected: list[ProblemCode]
) -> None:
    codes = _codes(_lab_draft(labs=(entry,)), catalog)
    assert codes == [(c, 0) for c in expected]


def test_the_same_analyte_twice_is_refused(catalog: Catalog) -> None:
    labs = (LabEntry("CREA", "88", "umol/L"), LabEntry("CREA", "90", "umol/L"))
    assert _codes(_lab_draft(labs=labs), catalog) == [(ProblemCode.DUPLICATE_ANALYTE, 1)]


def test_numbers_typed_full_width_are_read() -> None:
    assert parse_number("５．２") == 5.2
    assert parse_number(" 12 ") == 12.0
    assert parse_number("nan") is None
    assert parse_number("1e999") is None


def test_the_loinc_code_follows_the_unit() -> None:
    assert lab_code(TABLE, "CREA", "µmol/L") is not None
    assert lab_code(TABLE, "CREA", "µmol/L").code == "14682-9"  # type: ignore[union-attr]
    assert lab_code(TABLE, "CREA", "mg/dL").code == "2160-0"  # type: ignore[union-attr]
    assert lab_code(TABLE, "CREA", "U/L") is None


def test_observations_keep_what_was_printed_and_flag_against_its_range() -> None:
    draft = _lab_draft(labs=(LabEntry("CREA", "130", "μmol/L", "57", "111"),))
    (obs,) = paper_observations(draft, TABLE)
    assert (obs.value, obs.unit, obs.unit_ucum, obs.loinc) == (130.0, "μmol/L", "umol/L", "14682-9")
    assert obs.interpretation.value == "H"
    assert obs.id == "paper-d1-1"


def test_a_paper_result_gets_the_same_badges_as_a_platform_result(catalog: Catalog) -> None:
    here = "510100"
    ok = paper_result(_lab_draft(), catalog, ORIGIN)
    assert ok.paper == ORIGIN
    assert ok.id == "paper-d1"
    assert assess(ok, catalog, HOSPITALS["h3"], here, NOW).eligibility is Eligibility.VALID
    unmarked = paper_result(_lab_draft(hr_mark=False, mark_region=""), catalog, ORIGIN)
    assert assess(unmarked, catalog, HOSPITALS["h3"], here, NOW).eligibility is Eligibility.NO_MARK
    old = paper_result(_lab_draft(effective=NOW - dt.timedelta(days=31)), catalog, ORIGIN)
    assert assess(old, catalog, HOSPITALS["h3"], here, NOW).eligibility is Eligibility.EXPIRED
    low = paper_result(_lab_draft(hospital_id="h1"), catalog, ORIGIN)
    assert assess(low, catalog, HOSPITALS["h1"], here, NOW).eligibility is Eligibility.BELOW_LEVEL
    typed = paper_result(_lab_draft(hospital_id="", hospital_name="某县医院"), catalog, ORIGIN)
    # a hospital the platform does not list has no level the rules can check
    assert assess(typed, catalog, None, here, NOW).eligibility is Eligibility.BELOW_LEVEL
    elsewhere = paper_result(_lab_draft(mark_region="510700"), catalog, ORIGIN)
    assert (
        assess(elsewhere, catalog, HOSPITALS["h3"], here, NOW).eligibility
        is Eligibility.OUT_OF_REGION
    )


def test_catalog_items_are_found_by_chinese_pinyin_initials_and_code(catalog: Catalog) -> None:
    search = CatalogSearch(catalog.items)
    assert [i.name for i in search.find("xcg")] == ["血常规"]
    assert [i.name for i in search.find("肾功")] == ["肾功能"]
    assert "胸部CT平扫" in [i.name for i in search.find("xbct")]
    assert [i.code for i in search.find("jc010")] == ["JC010"]
    assert [i.name for i in search.find("XinZang")] == ["心脏彩超"]
    assert len(search.find("")) == len(catalog.items)
    assert search.find("zzzz") == []


def test_pinyin_keys_keep_latin_runs_whole() -> None:
    assert pinyin_keys("胸部CT平扫") == ("xbctps", "xiongbuctpingsao")
    assert pinyin_keys("胸部正位片（DR）")[0] == "xbzwpdr"


def test_the_timeline_filter_finds_paper_results_by_纸质_and_typed_hospital(
    catalog: Catalog,
) -> None:
    from workstation.timeline import search_text

    typed = paper_result(_lab_draft(hospital_id="", hospital_name="某县医院"), catalog, ORIGIN)
    text = search_text(typed, HOSPITALS)
    assert "纸质" in text
    assert "某县医院" in text
    platform = dataclasses.replace(typed, paper=None)
    assert "纸质" not in search_text(platform, HOSPITALS)
