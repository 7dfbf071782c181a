"""Recognition decisions: what the doctor decided about a result, as plain data, and how it
is written for the medical record and as a FHIR Task."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from workstation import fhir_systems as systems
from workstation.clock import china_time
from workstation.model import Hospital, RepeatReason, Result


class DecisionKind(Enum):
    """The states a result can be given (viewed is implicit in the audit log)."""

    ACCEPTED = "accepted"  # 互认
    REPEAT_ORDERED = "repeat-ordered"  # 不互认 / 重新检查
    WITHDRAWN = "withdrawn"  # 撤销: takes back the previous decision, history kept


class DecisionError(ValueError):
    """A decision that may not be recorded as given (missing reason, note…)."""


@dataclass(frozen=True)
class Decision:
    """One decision, immutable. A later decision on the same result supersedes it: the
    journal fills in ``supersedes`` when it records the decision (never the caller)."""

    id: str  # client-generated; also the Task identifier, so a resend is harmless
    result_id: str  # DiagnosticReport id
    patient_id: str
    kind: DecisionKind
    username: str
    practitioner: str  # "Practitioner/…"
    authored_on: dt.datetime  # timezone-aware
    catalog_version: str
    item_code: str
    category: str  # "lab" | "imaging"
    hospital_id: str
    reason_code: str = ""
    reason_label: str = ""
    note: str = ""
    patient_informed: bool = False
    eligibility: str = ""  # the rule check shown when she decided
    supersedes: str = ""  # id of the last saved decision on the result, set by the journal


@dataclass(frozen=True)
class PlatformDecision:
    """A decision on a result as the platform holds it: recorded by any doctor (this one
    included) from any workstation, read back from the platform (never from the journal)."""

    id: str  # the platform's id of the record
    decision_id: str  # the recording client's identifier (``Decision.id``); "" if none
    result_id: str  # DiagnosticReport id
    kind: DecisionKind | None  # None: the doctor only viewed the result (已查阅)
    practitioner: str  # "Practitioner/…"
    practitioner_name: str  # as the platform names the doctor ("" if it does not)
    authored_on: dt.datetime | None  # timezone-aware; None when the platform has no time
    reason_code: str = ""
    reason_label: str = ""
    supersedes: str = ""  # the recording client's identifier of the decision it replaces


def decisions_of_others(
    decisions: Iterable[PlatformDecision], practitioner: str
) -> list[PlatformDecision]:
    """The decisions not recorded by ``practitioner`` ("Practitioner/…"), in their order:
    her own are shown from her journal, so the platform's copies of them are left out."""
    return [d for d in decisions if d.practitioner != practitioner]


def new_decision(
    result: Result,
    kind: DecisionKind,
    *,
    username: str,
    practitioner: str,
    catalog_version: str,
    eligibility: str,
    now: dt.datetime,
    reason: RepeatReason | None = None,
    note: str = "",
    patient_informed: bool = False,
) -> Decision:
    """Validate and build a decision. Raises DecisionError when the rules of recording are not
    met: a repeat needs a coded reason, a reason marked "needs note" needs a note, and a
    refusal needs the tick that the purpose was explained to the patient or family.

    The decision it supersedes is not known here: the journal finds it when it records."""
    note = note.strip()
    if kind is DecisionKind.REPEAT_ORDERED:
        if reason is None:
            raise DecisionError("a repeat needs a reason")
        if reason.needs_note and not note:
            raise DecisionError("this reason needs a note")
        if reason.counts_as_refusal and not patient_informed:
            raise DecisionError("record that the reason was explained to the patient")
    elif reason is not None:
        raise DecisionError("only a repeat takes a reason")
    if now.tzinfo is None:
        raise DecisionError("decision time must be timezone-aware")
    return Decision(
        id=str(uuid.uuid4()),
        result_id=result.id,
        patient_id=result.patient_id,
        kind=kind,
        username=username,
        practitioner=practitioner,
        authored_on=now,
        catalog_version=catalog_version,
        item_code=result.item_code,
        category=result.category.value,
        hospital_id=result.hospital_id,
        reason_code=reason.code if reason else "",
        reason_label=reason.label_zh if reason else "",
        note=note,
        patient_informed=patient_informed,
        eligibility=eligibility,
    )


def decision_in_force(history: Iterable[Decision]) -> Decision | None:
    """The decision in force on one result, from that result's decisions oldest first: the
    last one, or None when there is none or the last one withdrew what came before (撤销).

    This is the one rule the timeline badge, the decision panel, the statistics and the
    printed summary use."""
    last: Decision | None = None
    for decision in history:
        last = decision
    if last is None or last.kind is DecisionKind.WITHDRAWN:
        return None
    return last


def decisions_in_force(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per result id (``decision_in_force`` of each result's decisions,
    given oldest first); results whose last decision was a withdrawal are absent."""
    histories: dict[str, list[Decision]] = {}
    for decision in decisions:
        histories.setdefault(decision.result_id, []).append(decision)
    in_force = {result_id: decision_in_force(history) for result_id, history in histories.items()}
    return {result_id: d for result_id, d in in_force.items() if d is not None}


def record_sentence(
    decision: Decision, result: Result, hospital: Hospital | None, origin: str = ""
) -> str:
    """The sentence for the medical record (病历), in Chinese as the chart is kept;
    ``origin`` says how a result not from a platform reached her ("患者自带光盘",
    "经绵阳PACS调阅": ``origin_phrase``)."""
    typed = result.paper.hospital_name if result.paper else ""
    where = hospital.name if hospital else (typed or result.hospital_id)
    day = china_time(result.effective)
    when = f"{day.year}年{day.month}月{day.day}日"
    mark = f"（{result.mark.mark}）" if result.mark else ""
    if result.paper is not None:  # the chart says the result was seen on paper
        mark = f"（纸质报告，{result.mark.mark}）" if result.mark else "（纸质报告）"
    # the chart's phrasing: 于<date>在<hospital>所做的<item> (date and place told apart)
    if origin:
        mark = f"{mark[:-1]}，{origin}）" if mark else f"（{origin}）"
    what = f"于{when}在{where}所做的{result.item_name}{mark}"
    if decision.kind is DecisionKind.ACCEPTED:
        against = accepted_against_rules(decision)
        if against:  # her judgement over the rule's: said, not hidden
            return f"患者{what}结果{against}，经本人审阅，仍予采纳，本次不再重复检查。"
        if decision.eligibility == "no_mark":
            return f"患者{what}结果{NO_MARK_PHRASE}，经本人审阅，予以采纳，本次不再重复检查。"
        return f"患者{what}结果经本人审阅，予以互认，本次不再重复检查。"
    if decision.kind is DecisionKind.WITHDRAWN:
        return f"撤销此前对患者{what}结果的互认结论。"
    sentence = f"患者{what}结果不予互认，需重新检查，原因：{decision.reason_label}"
    if decision.note:
        sentence += f"（{decision.note}）"
    sentence += "。"
    if decision.patient_informed:
        sentence += "已向患者/家属说明复查的目的和必要性。"
    return sentence


# The rule checks that say "not to be recognized", as the chart words them. A doctor may
# still accept such a result (the final judgement is hers); the record says she did.
INELIGIBLE_PHRASES = {
    "expired": "已超过互认有效期",
    "out_of_region": "不在本地区互认范围内",
    "below_level": "出具医院等级不符合互认要求",
    "not_recognized": "非互认目录项目",
}
NO_MARK_PHRASE = "无互认标识"


def accepted_against_rules(decision: Decision) -> str:
    """For an acceptance of a result the rules did not recognize, the rule's words
    ("已超过互认有效期"); "" for any other decision (``Decision.eligibility`` holds the
    rule check shown when she decided)."""
    if decision.kind is not DecisionKind.ACCEPTED:
        return ""
    return INELIGIBLE_PHRASES.get(decision.eligibility, "")


def origin_phrase(kind: str, name: str) -> str:
    """How a result reached her, for the 病历 sentence: "患者自带光盘" for a disc or USB
    stick, "经<name>调阅" for a PACS; "" for a platform's result (``kind``: a
    ``sources.base.SourceKind`` value)."""
    if kind == "disc":
        return "患者自带光盘"
    if kind == "dicom":
        return f"经{name}调阅" if name else "经PACS调阅"
    return ""


def task_resource(decision: Decision) -> dict[str, Any]:
    """The decision as a FHIR R4 Task (status completed; businessStatus = the decision)."""
    task: dict[str, Any] = {
        "resourceType": "Task",
        "identifier": [{"system": systems.SID_TASK, "value": decision.id}],
        "status": "completed",
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": systems.CS_TASK_CODE,
                    "code": systems.TASK_CODE_REVIEW,
                    "display": "检查检验结果互认审核",
                }
            ]
        },
        "focus": {"reference": f"DiagnosticReport/{decision.result_id}"},
        "for": {"reference": f"Patient/{decision.patient_id}"},
        "owner": {"reference": decision.practitioner, "display": decision.username},
        "authoredOn": decision.authored_on.isoformat(timespec="seconds"),
        "lastModified": decision.authored_on.isoformat(timespec="seconds"),
        "businessStatus": {
            "coding": [{"system": systems.CS_DECISION, "code": decision.kind.value}]
        },
        "extension": [
            {"url": systems.EXT_CATALOG_VERSION, "valueString": decision.catalog_version},
            {"url": systems.EXT_PATIENT_INFORMED, "valueBoolean": decision.patient_informed},
        ],
    }
    if decision.reason_code:
        task["reasonCode"] = {
            "coding": [
                {
                    "system": systems.CS_REPEAT_REASON,
                    "code": decision.reason_code,
                    "display": decision.reason_label,
                }
            ]
        }
    notes = [n for n in (decision.note, f"rule check: {decision.eligibility}") if n]
    task["note"] = [{"text": n} for n in notes]
    if decision.supersedes:
        task["partOf"] = [
            {"identifier": {"system": systems.SID_TASK, "value": decision.supersedes}}
        ]
    return task
