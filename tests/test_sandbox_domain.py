"""Domain data of the sandbox generator: people, hospitals, labs and the recognition catalog."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sandbox.generate.catalog import (
    CATALOG_ITEMS,
    CATALOG_VERSION,
    REPEAT_REASONS,
    catalog_document,
    catalog_item,
    hr_mark_for,
    item_for_panel,
)
from sandbox.generate.hospitals import (
    HOSPITALS,
    LEVELS,
    PROVINCE,
    REGIONS,
    Hospital,
    hospital_by_id,
    level_by_code,
    meets_level,
    mrn_for,
    region_by_code,
)
from sandbox.generate.labs import (
    ANALYTES,
    PANELS,
    UNIT_SPELLINGS,
    Analyte,
    conv_to_si,
    generate_panel,
    hospital_tests,
    interpret,
    local_test,
    loinc_check_digit,
    round_half_up,
    si_to_conv,
    unit_system,
)
from sandbox.generate.people import (
    DISTRICTS,
    MOBILE_PREFIXES,
    Person,
    generate_people,
    id_card_check_digit,
    id_card_is_valid,
)

TODAY = date(2026, 11, 1)
REGION_CODES = [r.code for r in REGIONS]


def _people(seed: int, count: int = 400) -> list[Person]:
    return generate_people(random.Random(seed), count, REGION_CODES, today=TODAY)


# --- identity numbers and people ------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the GB 11643-1999 example (female, born 1949-12-31)
        "440524188001010014",  # the other example of the standard (male, born 1880-01-01)
    ],
)
def test_check_digit_of_published_examples(number: str) -> None:
    assert id_card_check_digit(number[:17]) == number[17]
    assert id_card_is_valid(number)


@pytest.mark.unit
def test_check_digit_rejects_bad_input_and_wrong_numbers() -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_card_check_digit("1101051949123100")
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_card_check_digit("11010519491231002X"[:16] + "X")
    assert not id_card_is_valid("110105194912310021")  # wrong check character
    feb30 = "11010519490230002"
    assert not id_card_is_valid(feb30 + id_card_check_digit(feb30))  # no such date


@pytest.mark.unit
def test_generated_ids_are_valid_unique_and_consistent() -> None:
    people = _people(7, 600)
    assert len(people) == 600
    assert len({p.id_card for p in people}) == len(people)
    for p in people:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", p.id_card)
        assert id_card_is_valid(p.id_card), p.id_card
        assert p.id_card[:6] in DISTRICTS[p.region_code]
        assert p.id_card[:4] == p.region_code[:4]
        assert p.id_card[6:14] == p.birth_date.strftime("%Y%m%d")
        assert int(p.id_card[16]) % 2 == (1 if p.sex == "M" else 0)


@pytest.mark.unit
def test_generated_people_look_real() -> None:
    people = _people(11, 600)
    ages = [p.age(TODAY) for p in people]
    assert min(ages) >= 1
    assert max(ages) <= 90
    assert sum(a >= 45 for a in ages) / len(ages) > 0.5  # weighted toward adults and elderly
    assert {p.sex for p in people} == {"M", "F"}
    assert {p.region_code for p in people} == set(REGION_CODES)
    for p in people:
        assert re.fullmatch(r"[A-Z][a-z]+\^[A-Z][a-z']+", p.name_pinyin), p.name_pinyin
        assert p.name_zh == p.family_name_zh + p.given_name_zh
        assert 1 <= len(p.given_name_zh) <= 2
        assert re.fullmatch(r"1[0-9]{10}", p.phone)
        assert p.phone[:3] in MOBILE_PREFIXES
    surnames = [p.family_name_zh for p in people]
    assert max(set(surnames), key=surnames.count) in {"王", "李", "张", "刘", "陈"}


@pytest.mark.unit
def test_ages_are_exact_on_the_reference_date() -> None:
    people = generate_people(random.Random(3), 300, ["510700"], today=date(2024, 2, 29))
    for p in people:
        assert 1 <= p.age(date(2024, 2, 29)) <= 90


@pytest.mark.unit
def test_people_are_deterministic() -> None:
    assert _people(42) == _people(42)
    assert _people(42) != _people(43)


@pytest.mark.unit
def test_people_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="region"):
        generate_people(random.Random(1), 3, [])
    with pytest.raises(ValueError, match="negative"):
        generate_people(random.Random(1), -1, REGION_CODES)
    assert generate_people(random.Random(1), 0, REGION_CODES) == []


# --- hospitals --------------------------------------------------------------------------


@pytest.mark.unit
def test_hospitals_cover_regions_and_levels() -> None:
    assert len(HOSPITALS) >= 7
    assert len({h.id for h in HOSPITALS}) == len(HOSPITALS)
    assert {h.region_code for h in HOSPITALS} == set(REGION_CODES)
    levels = {h.level for h in HOSPITALS}
    assert {"3A", "2A", "1"} <= levels
    assert all(h.level in {lv.code for lv in LEVELS} for h in HOSPITALS)
    assert {h.lab_units for h in HOSPITALS} == {"SI", "conventional"}
    assert any(not h.eqa_passed for h in HOSPITALS)
    assert PROVINCE.hr_mark == "川HR"
    assert region_by_code("510100").hr_mark == "成都HR"


@pytest.mark.unit
def test_levels_are_ordered() -> None:
    assert meets_level("3A", "3B")
    assert meets_level("2A", "2A")
    assert not meets_level("2B", "2A")
    assert not meets_level("1", "2B")
    assert level_by_code("3A").name_zh == "三级甲等"


@pytest.mark.unit
def test_mrns_follow_each_hospitals_scheme() -> None:
    rng = random.Random(5)
    for hospital in HOSPITALS:
        for _ in range(50):
            mrn = mrn_for(hospital, rng)
            assert re.fullmatch(hospital.mrn_regex, mrn), (hospital.id, mrn)
    schemes = {(h.mrn_prefix, h.mrn_digits) for h in HOSPITALS}
    assert len(schemes) == len(HOSPITALS)


# --- analytes, units and LOINC --------------------------------------------------------


def _loinc_check_digit_as_documented(base: str) -> int:
    """The LOINC Users' Guide recipe, step by step (independent of the module's code)."""
    digits = base[::-1]
    odd = digits[0::2][::-1]  # 1st, 3rd, … positions from the right
    even = digits[1::2][::-1]
    doubled = str(int(odd) * 2)
    total = sum(int(ch) for ch in even + doubled)
    return (10 - total % 10) % 10


@pytest.mark.unit
@pytest.mark.parametrize(
    ("code", "check"),
    [("12345", 5), ("2345", 7), ("718", 7), ("14682", 9), ("4548", 4), ("59261", 8)],
)
def test_loinc_check_digit_algorithm(code: str, check: int) -> None:
    assert _loinc_check_digit_as_documented(code) == check
    assert loinc_check_digit(code) == str(check)


def _all_loinc_codes() -> list[str]:
    codes = {a.loinc_si for a in ANALYTES.values()}
    codes |= {a.loinc_conv for a in ANALYTES.values() if a.loinc_conv is not None}
    return sorted(codes)


@pytest.mark.unit
@pytest.mark.parametrize("code", _all_loinc_codes())
def test_loinc_codes_are_well_formed(code: str) -> None:
    match = re.fullmatch(r"([0-9]{1,7})-([0-9])", code)
    assert match, code
    assert _loinc_check_digit_as_documented(match[1]) == int(match[2])


@pytest.mark.unit
def test_known_loinc_choices() -> None:
    # DESIGN.md: Chinese reports use SI units, so the molar codes.
    assert ANALYTES["CREA"].loinc_si == "14682-9"
    assert ANALYTES["GLU"].loinc_si == "14749-6"
    assert ANALYTES["GLU"].loinc_conv == "2345-7"
    assert ANALYTES["HBA1C"].loinc_conv == "4548-4"
    assert ANALYTES["HBA1C"].loinc_si == "59261-8"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("key", "conventional", "si"),
    [
        ("GLU", 100.0, 5.55),
        ("CREA", 1.0, 88.4),
        ("UREA", 28.0, 10.0),  # BUN 28 mg/dL is urea 10 mmol/L
        ("UA", 6.0, 356.88),
        ("TBIL", 1.0, 17.1),
        ("DBIL", 0.3, 5.13),
        ("TC", 200.0, 5.172),
        ("LDL", 100.0, 2.586),
        ("HDL", 40.0, 1.0344),
        ("TG", 150.0, 1.6935),
        ("CA", 10.0, 2.495),
        ("HGB", 14.0, 140.0),
        ("ALB", 4.0, 40.0),
        ("TP", 7.0, 70.0),
        ("FIB", 300.0, 3.0),
        ("HCT", 42.0, 0.42),
        ("CTNI", 0.04, 40.0),
        ("HBA1C", 6.5, 47.5),  # IFCC = (NGSP − 2.15) × 10.929
        ("HBA1C", 2.15, 0.0),
    ],
)
def test_conversion_factors(key: str, conventional: float, si: float) -> None:
    analyte = ANALYTES[key]
    assert conv_to_si(analyte, conventional) == pytest.approx(si, rel=2e-3, abs=1e-9)
    assert si_to_conv(analyte, conv_to_si(analyte, conventional)) == pytest.approx(conventional)


@pytest.mark.unit
def test_hba1c_is_not_a_factor() -> None:
    hba1c = ANALYTES["HBA1C"]
    assert hba1c.conversion == "hba1c"
    assert hba1c.si_per_conv is None
    assert round_half_up(conv_to_si(hba1c, 7.0), 0) == 53.0
    assert round_half_up(si_to_conv(hba1c, 48.0), 1) == 6.5


@pytest.mark.unit
@pytest.mark.parametrize("analyte", list(ANALYTES.values()), ids=list(ANALYTES))
def test_analytes_are_coherent(analyte: Analyte) -> None:
    low, high = analyte.ref_si
    assert 0 <= low < high
    for sex_range in (analyte.ref_si_m, analyte.ref_si_f):
        if sex_range is not None:
            assert 0 <= sex_range[0] < sex_range[1]
    if analyte.upper_only:
        assert low == 0
    if analyte.critical_low_si is not None:
        assert analyte.critical_low_si < low
    if analyte.critical_high_si is not None:
        assert analyte.critical_high_si > high
    if analyte.conversion == "none":
        assert analyte.unit_conv is None
        assert analyte.loinc_conv is None
        assert analyte.si_per_conv is None
    else:
        assert analyte.unit_conv is not None
        assert analyte.loinc_conv is not None
    if analyte.conversion == "linear":
        assert analyte.si_per_conv is not None
        assert analyte.si_per_conv > 0
    assert analyte.unit_si in UNIT_SPELLINGS
    assert analyte.unit_conv is None or analyte.unit_conv in UNIT_SPELLINGS
    assert analyte.abbrevs
    assert "µ" not in analyte.unit_si  # UCUM spells micro "u"


@pytest.mark.unit
def test_panels_reference_known_analytes_and_catalog_items() -> None:
    names = {p.name_zh for p in PANELS.values()}
    assert names == {
        "血常规", "肝功能", "肾功能", "血糖", "糖化血红蛋白",
        "血脂", "电解质", "心肌标志物", "凝血功能", "肿瘤标志物",
    }  # fmt: skip
    for panel in PANELS.values():
        assert panel.analyte_keys
        for key in panel.analyte_keys:
            assert key in ANALYTES
        item = catalog_item(panel.catalog_code)
        assert item.category == "lab"
        assert item.panel_key == panel.key
        assert item_for_panel(panel.key) is item


# --- per-hospital reporting -----------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("hospital", HOSPITALS, ids=[h.id for h in HOSPITALS])
def test_each_hospital_has_its_own_consistent_lab_conventions(hospital: Hospital) -> None:
    tests = hospital_tests(hospital)
    assert set(tests) == set(ANALYTES)
    assert len({t.local_code for t in tests.values()}) == len(tests)
    for key, test in tests.items():
        analyte = ANALYTES[key]
        assert test.loinc == analyte.loinc(test.system)
        assert test.unit_ucum == analyte.unit(test.system)
        assert test.unit_display in UNIT_SPELLINGS[test.unit_ucum]
        assert test.unit_display.strip()
        for low, high in (test.reference(None), test.reference("M"), test.reference("F")):
            assert (low is None) == analyte.upper_only
            assert low is None or low < high
            if test.critical_low is not None and low is not None:
                assert test.critical_low < low
            if test.critical_high is not None:
                assert test.critical_high > high
    assert hospital_tests.__wrapped__(hospital) == tests  # derived from the hospital alone


@pytest.mark.unit
def test_hospitals_differ_in_codes_ranges_and_units() -> None:
    all_tests = [hospital_tests(h) for h in HOSPITALS]
    assert len({t["GLU"].local_code for t in all_tests}) > 3
    assert len({t["GLU"].reference(None) for t in all_tests}) > 3
    assert len({t["CREA"].unit_display for t in all_tests}) > 1


@pytest.mark.unit
def test_units_follow_the_hospital_convention() -> None:
    si = hospital_by_id("cdfy")
    conventional = next(h for h in HOSPITALS if h.lab_units == "conventional")
    assert local_test(si, "GLU").unit_ucum == "mmol/L"
    assert local_test(si, "GLU").loinc == "14749-6"
    assert local_test(conventional, "GLU").unit_ucum == "mg/dL"
    assert local_test(conventional, "GLU").loinc == "2345-7"
    assert local_test(conventional, "CREA").loinc == "2160-0"
    assert local_test(conventional, "UREA").loinc == "3094-0"
    assert local_test(conventional, "UREA").name_zh == "尿素氮"
    assert local_test(conventional, "K").unit_ucum == "mmol/L"  # no conventional unit
    # Chinese laboratories print HbA1c as NGSP %, one provincial hospital as IFCC mmol/mol.
    units = {h.id: local_test(h, "HBA1C").unit_ucum for h in HOSPITALS}
    assert units.pop("myzx") == "mmol/mol"
    assert set(units.values()) == {"%"}
    assert unit_system(si, ANALYTES["HBA1C"]) == "conv"


@pytest.mark.unit
def test_interpretation_flags() -> None:
    assert interpret(5.0, 3.9, 6.1) == "N"
    assert interpret(6.1, 3.9, 6.1) == "N"  # the bounds are inside the range
    assert interpret(6.2, 3.9, 6.1) == "H"
    assert interpret(3.8, 3.9, 6.1) == "L"
    assert interpret(2.7, 3.9, 6.1, 2.8, 22.2) == "LL"
    assert interpret(25.0, 3.9, 6.1, 2.8, 22.2) == "HH"
    assert interpret(30.0, None, 26.2) == "H"
    assert interpret(0.1, None, 26.2) == "N"


@pytest.mark.unit
def test_the_same_value_is_flagged_against_each_hospitals_own_range() -> None:
    si_sites = [h for h in HOSPITALS if local_test(h, "GLU").system == "si"]
    si_sites.sort(key=lambda h: local_test(h, "GLU").reference(None)[1])
    strict, lenient = si_sites[0], si_sites[-1]
    low_high = local_test(strict, "GLU").reference(None)[1]
    high_high = local_test(lenient, "GLU").reference(None)[1]
    assert low_high < high_high
    value = round_half_up((low_high + high_high) / 2, 2)
    strict_test, lenient_test = local_test(strict, "GLU"), local_test(lenient, "GLU")
    assert interpret(value, *strict_test.reference(None)) == "H"
    assert interpret(value, *lenient_test.reference(None)) == "N"


@pytest.mark.unit
@pytest.mark.parametrize("panel_key", list(PANELS))
def test_generated_panels_report_in_the_hospitals_terms(panel_key: str) -> None:
    rng = random.Random(99)
    for hospital in HOSPITALS:
        for sex in (None, "M", "F"):
            values = generate_panel(panel_key, hospital, rng, abnormal_bias=0.5, sex=sex)
            assert [v.analyte_key for v in values] == list(PANELS[panel_key].analyte_keys)
            for v in values:
                test = local_test(hospital, v.analyte_key)
                assert v.loinc == test.loinc
                assert v.local_code == test.local_code
                assert v.name_zh == test.name_zh
                assert (v.unit_ucum, v.unit_display) == (test.unit_ucum, test.unit_display)
                assert (v.ref_low, v.ref_high) == test.reference(sex)
                assert v.value > 0
                assert v.value == round_half_up(v.value, test.decimals)
                expected = interpret(
                    v.value, v.ref_low, v.ref_high, test.critical_low, test.critical_high
                )
                assert v.interpretation == expected


@pytest.mark.unit
def test_panels_are_internally_consistent() -> None:
    rng = random.Random(8)
    hospital = hospital_by_id("scph")
    for _ in range(200):
        liver = {v.analyte_key: v.value for v in generate_panel("liver", hospital, rng)}
        assert liver["DBIL"] <= liver["TBIL"]
        assert liver["ALB"] < liver["TP"]
        lipids = {
            v.analyte_key: v.value
            for v in generate_panel("lipids", hospital, rng, abnormal_bias=0.5)
        }
        assert lipids["LDL"] + lipids["HDL"] < lipids["TC"] + 0.02
        coag = {v.analyte_key: v.value for v in generate_panel("coagulation", hospital, rng)}
        pt_low, pt_high = local_test(hospital, "PT").reference(None)
        assert pt_low is not None
        mean_normal_pt = (pt_low + pt_high) / 2
        if abs(coag["PT"] - mean_normal_pt) > 0.3:
            assert (coag["INR"] > 1.0) == (coag["PT"] > mean_normal_pt)


@pytest.mark.unit
def test_values_are_mostly_normal_and_bias_raises_abnormality() -> None:
    def abnormal_share(bias: float) -> float:
        rng = random.Random(21)
        flags = [
            v.interpretation
            for _ in range(60)
            for hospital in HOSPITALS
            for panel_key in PANELS
            for v in generate_panel(panel_key, hospital, rng, abnormal_bias=bias)
        ]
        return sum(f != "N" for f in flags) / len(flags)

    calm, sick = abnormal_share(0.0), abnormal_share(1.0)
    assert 0.03 < calm < 0.25
    assert sick > 0.6
    with pytest.raises(ValueError, match="abnormal_bias"):
        generate_panel("cbc", HOSPITALS[0], random.Random(1), abnormal_bias=1.5)


@pytest.mark.unit
def test_panel_values_are_deterministic() -> None:
    def run(seed: int) -> list[object]:
        rng = random.Random(seed)
        return [generate_panel(p, h, rng, abnormal_bias=0.2) for h in HOSPITALS for p in PANELS]

    assert run(5) == run(5)
    assert run(5) != run(6)


# --- recognition catalog ----------------------------------------------------------------

OFFICIAL_REASONS = (
    "病情变化，结果与临床表现、疾病诊断不符",
    "在疾病发展演变过程中变化较快",
    "对诊疗意义重大（如手术、输血等重大医疗措施前）",
    "急诊、急救等紧急状态",
    "涉及司法、伤残及病退等鉴定",
    "其他情形确需复查",
)


@pytest.mark.unit
def test_repeat_reasons_follow_the_measures() -> None:
    reasons = sorted(REPEAT_REASONS, key=lambda r: r.order)
    assert [r.order for r in reasons] == list(range(1, len(reasons) + 1))
    assert tuple(r.label_zh for r in reasons[:6]) == OFFICIAL_REASONS
    assert [r.needs_note for r in reasons[:6]] == [False] * 5 + [True]
    assert all(r.counts_as_refusal for r in reasons[:6])
    assert len({r.code for r in reasons}) == len(reasons)
    provincial = {r.label_en: r for r in reasons[6:]}
    assert not provincial["Images not received"].counts_as_refusal
    assert not provincial["Continuous monitoring"].counts_as_refusal
    assert len(provincial) >= 6
    assert all(r.label_en and r.label_zh for r in reasons)


@pytest.mark.unit
def test_catalog_items_are_plausible() -> None:
    codes = [i.code for i in CATALOG_ITEMS]
    assert len(set(codes)) == len(codes)
    by_panel = {i.panel_key: i for i in CATALOG_ITEMS if i.category == "lab"}
    assert by_panel["electrolytes"].validity_hours == 7 * 24
    assert by_panel["lipids"].validity_hours == 30 * 24
    assert by_panel["hba1c"].validity_hours == 60 * 24
    assert by_panel["cardiac"].validity_hours <= 24
    imaging = [i for i in CATALOG_ITEMS if i.category == "imaging"]
    assert {i.modality for i in imaging} >= {"CT", "MR", "DX", "US"}
    for item in CATALOG_ITEMS:
        assert item.validity_hours > 0
        assert item.price_yuan > 0
        level_by_code(item.min_level)
        assert set(item.regions) <= set(REGION_CODES)
        assert item.operator_dependent == (item.modality == "US")
        assert (item.category == "lab") == (item.panel_key is not None) == (item.modality is None)
    assert any(len(i.regions) == 1 for i in CATALOG_ITEMS)
    assert any(i.min_level.startswith("3") for i in CATALOG_ITEMS)
    assert any(i.min_level.startswith("2") for i in CATALOG_ITEMS)


@pytest.mark.unit
def test_hr_marks() -> None:
    chest_ct = next(i for i in CATALOG_ITEMS if i.modality == "CT" and not i.regions)
    regional = next(i for i in CATALOG_ITEMS if i.regions)
    cbc = item_for_panel("cbc")
    community = next(h for h in HOSPITALS if h.level == "1")
    inside = next(h for h in HOSPITALS if h.region_code in regional.regions and h.level == "3A")
    outside = next(h for h in HOSPITALS if h.region_code not in regional.regions)
    assert hr_mark_for(chest_ct, inside) == "川HR"
    assert hr_mark_for(cbc, community) is None  # below the minimum level
    assert hr_mark_for(regional, inside) == region_by_code(inside.region_code).hr_mark
    assert hr_mark_for(regional, outside) is None


@pytest.mark.unit
def test_catalog_document_is_stable_json() -> None:
    doc = catalog_document()
    text = json.dumps(doc, ensure_ascii=False, sort_keys=False)
    assert json.loads(text) == doc
    assert text == json.dumps(catalog_document(), ensure_ascii=False)
    assert doc["version"] == CATALOG_VERSION == "2026.11-1"
    assert doc["issuer"] == "四川省检查检验结果互认平台"
    assert date.fromisoformat(str(doc["published"]))
    items = doc["items"]
    assert isinstance(items, list)
    assert [i["code"] for i in items] == sorted(i.code for i in CATALOG_ITEMS)
    glucose = next(i for i in items if i["panel_key"] == "glucose")
    assert glucose["loinc"] == ["14749-6", "2345-7"]
    reasons = doc["repeatReasons"]
    assert isinstance(reasons, list)
    assert [r["label_zh"] for r in reasons[:6]] == list(OFFICIAL_REASONS)
    assert reasons[5]["needs_note"] is True
    levels = doc["levels"]
    assert isinstance(levels, list)
    assert [lv["code"] for lv in levels] == ["3A", "3B", "2A", "2B", "1"]
    assert catalog_document("2027.01-1")["version"] == "2027.01-1"


_DIGEST_SCRIPT = """
import hashlib, json, random
from sandbox.generate.catalog import catalog_document
from sandbox.generate.hospitals import HOSPITALS
from sandbox.generate.labs import PANELS, generate_panel
from sandbox.generate.people import generate_people
rng = random.Random(2026)
people = generate_people(rng, 50, ["510100", "510700"])
labs = [generate_panel(p, h, rng) for h in HOSPITALS for p in PANELS]
text = repr((people, labs)) + json.dumps(catalog_document(), ensure_ascii=False)
print(hashlib.sha256(text.encode()).hexdigest())
"""


@pytest.mark.unit
def test_generation_does_not_depend_on_hash_randomization() -> None:
    root = Path(__file__).resolve().parents[1]
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1
