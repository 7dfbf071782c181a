"""Recognition rules: hierarchical region scope (province → city → district/county), the
validity window's edge, hour-scale badges and the next moment a badge changes."""

from __future__ import annotations

import datetime as dt

import pytest

from sandbox.generate.fhir_build import organization
from sandbox.generate.hospitals import HOSPITALS
from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Hospital,
    HospitalLevel,
    RecognitionMark,
    Result,
)
from workstation.recognition.validity import (
    Eligibility,
    assess,
    hourly_badge,
    next_badge_change,
    region_covers,
    region_prefix,
)
from workstation.records.fhir_parse import parse_hospital

pytestmark = pytest.mark.unit

UTC = dt.UTC
CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

CATALOG = Catalog(
    version="test-1",
    items=(
        CatalogItem("JY008", "心肌标志物", Category.LAB, 24, "2B", (), 360.0),
        CatalogItem("JY004", "血糖", Category.LAB, 4, "2B", (), 8.0),
        CatalogItem("JY003", "肾功能", Category.LAB, 30 * 24, "2B", (), 32.0),
        CatalogItem("JC006", "膝关节MR平扫", Category.IMAGING, 90 * 24, "2B", ("510100",), 540.0),
    ),
    reasons=(),
    levels=(HospitalLevel("3A", "三级甲等", 5), HospitalLevel("2B", "二级乙等", 2)),
)
HOSPITAL = Hospital("cdfy", "成都市第一人民医院", "3A", "三级甲等", "510100")
CITY_MARK = RecognitionMark("成都HR", "city", "510100")
PROVINCE_MARK = RecognitionMark("川HR", "province", "510000")
MIANYANG_MARK = RecognitionMark("绵阳HR", "city", "510700")


def _result(
    item: str = "JY003",
    age: dt.timedelta = dt.timedelta(days=1),
    mark: RecognitionMark | None = CITY_MARK,
) -> Result:
    return Result(
        id="r1",
        patient_id="p1",
        category=Category.LAB,
        item_code=item,
        item_name="",
        hospital_id=HOSPITAL.id,
        effective=NOW - age,
        mark=mark,
    )


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("510000", "51"), ("510100", "5101"), ("510115", "510115"), ("510722", "510722")],
)
def test_region_prefix(code: str, prefix: str) -> None:
    assert region_prefix(code) == prefix


@pytest.mark.parametrize(
    ("scope", "here", "covers"),
    [
        ("510000", "510115", True),  # the province covers a district of Chengdu
        ("510000", "510722", True),  # and a county of Mianyang
        ("510100", "510115", True),  # 成都市 covers 温江区
        ("510100", "510107", True),  # and 武侯区
        ("510100", "510100", True),
        ("510700", "510722", True),  # 绵阳市 covers 三台县
        ("510700", "510703", True),  # and 涪城区
        ("510100", "510722", False),  # 成都 does not cover 三台县 (绵阳)
        ("510700", "510115", False),
        ("510115", "510100", False),  # a district does not cover its city
        ("510115", "510107", False),  # nor a neighbouring district
        ("510115", "510115", True),
        ("510000", "500101", False),  # 四川 does not cover 重庆's 万州区
        ("", "510115", False),
    ],
)
def test_region_covers(scope: str, here: str, covers: bool) -> None:
    assert region_covers(scope, here) is covers


@pytest.mark.parametrize(
    ("mark", "here", "eligibility"),
    [
        (CITY_MARK, "510115", Eligibility.VALID),  # 成都HR seen in 温江区
        (CITY_MARK, "510107", Eligibility.VALID),  # and in 武侯区
        (CITY_MARK, "510722", Eligibility.OUT_OF_REGION),  # not in 三台县
        (PROVINCE_MARK, "510722", Eligibility.VALID),
        (PROVINCE_MARK, "510115", Eligibility.VALID),
        (MIANYANG_MARK, "510722", Eligibility.VALID),
        (MIANYANG_MARK, "510115", Eligibility.OUT_OF_REGION),
    ],
)
def test_marks_cover_districts_and_counties(
    mark: RecognitionMark, here: str, eligibility: Eligibility
) -> None:
    assert assess(_result(mark=mark), CATALOG, HOSPITAL, here, NOW).eligibility is eligibility


@pytest.mark.parametrize(
    ("here", "eligibility"),
    [
        ("510115", Eligibility.VALID),  # a 510100-only item, doctor in 温江区
        ("510100", Eligibility.VALID),
        ("510722", Eligibility.OUT_OF_REGION),  # the same item in 三台县
    ],
)
def test_a_city_only_item_covers_the_citys_districts(here: str, eligibility: Eligibility) -> None:
    result = _result(item="JC006", mark=PROVINCE_MARK)
    assert assess(result, CATALOG, HOSPITAL, here, NOW).eligibility is eligibility


def test_the_sandbox_publishes_district_and_county_codes() -> None:
    by_id = {h.id: parse_hospital(organization(h)) for h in HOSPITALS}
    assert by_id["wjrm"].region_code == "510115"  # 温江区
    assert by_id["stxr"].region_code == "510722"  # 三台县
    assert by_id["cdfy"].region_code == "510100"  # a city hospital keeps the city's code
    # a 成都HR result is recognized by a doctor of 温江区人民医院
    here = by_id["wjrm"].region_code
    assert assess(_result(), CATALOG, HOSPITAL, here, NOW).eligibility is Eligibility.VALID


@pytest.mark.parametrize(
    ("age", "eligibility"),
    [
        (dt.timedelta(hours=24), Eligibility.VALID),  # exactly at the end: still valid
        (dt.timedelta(hours=24, seconds=1), Eligibility.EXPIRED),
        (dt.timedelta(hours=23, minutes=59, seconds=59), Eligibility.VALID),
    ],
)
def test_the_window_edge(age: dt.timedelta, eligibility: Eligibility) -> None:
    result = _result(item="JY008", age=age)
    assert assess(result, CATALOG, HOSPITAL, "510100", NOW).eligibility is eligibility


def test_utc_and_beijing_stamps_agree_at_the_edge() -> None:
    beijing = dt.datetime(2026, 3, 2, 20, 0, tzinfo=CST)  # 12:00 UTC
    at_utc = assess(_result(item="JY008", age=dt.timedelta(hours=24)), CATALOG, HOSPITAL, "", NOW)
    at_cst = assess(
        _result(item="JY008", age=dt.timedelta(hours=24)), CATALOG, HOSPITAL, "", beijing
    )
    assert at_utc == at_cst
    assert at_cst.eligibility is Eligibility.VALID


def test_hour_scale_items_show_their_hours() -> None:
    glucose = assess(_result(item="JY004", age=dt.timedelta(hours=2, minutes=10)), CATALOG,
                     HOSPITAL, "510100", NOW)  # fmt: skip
    badge = hourly_badge(glucose)
    assert badge is not None
    assert (badge.validity_hours, badge.elapsed_hours) == (4, 2)  # 有效期4小时，已过2小时
    cardiac = assess(_result(item="JY008", age=dt.timedelta(hours=30)), CATALOG, HOSPITAL,
                     "510100", NOW)  # fmt: skip
    assert cardiac.eligibility is Eligibility.EXPIRED
    assert hourly_badge(cardiac) == type(badge)(24, 30)
    renal = assess(_result(), CATALOG, HOSPITAL, "510100", NOW)
    assert hourly_badge(renal) is None  # a 30-day item is counted in days
    old = assess(_result(item="JY008", age=dt.timedelta(days=5)), CATALOG, HOSPITAL, "", NOW)
    assert hourly_badge(old) == type(badge)(24, None)


def test_next_badge_change() -> None:
    glucose = assess(
        _result(item="JY004", age=dt.timedelta(hours=3, minutes=20)), CATALOG, HOSPITAL, "", NOW
    )
    renal = assess(_result(age=dt.timedelta(days=29, hours=23)), CATALOG, HOSPITAL, "", NOW)
    # 3 h 20 min old: its elapsed hours go to 4 in 40 minutes
    assert next_badge_change([glucose], NOW) == NOW + dt.timedelta(minutes=40)
    # the renal panel's 30-day window ends in an hour (just after its last valid moment)
    assert next_badge_change([renal], NOW) == NOW + dt.timedelta(hours=1, microseconds=1)
    assert next_badge_change([glucose, renal], NOW) == NOW + dt.timedelta(minutes=40)
    # at exactly 4 h the badge reads "已过4小时" and is still valid; a microsecond later the
    # window has ended
    at_end = NOW + dt.timedelta(minutes=40)
    assert next_badge_change([glucose], at_end) == at_end + dt.timedelta(microseconds=1)
    expired_long_ago = assess(_result(age=dt.timedelta(days=90)), CATALOG, HOSPITAL, "", NOW)
    assert next_badge_change([expired_long_ago], NOW) is None
