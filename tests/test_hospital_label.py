"""The issuing hospital in a result's headers: the platform's name with its grade, else the
name she typed from a paper report (a hospital the platform does not list), else its id."""

from __future__ import annotations

import datetime as dt

from workstation.model import Category, Hospital, PaperOrigin, Result
from workstation.records.hospital_label import hospital_label

_WHEN = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


def _result(hospital_id: str, typed: str = "") -> Result:
    paper = PaperOrigin("Practitioner/dr-li", "李静", _WHEN, typed) if typed else None
    return Result(
        id="r1",
        patient_id="p1",
        category=Category.LAB,
        item_code="RENAL",
        item_name="肾功能",
        effective=_WHEN,
        hospital_id=hospital_id,
        paper=paper,
    )


def test_a_typed_hospital_of_a_paper_result_is_named() -> None:
    assert hospital_label(_result("", "某县第二人民医院"), None) == "某县第二人民医院"


def test_a_listed_hospital_is_named_with_its_grade() -> None:
    listed = Hospital("h1", "绵阳市中心医院", "3A", "三级甲等")
    assert hospital_label(_result("h1"), listed) == "绵阳市中心医院（三级甲等）"
    assert hospital_label(_result("h1"), Hospital("h1", "某诊所")) == "某诊所"
    assert hospital_label(_result("h9"), None) == "h9"
