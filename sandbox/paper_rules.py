"""What the platform accepts as a report a doctor transcribed from paper: a transaction of
PUTs of Binary, DocumentReference, Observation and DiagnosticReport resources on ids she
chose (``paper-<32 hex>``, with a suffix for the parts), all of one existing patient, the
report marked as transcribed by her (the platform sets her display name and the time it
received it is its own ``meta.lastUpdated``). Every id of a transaction, and every paper
id it refers to, starts with its DiagnosticReport's id, so a resource already stored under
such an id may only be replaced by the doctor who transcribed that report, and never moved
to another patient.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.auth import User
from sandbox.task_rules import CLOCK_SKEW, Refusal, parse_instant

JsonObj = dict[str, Any]
Lookup = Callable[[str, str], JsonObj | None]  # a stored resource by type and id, or None

# The protocol's systems, spelled out (the platform does not trust the client's module).
_BASE = "https://hr-platform.invalid/fhir"
CS_RESULT_SOURCE = f"{_BASE}/CodeSystem/result-source"
EXT_TRANSCRIBED = f"{_BASE}/StructureDefinition/transcribed-from-paper"
CS_RECOGNITION_ITEM = f"{_BASE}/CodeSystem/recognition-item"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"

TYPES = ("Binary", "DocumentReference", "Observation", "DiagnosticReport")
MAX_ENTRIES = 60
_ID = re.compile(r"^paper-[0-9a-f]{32}(-[a-z0-9]{1,8})?$")
_PREFIX_LEN = len("paper-") + 32
# A reference to one of TYPES, relative or absolute: ``Observation/paper-…-1``.
_NAMED = re.compile(r"\b(?:Binary|DocumentReference|Observation|DiagnosticReport)/([^/?#\s]*)")
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/bmp", "image/webp")
_BINARY_TYPES = (*_IMAGE_TYPES, "application/pdf")


def _invalid(message: str) -> Refusal:
    return Refusal(422, "invariant", message)


def _patient_of(resource: JsonObj) -> str:
    key = "securityContext" if resource["resourceType"] == "Binary" else "subject"
    value = resource.get(key)
    ref = value.get("reference") if isinstance(value, dict) else None
    return ref if isinstance(ref, str) else ""


def is_paper(resource: JsonObj) -> bool:
    """Whether a stored resource came from a paper report (its meta tag says so)."""
    tags = resource.get("meta", {}).get("tag", []) if isinstance(resource.get("meta"), dict) else []
    return any(
        isinstance(t, dict) and t.get("system") == CS_RESULT_SOURCE and t.get("code") == "paper"
        for t in (tags if isinstance(tags, list) else [])
    )


def _transcriber(report: JsonObj) -> str:
    for ext in report.get("extension", []) if isinstance(report.get("extension"), list) else []:
        if isinstance(ext, dict) and ext.get("url") == EXT_TRANSCRIBED:
            for part in ext.get("extension", []):
                if isinstance(part, dict) and part.get("url") == "by":
                    ref = (part.get("valueReference") or {}).get("reference")
                    return ref if isinstance(ref, str) else ""
    return ""


def _check_binary(res: JsonObj) -> None:
    if res.get("contentType") not in _BINARY_TYPES:
        raise _invalid("Binary.contentType must be an image or a PDF")
    try:
        data = base64.b64decode(str(res.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("Binary.data must be base64") from None
    if not data:
        raise _invalid("Binary.data is empty")


def _check_report(res: JsonObj, user: User, now: dt.datetime) -> JsonObj:
    if _transcriber(res) != user.practitioner:
        raise Refusal(403, "forbidden", "a paper report can only be transcribed by its owner")
    categories = [
        c.get("code")
        for concept in res.get("category", [])
        for c in concept.get("coding", [])
        if isinstance(c, dict) and c.get("system") == V2_0074
    ]
    if not set(categories) & {"LAB", "RAD"}:
        raise _invalid("DiagnosticReport.category must be LAB or RAD")
    codes = [
        c for c in res.get("code", {}).get("coding", []) if c.get("system") == CS_RECOGNITION_ITEM
    ]
    if not codes:
        raise _invalid("DiagnosticReport.code needs a recognition catalog item")
    effective = parse_instant(res.get("effectiveDateTime"))
    if effective is None or effective > now + CLOCK_SKEW:
        raise _invalid("DiagnosticReport.effectiveDateTime must be a past time with an offset")
    if not res.get("presentedForm"):
        raise _invalid("a paper report needs the picture of the paper (presentedForm)")
    extensions = []
    for ext in res["extension"]:
        if ext.get("url") == EXT_TRANSCRIBED:
            parts = [
                {**p, "valueReference": {"reference": user.practitioner, "display": user.display}}
                if p.get("url") == "by"
                else p
                for p in ext.get("extension", [])
            ]
            ext = {**ext, "extension": parts}
        extensions.append(ext)
    return {**res, "extension": extensions}


@dataclass(frozen=True)
class PaperTransaction:
    """A transaction's resources as they will be stored, in its order, all of ``patient``
    and all on ids starting with ``prefix`` (its DiagnosticReport's id)."""

    resources: list[JsonObj]
    patient: str
    prefix: str


def _prefix(rid: str) -> str:
    return rid[:_PREFIX_LEN]


def _parts_named(value: Any) -> Iterator[str]:
    """The ids of every Binary, DocumentReference, Observation and DiagnosticReport that a
    reference or attachment url inside ``value`` names."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("reference", "url") and isinstance(item, str):
                yield from _NAMED.findall(item)
            else:
                yield from _parts_named(item)
    elif isinstance(value, list):
        for item in value:
            yield from _parts_named(item)


def check_paper_bundle(bundle: JsonObj, user: User) -> PaperTransaction:
    """What a transaction Bundle would store, judged on its own (check_against_stored judges
    it against what is stored). Raises Refusal: 400 for a Bundle that is not such a
    transaction, 403 for a report not transcribed by ``user``, 422 for an invalid resource,
    for resources of more than one patient, or for an id or reference not of its own report."""
    if bundle.get("resourceType") != "Bundle" or bundle.get("type") != "transaction":
        raise Refusal(400, "invalid", "the body must be a transaction Bundle")
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not 0 < len(entries) <= MAX_ENTRIES:
        raise Refusal(400, "invalid", f"a transaction holds 1 to {MAX_ENTRIES} entries")
    now = dt.datetime.now(dt.UTC)
    resources: list[JsonObj] = []
    patients: set[str] = set()
    reports = 0
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            raise Refusal(400, "invalid", "each entry needs a resource")
        res = entry["resource"]
        rtype, rid = res.get("resourceType"), res.get("id")
        request = entry["request"] if isinstance(entry.get("request"), dict) else {}
        if rtype not in TYPES or not isinstance(rid, str) or not _ID.match(rid):
            raise Refusal(400, "not-supported", "only paper-report resources on paper-… ids")
        if request.get("method") != "PUT" or request.get("url") != f"{rtype}/{rid}":
            raise Refusal(400, "not-supported", "each entry must be a PUT on its own id")
        if not is_paper(res):
            raise _invalid(f"{rtype}/{rid} is not tagged as from a paper report")
        patient = _patient_of(res)
        if not patient.startswith("Patient/"):
            raise _invalid(f"{rtype}/{rid} names no patient")
        patients.add(patient)
        if rtype == "Binary":
            _check_binary(res)
        elif rtype == "DiagnosticReport":
            reports += 1
            if len(rid) != _PREFIX_LEN:
                raise _invalid("a paper DiagnosticReport's id is paper-<32 hex>, no suffix")
            res = _check_report(res, user, now)
        elif rtype == "Observation" and "valueQuantity" not in res:
            raise _invalid("a transcribed Observation needs a valueQuantity")
        resources.append(res)
    if len(patients) != 1:
        raise _invalid("a paper report's resources must all be of one patient")
    if reports != 1:
        raise _invalid("a transaction holds exactly one DiagnosticReport")
    prefix = next(r["id"] for r in resources if r["resourceType"] == "DiagnosticReport")
    for res in resources:
        # Every part of one report lives under the report's own id, and points only at
        # parts of it: a transaction can then touch no other doctor's report.
        if _prefix(res["id"]) != prefix:
            raise _invalid(f"{res['resourceType']}/{res['id']} is not a part of {prefix}")
        if any(not _ID.match(n) or _prefix(n) != prefix for n in _parts_named(res)):
            raise _invalid(f"{res['resourceType']}/{res['id']} refers to another paper report")
    (patient,) = patients
    return PaperTransaction(resources, patient, prefix)


def check_against_stored(paper: PaperTransaction, user: User, stored: Lookup) -> None:
    """Whether ``paper`` may be stored over what ``stored`` holds (run it in the write
    transaction that stores it). Raises Refusal: 403 when the stored report of its id was
    transcribed by someone else, 404 for an unknown patient, 409 for an id that holds
    something else or a resource that would change patient."""
    if stored("Patient", paper.patient.removeprefix("Patient/")) is None:
        raise Refusal(404, "not-found", f"{paper.patient} does not exist")
    stored_report = stored("DiagnosticReport", paper.prefix)
    if stored_report is not None and _transcriber(stored_report) != user.practitioner:
        raise Refusal(403, "forbidden", "this paper report was transcribed by someone else")
    for res in paper.resources:
        rtype, rid = res["resourceType"], res["id"]
        old = stored(rtype, rid)
        if old is None:
            continue
        if not is_paper(old):
            raise Refusal(409, "conflict", f"{rtype}/{rid} is not a paper-report resource")
        if stored_report is None:
            raise Refusal(409, "conflict", f"{rtype}/{rid} belongs to no stored paper report")
        if _patient_of(old) != paper.patient:
            raise Refusal(409, "conflict", f"{rtype}/{rid} is of another patient")
