"""Search parameter values of FHIR resources, as (name, value) pairs for the search index.

Kinds: ``token`` values are stored both as ``system|code`` and as bare ``code``;
``reference`` values as ``Type/id``; ``date`` values as ISO text (compared by prefix);
``string`` values lower-cased.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JsonObj = dict[str, Any]

# search parameter -> kind, per resource type (what the CapabilityStatement advertises)
SEARCH_PARAMS: dict[str, dict[str, str]] = {
    "Patient": {
        "identifier": "token",
        "name": "string",
        "family": "string",
        "given": "string",
        "birthdate": "date",
        "gender": "token",
        "phone": "token",
        "organization": "reference",
    },
    "Organization": {"identifier": "token", "name": "string", "partof": "reference"},
    "Practitioner": {"identifier": "token", "name": "string"},
    "DiagnosticReport": {
        "patient": "reference",
        "subject": "reference",
        "category": "token",
        "code": "token",
        "date": "date",
        "issued": "date",
        "performer": "reference",
        "identifier": "token",
        "result": "reference",
        "imaging-study": "reference",
        "status": "token",
    },
    "Observation": {
        "patient": "reference",
        "subject": "reference",
        "code": "token",
        "category": "token",
        "date": "date",
        "performer": "reference",
    },
    "ImagingStudy": {
        "patient": "reference",
        "subject": "reference",
        "identifier": "token",
        "started": "date",
        "modality": "token",
    },
    "Task": {
        "identifier": "token",
        "patient": "reference",
        "focus": "reference",
        "focus-identifier": "token",  # a study decided on that the platform does not hold
        "owner": "reference",
        "authored-on": "date",
        "business-status": "token",
        "status": "token",
        "code": "token",
    },
    "AuditEvent": {"date": "date", "agent": "reference", "patient": "reference"},
    "DocumentReference": {"patient": "reference", "subject": "reference", "related": "reference"},
}


def _tokens(codings: list[JsonObj]) -> Iterator[str]:
    for coding in codings:
        code = coding.get("code") or coding.get("value")
        if not code:
            continue
        system = coding.get("system", "")
        yield f"{system}|{code}"
        yield str(code)


def _concepts(value: Any) -> list[JsonObj]:
    concepts = value if isinstance(value, list) else [value] if value else []
    codings: list[JsonObj] = []
    for concept in concepts:
        codings.extend(concept.get("coding", []))
    return codings


def _ref(value: Any) -> Iterator[str]:
    items = value if isinstance(value, list) else [value] if value else []
    for item in items:
        if isinstance(item, dict) and item.get("reference"):
            yield str(item["reference"])


def _strings(*values: Any) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and value:
            yield value.lower()


def index_values(resource: JsonObj) -> list[tuple[str, str]]:
    """The (parameter, value) pairs under which ``resource`` can be found."""
    rtype = resource.get("resourceType", "")
    extractor = _EXTRACTORS.get(rtype)
    if extractor is None:
        return []
    return sorted(set(extractor(resource)))


def _patient(r: JsonObj) -> Iterator[tuple[str, str]]:
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    for name in r.get("name", []):
        family = name.get("family", "")
        given = "".join(name.get("given", []))
        for s in _strings(name.get("text"), family + given, family, given):
            yield "name", s
        for s in _strings(family):
            yield "family", s
        for s in _strings(given):
            yield "given", s
    if r.get("birthDate"):
        yield "birthdate", r["birthDate"]
    if r.get("gender"):
        yield "gender", r["gender"]
    for telecom in r.get("telecom", []):
        if telecom.get("system") == "phone" and telecom.get("value"):
            yield "phone", telecom["value"]
    for ref in _ref(r.get("managingOrganization")):
        yield "organization", ref


def _organization(r: JsonObj) -> Iterator[tuple[str, str]]:
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    for s in _strings(r.get("name")):
        yield "name", s
    for ref in _ref(r.get("partOf")):
        yield "partof", ref


def _practitioner(r: JsonObj) -> Iterator[tuple[str, str]]:
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    for name in r.get("name", []):
        for s in _strings(name.get("text")):
            yield "name", s


def _subject(r: JsonObj) -> Iterator[tuple[str, str]]:
    for ref in _ref(r.get("subject")):
        yield "subject", ref
        if ref.startswith("Patient/"):
            yield "patient", ref


def _diagnostic_report(r: JsonObj) -> Iterator[tuple[str, str]]:
    yield from _subject(r)
    for v in _tokens(_concepts(r.get("category"))):
        yield "category", v
    for v in _tokens(_concepts(r.get("code"))):
        yield "code", v
    if r.get("effectiveDateTime"):
        yield "date", r["effectiveDateTime"]
    if r.get("issued"):
        yield "issued", r["issued"]
    for ref in _ref(r.get("performer")):
        yield "performer", ref
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    for ref in _ref(r.get("result")):
        yield "result", ref
    for ref in _ref(r.get("imagingStudy")):
        yield "imaging-study", ref
    if r.get("status"):
        yield "status", r["status"]


def _observation(r: JsonObj) -> Iterator[tuple[str, str]]:
    yield from _subject(r)
    for v in _tokens(_concepts(r.get("code"))):
        yield "code", v
    for v in _tokens(_concepts(r.get("category"))):
        yield "category", v
    if r.get("effectiveDateTime"):
        yield "date", r["effectiveDateTime"]
    for ref in _ref(r.get("performer")):
        yield "performer", ref


def _imaging_study(r: JsonObj) -> Iterator[tuple[str, str]]:
    yield from _subject(r)
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    if r.get("started"):
        yield "started", r["started"]
    for coding in r.get("modality", []):
        for v in _tokens([coding]):
            yield "modality", v


def _task(r: JsonObj) -> Iterator[tuple[str, str]]:
    for v in _tokens(r.get("identifier", [])):
        yield "identifier", v
    for ref in _ref(r.get("for")):
        yield "patient", ref
    for ref in _ref(r.get("focus")):
        yield "focus", ref
    focus_id = r.get("focus", {}).get("identifier") if isinstance(r.get("focus"), dict) else None
    for v in _tokens([focus_id] if isinstance(focus_id, dict) else []):
        yield "focus-identifier", v
    for ref in _ref(r.get("owner")):
        yield "owner", ref
    if r.get("authoredOn"):
        yield "authored-on", r["authoredOn"]
    for v in _tokens(_concepts(r.get("businessStatus"))):
        yield "business-status", v
    if r.get("status"):
        yield "status", r["status"]
    for v in _tokens(_concepts(r.get("code"))):
        yield "code", v


def _audit_event(r: JsonObj) -> Iterator[tuple[str, str]]:
    if r.get("recorded"):
        yield "date", r["recorded"]
    for agent in r.get("agent", []):
        for ref in _ref(agent.get("who")):
            yield "agent", ref
    for entity in r.get("entity", []):
        for ref in _ref(entity.get("what")):
            if ref.startswith("Patient/"):
                yield "patient", ref


def _document_reference(r: JsonObj) -> Iterator[tuple[str, str]]:
    yield from _subject(r)
    for ref in _ref((r.get("context") or {}).get("related")):
        yield "related", ref


_EXTRACTORS = {
    "Patient": _patient,
    "Organization": _organization,
    "Practitioner": _practitioner,
    "DiagnosticReport": _diagnostic_report,
    "Observation": _observation,
    "ImagingStudy": _imaging_study,
    "Task": _task,
    "AuditEvent": _audit_event,
    "DocumentReference": _document_reference,
}
