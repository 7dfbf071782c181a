"""FHIR R4 JSON → the core's dataclasses. Strict about what we need, tolerant of the rest:
unknown elements are ignored; a resource missing what we need raises MalformedResource."""

from __future__ import annotations

import datetime as dt
from typing import Any

from workstation import fhir_systems as systems
from workstation.clock import CHINA
from workstation.model import (
    Catalog,
    CatalogItem,
    Category,
    Gender,
    Hospital,
    HospitalLevel,
    ImagingStudyRef,
    InstanceRef,
    Interpretation,
    LabObservation,
    MarkRegion,
    MedicalRecordNumber,
    PaperOrigin,
    Patient,
    RecognitionMark,
    RepeatReason,
    Result,
    SeriesRef,
)
from workstation.recognition.decisions import DecisionKind, PlatformDecision

JsonObj = dict[str, Any]


class MalformedResource(ValueError):
    """A resource lacks something the workstation needs; ``resource`` says which."""

    def __init__(self, resource: str, problem: str) -> None:
        super().__init__(f"{resource}: {problem}")
        self.resource = resource
        self.problem = problem


def _label(res: JsonObj) -> str:
    return f"{res.get('resourceType', '?')}/{res.get('id', '?')}"


def _require(res: JsonObj, key: str) -> Any:
    value = res.get(key)
    if value in (None, "", [], {}):
        raise MalformedResource(_label(res), f"missing {key}")
    return value


def parse_datetime(text: str) -> dt.datetime:
    """A FHIR date or dateTime; naive values are taken as China Standard Time (UTC+8).

    Raises ValueError for text that is not a date.
    """
    if len(text) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), CHINA)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def _codings(concept: Any) -> list[JsonObj]:
    if isinstance(concept, list):
        out: list[JsonObj] = []
        for c in concept:
            out.extend(_codings(c))
        return out
    if isinstance(concept, dict):
        return [c for c in concept.get("coding", []) if isinstance(c, dict)]
    return []


def _code(concept: Any, system: str) -> str:
    return next(
        (str(c["code"]) for c in _codings(concept) if c.get("system") == system and c.get("code")),
        "",
    )


def _ref_id(ref: Any, rtype: str) -> str:
    text = str((ref or {}).get("reference", "")) if isinstance(ref, dict) else ""
    prefix = f"{rtype}/"
    return text.split(prefix, 1)[1] if prefix in text else ""


def parse_hospital(res: JsonObj) -> Hospital:
    """An Organization."""
    level_code = level_name = region = ""
    for ext in res.get("extension", []):
        if ext.get("url") == systems.EXT_HOSPITAL_LEVEL:
            coding = ext.get("valueCoding", {})
            level_code, level_name = str(coding.get("code", "")), str(coding.get("display", ""))
        elif ext.get("url") == systems.EXT_REGION:
            region = str(ext.get("valueCode", ""))
    return Hospital(
        id=str(_require(res, "id")),
        name=str(res.get("name") or res["id"]),
        level_code=level_code,
        level_name=level_name,
        region_code=region,
    )


def parse_patient(res: JsonObj) -> Patient:
    """A Patient: name (official first), gender, birth date, 身份证 and MRNs."""
    names = res.get("name", [])
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    name = official.get("text") or (official.get("family", "") + "".join(official.get("given", [])))
    if not name:
        raise MalformedResource(_label(res), "missing name")
    id_card = ""
    mrns: list[MedicalRecordNumber] = []
    prefix = systems.sid_mrn("")
    for ident in res.get("identifier", []):
        system, value = str(ident.get("system", "")), str(ident.get("value", ""))
        if system == systems.SID_RESIDENT_ID:
            id_card = value
        elif system.startswith(prefix) and value:
            mrns.append(MedicalRecordNumber(system[len(prefix) :], value))
    try:
        gender = Gender(res.get("gender", "unknown"))
    except ValueError:
        gender = Gender.UNKNOWN
    birth = res.get("birthDate")
    phone = next(
        (t.get("value", "") for t in res.get("telecom", []) if t.get("system") == "phone"), ""
    )
    try:
        birth_date = dt.date.fromisoformat(birth) if birth else None
    except ValueError as exc:
        raise MalformedResource(_label(res), "birthDate is not a date") from exc
    return Patient(
        id=str(_require(res, "id")),
        name=str(name),
        gender=gender,
        birth_date=birth_date,
        id_card=id_card,
        phone=str(phone),
        mrns=tuple(mrns),
    )


def _mark(res: JsonObj) -> RecognitionMark | None:
    for ext in res.get("extension", []):
        if ext.get("url") != systems.EXT_RECOGNITION_MARK:
            continue
        parts = {e.get("url"): e for e in ext.get("extension", [])}
        mark = parts.get("mark", {}).get("valueString", "")
        if mark:
            return RecognitionMark(
                mark=str(mark),
                scope=str(parts.get("scope", {}).get("valueCode", "")),
                region_code=str(parts.get("region", {}).get("valueCode", "")),
            )
    return None


def _findings(res: JsonObj) -> str:
    div = str(res.get("text", {}).get("div", ""))
    if "检查所见：" not in div:
        return ""
    return div.split("检查所见：", 1)[1].split("</p>", 1)[0]


def _paper(res: JsonObj) -> PaperOrigin | None:
    """Who transcribed a result from paper and when, if it was (EXT_TRANSCRIBED)."""
    for ext in res.get("extension", []):
        if ext.get("url") != systems.EXT_TRANSCRIBED:
            continue
        parts = {e.get("url"): e for e in ext.get("extension", []) if isinstance(e, dict)}
        by = parts.get("by", {}).get("valueReference") or {}
        at = str(parts.get("at", {}).get("valueDateTime", ""))
        try:
            when = parse_datetime(at) if at else None
        except ValueError:
            when = None
        typed = next(
            (
                str(p.get("display", ""))
                for p in res.get("performer", [])
                if isinstance(p, dict) and not p.get("reference")
            ),
            "",
        )
        image = next(
            (
                str(f.get("url", "")).removeprefix("Binary/")
                for f in res.get("presentedForm", [])
                if isinstance(f, dict) and str(f.get("url", "")).startswith("Binary/")
            ),
            "",
        )
        return PaperOrigin(
            transcribed_by=str(by.get("reference", "")),
            transcribed_by_name=str(by.get("display", "")),
            transcribed_at=when,
            hospital_name=typed,
            image_binary_id=image,
        )
    return None


def parse_result(res: JsonObj, modality_of_study: dict[str, str] | None = None) -> Result:
    """A DiagnosticReport. ``modality_of_study`` maps ImagingStudy id → modality, if known."""
    categories = [
        c.get("code") for c in _codings(res.get("category")) if c.get("system") == systems.V2_0074
    ]
    category = (
        Category.LAB
        if "LAB" in categories
        else (Category.IMAGING if "RAD" in categories else Category.OTHER)
    )
    code = res.get("code", {})
    item_code = _code(code, systems.CS_RECOGNITION_ITEM) or next(
        (str(c.get("code")) for c in _codings(code) if c.get("code")), ""
    )
    try:
        effective = parse_datetime(str(_require(res, "effectiveDateTime")))
        issued = parse_datetime(res["issued"]) if res.get("issued") else None
    except ValueError as exc:
        raise MalformedResource(_label(res), "bad date") from exc
    hospital = next(
        (
            _ref_id(p, "Organization")
            for p in res.get("performer", [])
            if _ref_id(p, "Organization")
        ),
        "",
    )
    studies = tuple(_ref_id(r, "ImagingStudy") for r in res.get("imagingStudy", []))
    modality = next(
        (modality_of_study[s] for s in studies if modality_of_study and s in modality_of_study), ""
    )
    return Result(
        id=str(_require(res, "id")),
        patient_id=_ref_id(res.get("subject"), "Patient"),
        category=category,
        item_code=item_code,
        item_name=str(
            code.get("text")
            or next((c.get("display") for c in _codings(code) if c.get("display")), item_code)
        ),
        hospital_id=hospital,
        effective=effective,
        issued=issued,
        modality=modality,
        conclusion=str(res.get("conclusion", "")),
        findings=_findings(res),
        mark=_mark(res),
        observation_ids=tuple(_ref_id(r, "Observation") for r in res.get("result", [])),
        imaging_study_ids=tuple(s for s in studies if s),
        paper=_paper(res),
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_observation(res: JsonObj) -> LabObservation:
    """A lab Observation with its value, unit and this hospital's reference range."""
    code = res.get("code", {})
    loinc = _code(code, systems.LOINC)
    local_coding = next(
        (c for c in _codings(code) if str(c.get("system", "")).startswith(systems.CS_LOCAL_LAB)),
        {},
    )
    local = str(local_coding.get("code", ""))
    quantity = res.get("valueQuantity") or {}
    ranges = res.get("referenceRange") or [{}]
    low = (ranges[0].get("low") or {}).get("value")
    high = (ranges[0].get("high") or {}).get("value")
    flag = _code(res.get("interpretation"), systems.OBS_INTERPRETATION)
    try:
        interpretation = Interpretation(flag)
    except ValueError:
        interpretation = Interpretation.UNKNOWN
    effective = res.get("effectiveDateTime")
    return LabObservation(
        id=str(_require(res, "id")),
        name=str(code.get("text") or local or loinc),
        loinc=loinc,
        local_code=local,
        value=_number(quantity.get("value")),
        unit=str(quantity.get("unit") or quantity.get("code") or ""),
        unit_ucum=str(quantity.get("code", "")),
        ref_low=_number(low),
        ref_high=_number(high),
        interpretation=interpretation,
        effective=parse_datetime(effective) if effective else None,
        value_text=str(res.get("valueString", "")),
        hospital_id=next(
            (
                _ref_id(p, "Organization")
                for p in res.get("performer", [])
                if _ref_id(p, "Organization")
            ),
            "",
        ),
        local_system=str(local_coding.get("system", "")),
        specimen=str((res.get("specimen") or {}).get("display", "")),
        method=_method_text(res.get("method")),
    )


def _method_text(method: Any) -> str:
    """Observation.method as words: its text, else its first coding's display or code."""
    if not isinstance(method, dict):
        return ""
    if method.get("text"):
        return str(method["text"])
    coding = next(iter(_codings(method)), {})
    return str(coding.get("display") or coding.get("code") or "")


def parse_imaging_study(res: JsonObj, endpoints: dict[str, str]) -> ImagingStudyRef:
    """An ImagingStudy; ``endpoints`` maps Endpoint id → DICOMweb base URL."""
    uid = next(
        (
            str(i.get("value", ""))
            for i in res.get("identifier", [])
            if i.get("system") == systems.DICOM_UID
        ),
        "",
    )
    uid = uid.removeprefix("urn:oid:")
    if not uid:
        raise MalformedResource(_label(res), "no StudyInstanceUID identifier")
    endpoint_ids = [_ref_id(e, "Endpoint") for e in res.get("endpoint", [])]
    url = next((endpoints[e] for e in endpoint_ids if e in endpoints), "")
    series = []
    for s in res.get("series", []):
        instances = tuple(
            InstanceRef(
                str(i.get("uid")),
                str(i.get("sopClass", {}).get("code", "")).removeprefix("urn:oid:"),
                int(i.get("number", 0)),
            )
            for i in s.get("instance", [])
        )
        series.append(
            SeriesRef(
                uid=str(s.get("uid")),
                number=int(s.get("number", 0)),
                modality=str(s.get("modality", {}).get("code", "")),
                description=str(s.get("description", "")),
                instances=instances,
            )
        )
    started = res.get("started")
    return ImagingStudyRef(
        id=str(_require(res, "id")),
        study_uid=uid,
        started=parse_datetime(started) if started else None,
        description=str(res.get("description", "")),
        dicomweb_url=url,
        series=tuple(sorted(series, key=lambda s: s.number)),
    )


def parse_catalog(doc: JsonObj) -> Catalog:
    """The platform's recognition catalog document. Raises MalformedResource."""
    try:
        items = tuple(
            CatalogItem(
                code=str(i["code"]),
                name=str(i.get("name_zh") or i["code"]),
                category=Category.LAB if i.get("category") == "lab" else Category.IMAGING,
                validity_hours=int(i["validity_hours"]),
                min_level=str(i.get("min_level", "")),
                regions=tuple(str(r) for r in i.get("regions") or ()),
                price_yuan=float(i.get("price_yuan", 0.0)),
                modality=str(i.get("modality") or ""),
                name_en=str(i.get("name_en", "")),
                analytes=tuple(str(a) for a in i.get("analytes") or ()),
            )
            for i in doc.get("items", [])
        )
        reasons = tuple(
            RepeatReason(
                str(r["code"]),
                str(r["label_zh"]),
                str(r.get("label_en", "")),
                bool(r.get("counts_as_refusal", True)),
                bool(r.get("needs_note", False)),
            )
            for r in doc.get("repeatReasons", [])
        )
        levels = tuple(
            HospitalLevel(str(lv["code"]), str(lv.get("name_zh", lv["code"])), int(lv["rank"]))
            for lv in doc.get("levels", [])
        )
        regions = tuple(
            MarkRegion(
                str(r["code"]),
                str(r.get("name_zh", r["code"])),
                str(r.get("hr_mark", "")),
                str(r.get("scope", "")),
            )
            for r in doc.get("regions", [])
        )
        return Catalog(str(doc["version"]), items, reasons, levels, regions)
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedResource("catalog", f"malformed: {exc}") from exc


def parse_task_decision(res: JsonObj) -> PlatformDecision:
    """A recognition-review Task (any doctor's decision on a result) → PlatformDecision.

    ``businessStatus`` is one code of the platform's decision system ("viewed" gives no
    kind); ``focus`` names the result. Raises MalformedResource when either is missing or
    unknown, or ``authoredOn`` is not a date."""
    label = _label(res)
    if res.get("resourceType") != "Task":
        raise MalformedResource(label, "not a Task")
    focus = str((res.get("focus") or {}).get("reference", ""))
    _type, _, result_id = focus.partition("/")
    if not result_id:
        raise MalformedResource(label, "missing focus")
    status = _code(res.get("businessStatus"), systems.CS_DECISION)
    if status not in systems.DECISION_CODES:
        raise MalformedResource(label, f"unknown decision {status!r}" if status else "no decision")
    kind = None if status == "viewed" else DecisionKind(status)
    authored = str(res.get("authoredOn") or "")
    try:
        authored_on = parse_datetime(authored) if authored else None
    except ValueError as exc:
        raise MalformedResource(label, "authoredOn is not a date") from exc
    owner = res.get("owner") or {}
    reason = next(
        (c for c in _codings(res.get("reasonCode")) if c.get("system") == systems.CS_REPEAT_REASON),
        {},
    )
    return PlatformDecision(
        id=str(res.get("id", "")),
        decision_id=_identifier(res.get("identifier"), systems.SID_TASK),
        result_id=result_id,
        kind=kind,
        practitioner=str(owner.get("reference", "")),
        practitioner_name=str(owner.get("display", "")),
        authored_on=authored_on,
        reason_code=str(reason.get("code", "")),
        reason_label=str(reason.get("display", "")),
        supersedes=next(
            (
                _identifier([part.get("identifier")], systems.SID_TASK)
                for part in res.get("partOf", [])
                if isinstance(part, dict)
            ),
            "",
        ),
    )


def _identifier(identifiers: Any, system: str) -> str:
    """The value of the first identifier in ``system`` ("" if none)."""
    return next(
        (
            str(i["value"])
            for i in identifiers or []
            if isinstance(i, dict) and i.get("system") == system and i.get("value")
        ),
        "",
    )
