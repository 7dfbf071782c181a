"""The printed summary lists the patient's record number (病历号) at each hospital whose
results it holds, the printing hospital's first, and names the doctor of each decision by
her display name, not her login."""

from __future__ import annotations

import dataclasses

import pytest

from tests.test_summary_pdf import HX, JC, PATIENT, _text, realistic_summary
from workstation.model import Hospital, MedicalRecordNumber, Result
from workstation.summary.model import SummaryInput, SummaryItem
from workstation.summary.pdf import build_summary_pdf
from workstation.summary.people import decided_by, record_numbers

pytestmark = pytest.mark.unit

# a 绵阳 hospital as the federation names it (another platform's ids carry its key)
MY = Hospital("k7~mysy", "绵阳市中心医院", "3A", "三级甲等", "510700")
FAR = Hospital("k7~gyfy", "广元市第一人民医院", "3A", "三级甲等", "510800")


def _summary() -> SummaryInput:
    summary = realistic_summary()
    lab, ct, ecg = summary.items
    mianyang = dataclasses.replace(
        ecg,
        result=dataclasses.replace(ecg.result, id="k7~rep-ecg-2", hospital_id=MY.id),
        hospital=MY,
    )
    disc = SummaryItem(
        Result("disc:1.2.3", PATIENT.id, ct.result.category, "", "胸部CT", "蓬溪县中医院",
               ct.result.effective),
        Hospital("蓬溪县中医院", "蓬溪县中医院", "", "", ""),
        None,
    )  # fmt: skip
    patient = dataclasses.replace(
        PATIENT,
        mrns=(
            MedicalRecordNumber(HX.id, "0012345"),
            MedicalRecordNumber(JC.id, "JC-88"),
            MedicalRecordNumber(FAR.id, "GY-1"),  # no result of 广元 in this summary
            MedicalRecordNumber(MY.id, "MY-5507"),
            MedicalRecordNumber("pxzy", "PX-31"),  # the disc's hospital, by its name
            MedicalRecordNumber(MY.id, "MY-5507"),  # the same record seen twice
        ),
    )
    hospitals = {**summary.hospitals, MY.id: MY, FAR.id: FAR}
    hospitals["pxzy"] = Hospital("pxzy", "蓬溪县中医院", "2A", "二级甲等", "510900")
    return dataclasses.replace(
        summary,
        hospital_name=JC.name,  # she prints at 锦城: its number is the chart's
        patient=patient,
        items=(lab, ct, mianyang, disc),
        hospitals=hospitals,
        doctor_username="dr.wang",
    )


def test_the_numbers_of_every_hospital_in_the_summary_and_no_other() -> None:
    assert record_numbers(_summary()) == [
        ("四川省锦城人民医院", "JC-88"),  # the printing hospital first
        ("四川大学华西医院", "0012345"),
        ("绵阳市中心医院", "MY-5507"),  # from the other platform's record, once
        ("蓬溪县中医院", "PX-31"),
    ]
    text = _text(build_summary_pdf(_summary()))
    lines = [
        "四川省锦城人民医院：JC-88",
        "四川大学华西医院：0012345",
        "绵阳市中心医院：MY-5507",
        "蓬溪县中医院：PX-31",
    ]
    assert "\n".join(lines) in text  # a line each
    assert "GY-1" not in text


def test_a_decision_is_signed_with_her_display_name_not_her_login() -> None:
    summary = _summary()
    decision = summary.items[0].decision
    assert decision is not None
    assert decision.username == "dr.wang"
    assert decided_by(summary, decision) == "王建国"
    colleague = dataclasses.replace(decision, username="dr.zhao")
    assert decided_by(summary, colleague) == "dr.zhao"  # not hers: the login it carries
    text = _text(build_summary_pdf(summary)).replace("\n", "")
    assert "（王建国）" in text
    assert "dr.wang" not in text
