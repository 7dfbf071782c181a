"""Decisions through the platform seam: a decision Task read back as a PlatformDecision (never
as JSON past the FHIR implementation), and the outbox sending to any platform."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from workstation import fhir_systems as systems
from workstation.journal import Journal
from workstation.model import Category, RepeatReason, Result
from workstation.recognition.decisions import (
    Decision,
    DecisionKind,
    PlatformDecision,
    decisions_of_others,
    new_decision,
    task_resource,
)
from workstation.recognition.outbox import send_pending
from workstation.records.fhir_parse import MalformedResource, parse_task_decision

pytestmark = pytest.mark.unit

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=CST)
RESULT = Result(
    "r1", "p1", Category.LAB, "JY007", "电解质", "scph", dt.datetime(2026, 11, 20, tzinfo=CST)
)
REASON = RepeatReason("R02", "在疾病发展演变过程中变化较快", "Changing fast", True, False)


def _repeat() -> Decision:
    return new_decision(
        RESULT,
        DecisionKind.REPEAT_ORDERED,
        username="dr.wang",
        practitioner="Practitioner/pr002",
        catalog_version="2026.11-1",
        eligibility="valid",
        now=NOW,
        reason=REASON,
        patient_informed=True,
    )


def test_a_decision_task_reads_back_as_the_decision_it_was() -> None:
    decision = dataclasses.replace(_repeat(), supersedes="earlier-id")
    task = {**task_resource(decision), "id": "srv-7"}  # as the platform stores it
    assert parse_task_decision(task) == PlatformDecision(
        id="srv-7",
        decision_id=decision.id,
        result_id="r1",
        kind=DecisionKind.REPEAT_ORDERED,
        practitioner="Practitioner/pr002",
        practitioner_name="dr.wang",
        authored_on=NOW,
        reason_code="R02",
        reason_label="在疾病发展演变过程中变化较快",
        supersedes="earlier-id",
    )


def test_a_task_from_another_client_with_little_in_it() -> None:
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": "t9",
        "status": "completed",
        "focus": {"reference": "DiagnosticReport/r1"},
        "owner": {"reference": "Practitioner/pr077"},
        "businessStatus": {"coding": [{"system": systems.CS_DECISION, "code": "viewed"}]},
        "authoredOn": "2026-11-21T09:30:00",  # no offset: China Standard Time
    }
    decision = parse_task_decision(task)
    assert decision.kind is None  # only viewed (已查阅)
    assert (decision.decision_id, decision.practitioner_name, decision.reason_code) == ("", "", "")
    assert decision.authored_on == dt.datetime(2026, 11, 21, 9, 30, tzinfo=CST)
    withdrawn = {
        **task,
        "businessStatus": {"coding": [{"system": systems.CS_DECISION, "code": "withdrawn"}]},
    }
    del withdrawn["authoredOn"]
    assert parse_task_decision(withdrawn).kind is DecisionKind.WITHDRAWN
    assert parse_task_decision(withdrawn).authored_on is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"resourceType": "AuditEvent"}, "not a Task"),
        ({"focus": {}}, "missing focus"),
        ({"businessStatus": {"coding": [{"code": "accepted"}]}}, "no decision"),
        (
            {"businessStatus": {"coding": [{"system": systems.CS_DECISION, "code": "maybe"}]}},
            "unknown decision",
        ),
        ({"authoredOn": "yesterday"}, "not a date"),
    ],
)
def test_a_malformed_task_is_refused_by_name(change: dict[str, Any], problem: str) -> None:
    task = {**task_resource(_repeat()), "id": "srv-1", **change}
    with pytest.raises(MalformedResource, match=problem):
        parse_task_decision(task)


def test_her_own_decisions_are_left_out_of_the_others() -> None:
    mine = parse_task_decision({**task_resource(_repeat()), "id": "a"})
    theirs = dataclasses.replace(mine, id="b", practitioner="Practitioner/pr009")
    assert decisions_of_others([mine, theirs], "Practitioner/pr002") == [theirs]


class _MemoryPlatform:
    """A platform that is not FHIR: keeps decisions in a dict (the outbox needs only the
    seam's ``send_decision``)."""

    def __init__(self) -> None:
        self.held: dict[str, Decision] = {}

    def send_decision(self, decision: Decision) -> str:
        self.held.setdefault(decision.id, decision)
        return f"mem-{len(self.held)}"


def test_the_outbox_sends_domain_decisions_to_any_platform(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    saved = journal.record(_repeat())
    platform = _MemoryPlatform()
    assert send_pending(journal, platform).sent == [saved.id]
    assert platform.held == {saved.id: saved}
    assert journal.all()[0].server_id == "mem-1"
