"""A saved paper report as FHIR R4: the picture as Binary resources under a DocumentReference,
the DiagnosticReport marked as transcribed from paper by her (who, when) with its
Observations, all in one transaction Bundle of PUTs on client-chosen ids, so a resend after a
lost answer stores nothing twice."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workstation import fhir_systems as systems
from workstation.model import Category, Hospital, LabObservation, Result

JsonObj = dict[str, Any]
MAX_ORIGINAL_BYTES = 20 * 1024 * 1024  # a larger original stays only in her own file
_DOC_TYPE = {  # LOINC document types
    Category.LAB: ("11502-2", "Laboratory report"),
    Category.IMAGING: ("18748-4", "Diagnostic imaging study"),
    Category.OTHER: ("11502-2", "Laboratory report"),
}


@dataclass(frozen=True)
class PaperUpload:
    """What is sent: the report as a Result, its lab values, the display picture (JPEG) and
    the file she picked (sent too when at most MAX_ORIGINAL_BYTES)."""

    result: Result
    observations: Sequence[LabObservation]
    display_jpeg: bytes
    original: bytes
    original_type: str  # MIME type of the original ("image/png", "application/pdf", …)
    transcribed_at: dt.datetime  # timezone-aware
    practitioner: str  # "Practitioner/…"
    practitioner_name: str


def _tag() -> JsonObj:
    return {
        "tag": [
            {
                "system": systems.CS_RESULT_SOURCE,
                "code": systems.RESULT_SOURCE_PAPER,
                "display": "纸质报告转录",
            }
        ]
    }


def _performer(result: Result, hospitals: dict[str, Hospital]) -> list[JsonObj]:
    if result.hospital_id:
        hospital = hospitals.get(result.hospital_id)
        ref: JsonObj = {"reference": f"Organization/{result.hospital_id}"}
        if hospital is not None:
            ref["display"] = hospital.name
        return [ref]
    name = result.paper.hospital_name if result.paper else ""
    return [{"display": name}] if name else []


def _binary(rid: str, content_type: str, data: bytes, patient_id: str) -> JsonObj:
    return {
        "resourceType": "Binary",
        "id": rid,
        "meta": _tag(),
        "contentType": content_type,
        "securityContext": {"reference": f"Patient/{patient_id}"},
        "data": base64.b64encode(data).decode("ascii"),
    }


def _attachment(url: str, content_type: str, data: bytes, title: str, when: str) -> JsonObj:
    return {
        "contentType": content_type,
        "url": url,
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode(),
        "title": title,
        "creation": when,
    }


def _quantity(value: float, obs: LabObservation) -> JsonObj:
    return {"value": value, "unit": obs.unit, "system": systems.UCUM, "code": obs.unit_ucum}


def _observation(obs: LabObservation, result: Result, performer: list[JsonObj]) -> JsonObj:
    res: JsonObj = {
        "resourceType": "Observation",
        "id": obs.id,
        "meta": _tag(),
        "status": "final",
        "category": [{"coding": [{"system": systems.OBS_CATEGORY, "code": "laboratory"}]}],
        "code": {"coding": [{"system": systems.LOINC, "code": obs.loinc}], "text": obs.name},
        "subject": {"reference": f"Patient/{result.patient_id}"},
        "effectiveDateTime": result.effective.isoformat(timespec="seconds"),
        "performer": performer,
        "derivedFrom": [{"reference": f"DocumentReference/{result.id}-doc"}],
    }
    if obs.value is not None:
        res["valueQuantity"] = _quantity(obs.value, obs)
    bounds: JsonObj = {}
    if obs.ref_low is not None:
        bounds["low"] = _quantity(obs.ref_low, obs)
    if obs.ref_high is not None:
        bounds["high"] = _quantity(obs.ref_high, obs)
    if bounds:
        res["referenceRange"] = [bounds]
    if obs.interpretation.value:
        res["interpretation"] = [
            {"coding": [{"system": systems.OBS_INTERPRETATION, "code": obs.interpretation.value}]}
        ]
    if not performer:
        del res["performer"]
    return res


def display_binary_id(report_id: str) -> str:
    """The Binary id of a paper report's display picture."""
    return f"{report_id}-img"


def paper_resources(upload: PaperUpload, hospitals: dict[str, Hospital]) -> list[JsonObj]:
    """The resources of one paper report, referenced ones first: Binary (display copy),
    Binary (original, when small enough), DocumentReference, Observations, DiagnosticReport."""
    result = upload.result
    rid = result.id
    when = upload.transcribed_at.isoformat(timespec="seconds")
    patient = {"reference": f"Patient/{result.patient_id}"}
    performer = _performer(result, hospitals)
    title = f"纸质报告：{result.item_name}"
    resources = [
        _binary(display_binary_id(rid), "image/jpeg", upload.display_jpeg, result.patient_id)
    ]
    content = [
        {
            "attachment": _attachment(
                f"Binary/{display_binary_id(rid)}", "image/jpeg", upload.display_jpeg, title, when
            )
        }
    ]
    if upload.original and len(upload.original) <= MAX_ORIGINAL_BYTES:
        resources.append(
            _binary(f"{rid}-orig", upload.original_type, upload.original, result.patient_id)
        )
        content.append(
            {
                "attachment": _attachment(
                    f"Binary/{rid}-orig", upload.original_type, upload.original, title, when
                )
            }
        )
    code, display = _DOC_TYPE[result.category]
    author = {"reference": upload.practitioner, "display": upload.practitioner_name}
    resources.append(
        {
            "resourceType": "DocumentReference",
            "id": f"{rid}-doc",
            "meta": _tag(),
            "status": "current",
            "docStatus": "final",
            "type": {
                "coding": [{"system": systems.LOINC, "code": code, "display": display}],
                "text": "纸质报告",
            },
            "subject": patient,
            "date": when,
            "author": [author],
            "description": title,
            "content": content,
            "context": {"related": [{"reference": f"DiagnosticReport/{rid}"}]},
        }
    )
    resources.extend(_observation(obs, result, performer) for obs in upload.observations)
    report: JsonObj = {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "meta": _tag(),
        "identifier": [{"system": systems.SID_PAPER_REPORT, "value": rid}],
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": systems.V2_0074,
                        "code": "LAB" if result.category is Category.LAB else "RAD",
                    }
                ]
            }
        ],
        "code": {
            "coding": [
                {
                    "system": systems.CS_RECOGNITION_ITEM,
                    "code": result.item_code,
                    "display": result.item_name,
                }
            ],
            "text": result.item_name,
        },
        "subject": patient,
        "effectiveDateTime": result.effective.isoformat(timespec="seconds"),
        "performer": performer,
        "result": [{"reference": f"Observation/{obs.id}"} for obs in upload.observations],
        "presentedForm": [content[0]["attachment"]],
        "extension": [
            {
                "url": systems.EXT_TRANSCRIBED,
                "extension": [
                    {"url": "by", "valueReference": author},
                    {"url": "at", "valueDateTime": when},
                    {
                        "url": "document",
                        "valueReference": {"reference": f"DocumentReference/{rid}-doc"},
                    },
                ],
            }
        ],
    }
    if result.conclusion:
        report["conclusion"] = result.conclusion
    if result.mark is not None:
        report["extension"].append(
            {
                "url": systems.EXT_RECOGNITION_MARK,
                "extension": [
                    {"url": "mark", "valueString": result.mark.mark},
                    {"url": "scope", "valueCode": result.mark.scope},
                    {"url": "region", "valueCode": result.mark.region_code},
                ],
            }
        )
    for key in ("performer", "result"):
        if not report[key]:
            del report[key]
    resources.append(report)
    return resources


def transaction_bundle(resources: Sequence[JsonObj]) -> JsonObj:
    """A FHIR transaction Bundle putting each resource at its own id."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"{r['resourceType']}/{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }
