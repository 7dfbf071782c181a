"""What the platform accepts as a recognition decision (Task) or an audit record (AuditEvent)
from a signed-in doctor, and what it sets itself instead of trusting the body.

The caller is the token's practitioner: a Task's owner and an AuditEvent's requestor must be
her, and their display names are the platform's, never the body's. Codes are checked against
the recognition catalog the platform publishes; ``Task.for`` must be the patient of the result
in ``Task.focus``; ``authoredOn`` must be a time with an offset, no later than the server's
clock (plus a small skew) and no older than the outbox may plausibly hold a decision.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sandbox.auth import User
from sandbox.store import Store, now_iso

JsonObj = dict[str, Any]

# The protocol's systems, spelled out here: the platform checks the client, so it does not
# take them from the client's module (DESIGN: "must not trust those constants").
_BASE = "https://hr-platform.invalid/fhir"
SID_TASK = f"{_BASE}/sid/recognition-decision"
CS_TASK_CODE = f"{_BASE}/CodeSystem/task-code"
CS_DECISION = f"{_BASE}/CodeSystem/recognition-decision"
CS_REPEAT_REASON = f"{_BASE}/CodeSystem/repeat-reason"
TASK_CODE_REVIEW = "recognition-review"
DECISION_CODES = ("viewed", "accepted", "repeat-ordered", "withdrawn")
TASK_STATUSES = ("completed", "cancelled", "entered-in-error")
FOCUS_TYPES = ("DiagnosticReport", "Observation", "ImagingStudy")
DICOM_UID_SYSTEM = "urn:dicom:uid"
_STUDY_UID = re.compile(r"^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$")

CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_DECISION_AGE = dt.timedelta(days=30)  # an offline outbox may hold a decision this long
MAX_TEXT = 4000  # characters of one note / display


@dataclass(frozen=True)
class Refusal(Exception):
    """A resource the platform will not store: HTTP status, FHIR issue code, message."""

    status: int
    code: str
    message: str


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invariant", message)


def _object(value: Any, what: str) -> JsonObj:
    if not isinstance(value, dict):
        raise _invalid(f"{what} must be a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise _invalid(f"{what} must be a JSON array")
    return value


def _reference(value: Any, what: str) -> str:
    ref = _object(value, what).get("reference")
    if not isinstance(ref, str) or not ref or len(ref) > 200:
        raise _invalid(f"{what}.reference must be a reference text")
    return ref


def _codes(concept: Any, system: str, what: str) -> list[str]:
    """The codes of ``system`` in a CodeableConcept (which must be well-formed)."""
    codings = _list(_object(concept, what).get("coding", []), f"{what}.coding")
    out = []
    for coding in codings:
        coding = _object(coding, f"{what}.coding[]")
        for key in ("system", "code", "display"):
            if key in coding and not isinstance(coding[key], str):
                raise _invalid(f"{what}.coding.{key} must be text")
        if coding.get("system") == system:
            out.append(str(coding.get("code", "")))
    return out


def parse_instant(value: Any) -> dt.datetime | None:
    """A FHIR dateTime with time and offset as an aware datetime, else None."""
    if not isinstance(value, str) or not 19 <= len(value) <= 35 or "T" not in value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _catalog_reasons(catalog: JsonObj) -> set[str]:
    reasons = catalog.get("repeatReasons", [])
    return {str(r.get("code")) for r in reasons if isinstance(r, dict) and r.get("code")}


def check_task(task: JsonObj, user: User, store: Store, catalog: JsonObj) -> JsonObj:
    """The Task to store, owner display and ``lastModified`` set by the platform. Raises
    Refusal: 403 when it is recorded for someone else, 422 when it is not a valid decision."""
    required = ("identifier", "status", "intent", "code", "focus", "for", "owner", "authoredOn")
    missing = [k for k in (*required, "businessStatus") if not task.get(k)]
    if missing:
        raise _invalid(f"Task lacks {', '.join(missing)}")
    owner = _reference(task["owner"], "Task.owner")
    if owner != user.practitioner:
        raise Refusal(403, "forbidden", "a decision can only be recorded by its owner")
    if task["status"] not in TASK_STATUSES:
        raise _invalid("Task.status must be completed, cancelled or entered-in-error")
    if task["intent"] != "order":
        raise _invalid("Task.intent must be order")
    identifiers = _list(task["identifier"], "Task.identifier")
    if not any(
        isinstance(i, dict)
        and i.get("system") == SID_TASK
        and isinstance(i.get("value"), str)
        and 0 < len(i["value"]) <= 64
        for i in identifiers
    ):
        raise _invalid(f"Task needs an identifier in system {SID_TASK}")
    if TASK_CODE_REVIEW not in _codes(task["code"], CS_TASK_CODE, "Task.code"):
        raise _invalid("Task.code must be a recognition review")
    decisions = _codes(task["businessStatus"], CS_DECISION, "Task.businessStatus")
    if len(decisions) != 1 or decisions[0] not in DECISION_CODES:
        raise _invalid("Task.businessStatus must be one recognition decision code")
    _check_reason(task, decisions[0], catalog)
    authored = parse_instant(task["authoredOn"])
    now = dt.datetime.now(dt.UTC)
    if authored is None:
        raise _invalid("Task.authoredOn must be a date and time with an offset")
    if authored > now + CLOCK_SKEW:
        raise _invalid("Task.authoredOn is in the future")
    if authored < now - MAX_DECISION_AGE:
        raise _invalid("Task.authoredOn is older than the platform accepts")
    if _object(task["focus"], "Task.focus").get("identifier") is not None:
        _check_study_focus(task, store)
    else:
        focus = _reference(task["focus"], "Task.focus")
        ftype, _, fid = focus.partition("/")
        result = store.get_resource(ftype, fid) if ftype in FOCUS_TYPES and fid else None
        if result is None:
            raise _invalid(f"Task.focus {focus!r} is not a known result")
        subject = result.get("subject")
        patient = subject.get("reference") if isinstance(subject, dict) else None
        if _reference(task["for"], "Task.for") != patient:
            raise _invalid("Task.for is not the patient of the result in Task.focus")
    for key in ("note", "extension", "partOf"):
        if key in task:
            _list(task[key], f"Task.{key}")
    for note in task.get("note", []):
        text = _object(note, "Task.note[]").get("text", "")
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise _invalid("Task.note.text must be text of at most 4000 characters")
    return {
        **task,
        "owner": {"reference": user.practitioner, "display": user.display},
        "lastModified": now_iso(),
    }


def _check_study_focus(task: JsonObj, store: Store) -> None:
    """A decision on a study the platform does not hold (from a PACS or the patient's
    disc, decided here as the decision authority): ``focus`` names it by its
    StudyInstanceUID (``{"type": "ImagingStudy", "identifier": {"system": "urn:dicom:uid",
    "value": "urn:oid:<uid>"}}``) and ``for`` must be a patient of this platform."""
    focus = task["focus"]
    identifier = _object(focus.get("identifier"), "Task.focus.identifier")
    value = identifier.get("value")
    if (
        focus.get("type") != "ImagingStudy"
        or identifier.get("system") != DICOM_UID_SYSTEM
        or not isinstance(value, str)
        or not _STUDY_UID.match(value)
    ):
        raise _invalid("Task.focus must name an ImagingStudy by its StudyInstanceUID")
    patient = _reference(task["for"], "Task.for")
    ptype, _, pid = patient.partition("/")
    if ptype != "Patient" or not pid or store.get_resource("Patient", pid) is None:
        raise _invalid("Task.for is not a patient of this platform")


def _check_reason(task: JsonObj, decision: str, catalog: JsonObj) -> None:
    reason = task.get("reasonCode")
    if decision != "repeat-ordered":
        if reason:
            raise _invalid("only a repeat takes a reasonCode")
        return
    if not reason:
        raise _invalid("a repeat needs a reasonCode")
    concepts = reason if isinstance(reason, list) else [reason]
    codes = [c for concept in concepts for c in _codes(concept, CS_REPEAT_REASON, "reasonCode")]
    known = _catalog_reasons(catalog)
    if not codes or any(c not in known for c in codes):
        raise _invalid("Task.reasonCode must be a repeat reason of the recognition catalog")


def check_audit_event(event: JsonObj, user: User) -> JsonObj:
    """The AuditEvent to store. The requestor is the caller (the token's practitioner, her
    display set by the platform); other agents are kept as informational, never requestors.
    Raises Refusal (403 for a requestor other than the caller, 422 for a malformed event)."""
    if not event.get("recorded") or not event.get("type"):
        raise _invalid("AuditEvent needs type and recorded")
    _object(event["type"], "AuditEvent.type")
    if parse_instant(event["recorded"]) is None:
        raise _invalid("AuditEvent.recorded must be a date and time with an offset")
    agents = _list(event.get("agent", []), "AuditEvent.agent")
    mine = False
    kept = []
    for agent in agents:
        agent = _object(agent, "AuditEvent.agent[]")
        who = _reference(agent.get("who"), "AuditEvent.agent.who")
        requestor = agent.get("requestor", False)
        if not isinstance(requestor, bool):
            raise _invalid("AuditEvent.agent.requestor must be true or false")
        if requestor and who != user.practitioner:
            raise Refusal(403, "forbidden", "the requestor of an AuditEvent must be you")
        if who == user.practitioner and requestor:
            mine = True
            agent = {**agent, "who": {"reference": who, "display": user.display}}
        kept.append(agent)
    if not mine:
        raise Refusal(403, "forbidden", "AuditEvent has no requestor agent that is you")
    for key in ("entity",):
        for entity in _list(event.get(key, []), f"AuditEvent.{key}"):
            what = _object(entity, "AuditEvent.entity[]").get("what")
            if what is not None:
                _reference(what, "AuditEvent.entity.what")
    return {**event, "agent": kept}
