"""Decisions on PACS and disc studies go to the decision authority as a Task whose focus
is the StudyInstanceUID, exactly once; platform results' decisions are unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from devtools.sandbox_launcher import DEMO_PASSWORD
from tests.conftest import Sandbox
from workstation.config import PlatformEntry
from workstation.http import PlatformError
from workstation.journal import Journal
from workstation.model import Gender, Patient
from workstation.recognition.decisions import Decision, DecisionKind, new_decision
from workstation.recognition.outbox import send_pending
from workstation.services import Connection, sign_in
from workstation.sources.base import SourceStudy, study_result
from workstation.sources.study_decisions import DecisionAuthority, source_study_uid

pytestmark = pytest.mark.e2e

STUDY_UID = "1.2.826.0.1.3680043.8.498.777"


def _authority(sandbox: Sandbox) -> Connection:
    return sign_in(
        PlatformEntry("省平台", sandbox.base_url),
        "dr.li",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
        make_platform=DecisionAuthority,
    )


def _disc_row() -> SourceStudy:
    return SourceStudy(
        "患者光盘",
        Patient("PX1", "某某", Gender.MALE, None),
        STUDY_UID,
        dt.datetime(2026, 11, 20, 9, 0),
        "胸部CT平扫",
        ("CT",),
        "蓬溪县中医院",
    )


def _decision(patient_id: str, kind: DecisionKind = DecisionKind.ACCEPTED) -> Decision:
    result = study_result(_disc_row(), patient_id=patient_id)
    return new_decision(
        result,
        kind,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="2026.11-1",
        eligibility="no HR mark: the doctor decides",
        now=dt.datetime.now(dt.UTC),
    )


def test_the_result_id_of_a_source_study_carries_its_uid() -> None:
    row = study_result(_disc_row(), patient_id="p0001")
    assert row.patient_id == "p0001"
    assert source_study_uid(row.id) == STUDY_UID
    assert source_study_uid("rad000008") == ""


def test_a_disc_decision_lands_on_the_authority_once(sandbox: Sandbox, tmp_path: Path) -> None:
    connection = _authority(sandbox)
    try:
        decision = _decision("p0001")
        journal = Journal(tmp_path)
        saved = journal.record(decision)
        assert send_pending(journal, connection.platform).sent == [saved.id]
        first = connection.platform.send_decision(saved)  # a resend after a lost answer
        second = connection.platform.send_decision(saved)
        assert first == second
        assert sandbox.task_total(saved.id) == 1
        task = httpx.get(
            f"{sandbox.base_url}/fhir/Task/{first}",
            headers={"Authorization": f"Bearer {sandbox.token()}"},
        ).json()
        assert task["focus"] == {
            "type": "ImagingStudy",
            "identifier": {"system": "urn:dicom:uid", "value": f"urn:oid:{STUDY_UID}"},
        }
        assert task["for"] == {"reference": "Patient/p0001"}
        (read_back,) = connection.platform.decisions_on(saved.result_id, "p0001")
        assert read_back.decision_id == saved.id
        assert read_back.result_id == saved.result_id
        assert read_back.kind is DecisionKind.ACCEPTED
    finally:
        connection.sign_out()


def test_decisions_on_a_study_uid_are_read_back_for_her_only(sandbox: Sandbox) -> None:
    # two patients' discs with the same StudyInstanceUID (a copied disc, a reused UID)
    connection = _authority(sandbox)
    try:
        hers = _decision("p0001")
        theirs = _decision("p0002")
        connection.platform.send_decision(hers)
        connection.platform.send_decision(theirs)
        assert hers.result_id == theirs.result_id
        platform = connection.platform
        for_her = {d.decision_id for d in platform.decisions_on(hers.result_id, "p0001")}
        for_them = {d.decision_id for d in platform.decisions_on(hers.result_id, "p0002")}
        assert hers.id in for_her
        assert theirs.id not in for_her
        assert theirs.id in for_them
        assert hers.id not in for_them
        assert platform.decisions_on(hers.result_id, "p0003") == []
        assert platform.decisions_on(hers.result_id) == []  # no patient: no study's decisions
    finally:
        connection.sign_out()


def test_the_authority_refuses_a_study_decision_for_no_patient_of_its_own(
    sandbox: Sandbox,
) -> None:
    connection = _authority(sandbox)
    try:
        with pytest.raises(PlatformError):
            connection.platform.send_decision(_decision("p9999-nobody"))
    finally:
        connection.sign_out()


def test_a_platform_result_decision_still_focuses_its_report(sandbox: Sandbox) -> None:
    connection = _authority(sandbox)
    try:
        page = next(connection.platform.results("p0001"))
        result = page.results[0]
        decision = new_decision(
            result,
            DecisionKind.ACCEPTED,
            username="dr.li",
            practitioner="Practitioner/pr001",
            catalog_version="2026.11-1",
            eligibility="",
            now=dt.datetime.now(dt.UTC),
        )
        task_id = connection.platform.send_decision(decision)
        task = httpx.get(
            f"{sandbox.base_url}/fhir/Task/{task_id}",
            headers={"Authorization": f"Bearer {sandbox.token()}"},
        ).json()
        assert task["focus"] == {"reference": f"DiagnosticReport/{result.id}"}
    finally:
        connection.sign_out()
