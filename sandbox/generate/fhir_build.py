"""FHIR R4 resources (plain JSON dicts) for the demo data's people, hospitals and results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sandbox.generate.hospitals import Hospital, Region, level_by_code, region_by_code
from sandbox.generate.labs import LabValue
from sandbox.generate.people import Person
from workstation import fhir_systems as systems

JsonObj = dict[str, Any]
DICOMWEB_ENDPOINT_ID = "dicomweb"


def organization(hospital: Hospital) -> JsonObj:
    """A hospital as an Organization with its level and region."""
    level = level_by_code(hospital.level)
    region = region_by_code(hospital.region_code)
    return {
        "resourceType": "Organization",
        "id": hospital.id,
        "extension": [
            {
                "url": systems.EXT_HOSPITAL_LEVEL,
                "valueCoding": {
                    "system": systems.CS_HOSPITAL_LEVEL,
                    "code": level.code,
                    "display": level.name_zh,
                },
            },
            {"url": systems.EXT_REGION, "valueCode": hospital.division_code},
        ],
        "identifier": [{"system": systems.SID_ORGANIZATION, "value": hospital.id}],
        "active": True,
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": "prov",
                    }
                ]
            }
        ],
        "name": hospital.name_zh,
        "alias": [hospital.name_en],
        "address": [{"city": region.name_zh, "state": "四川省", "country": "CN"}],
    }


def practitioner(pid: str, name_zh: str, hospital: Hospital, role_zh: str) -> JsonObj:
    """A doctor."""
    return {
        "resourceType": "Practitioner",
        "id": pid,
        "identifier": [{"system": systems.SID_PRACTITIONER, "value": pid}],
        "active": True,
        "name": [{"text": name_zh, "family": name_zh[0], "given": [name_zh[1:]]}],
        "qualification": [
            {
                "code": {"text": role_zh},
                "issuer": {
                    "reference": f"Organization/{hospital.id}",
                    "display": hospital.name_zh,
                },
            }
        ],
    }


def patient(pid: str, person: Person, mrns: list[tuple[Hospital, str]]) -> JsonObj:
    """A patient with the resident ID number and one MRN per hospital that knows them."""
    identifiers: list[JsonObj] = [
        {
            "use": "official",
            "type": {
                "coding": [{"system": systems.V2_0203, "code": "NNCHN"}],
                "text": "居民身份证",
            },
            "system": systems.SID_RESIDENT_ID,
            "value": person.id_card,
        }
    ]
    for hospital, mrn in mrns:
        identifiers.append(
            {
                "use": "usual",
                "type": {"coding": [{"system": systems.V2_0203, "code": "MR"}], "text": "病历号"},
                "system": systems.sid_mrn(hospital.id),
                "value": mrn,
                "assigner": {
                    "reference": f"Organization/{hospital.id}",
                    "display": hospital.name_zh,
                },
            }
        )
    family, given = person.family_name_zh, person.given_name_zh
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": identifiers,
        "active": True,
        "name": [
            {"use": "official", "text": person.name_zh, "family": family, "given": [given]},
            {"use": "usual", "text": person.name_pinyin.replace("^", " ")},
        ],
        "telecom": [{"system": "phone", "value": person.phone, "use": "mobile"}],
        "gender": "male" if person.sex == "M" else "female",
        "birthDate": person.birth_date.isoformat(),
        "address": [{"city": region_by_code(person.region_code).name_zh, "state": "四川省"}],
    }


def recognition_mark(region: Region) -> JsonObj:
    """The HR mark extension: the printed mark, its scope and the region code, kept apart."""
    return {
        "url": systems.EXT_RECOGNITION_MARK,
        "extension": [
            {"url": "mark", "valueString": region.hr_mark},
            {"url": "scope", "valueCode": region.scope},
            {"url": "region", "valueCode": region.code},
        ],
    }


def _instant(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def lab_report(
    rid: str,
    patient_id: str,
    hospital: Hospital,
    item: JsonObj,
    panel_name_zh: str,
    collected: dt.datetime,
    observation_ids: list[str],
    mark: Region | None,
) -> JsonObj:
    """A laboratory DiagnosticReport."""
    report: JsonObj = {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "identifier": [{"system": f"{systems.BASE}/sid/report/{hospital.id}", "value": rid}],
        "status": "final",
        "category": [
            {"coding": [{"system": systems.V2_0074, "code": "LAB", "display": "Laboratory"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": systems.CS_RECOGNITION_ITEM,
                    "code": item["code"],
                    "display": item["name_zh"],
                }
            ],
            "text": panel_name_zh,
        },
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": _instant(collected),
        "issued": _instant(collected + dt.timedelta(hours=2)),
        "performer": [{"reference": f"Organization/{hospital.id}", "display": hospital.name_zh}],
        "result": [{"reference": f"Observation/{oid}"} for oid in observation_ids],
    }
    if mark is not None:
        report["extension"] = [recognition_mark(mark)]
    return report


_INTERPRETATION = {
    "N": "Normal",
    "H": "High",
    "L": "Low",
    "HH": "Critical high",
    "LL": "Critical low",
}


def observation(
    oid: str,
    patient_id: str,
    hospital: Hospital,
    value: LabValue,
    collected: dt.datetime,
    specimen: str = "",
) -> JsonObj:
    """One lab value, with LOINC + local code, UCUM quantity and this hospital's range."""
    reference: JsonObj = {}
    if value.ref_low is not None:
        reference["low"] = {
            "value": value.ref_low,
            "unit": value.unit_display,
            "system": systems.UCUM,
            "code": value.unit_ucum,
        }
    if value.ref_high is not None:
        reference["high"] = {
            "value": value.ref_high,
            "unit": value.unit_display,
            "system": systems.UCUM,
            "code": value.unit_ucum,
        }
    resource: JsonObj = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "category": [{"coding": [{"system": systems.OBS_CATEGORY, "code": "laboratory"}]}],
        "code": {
            "coding": [
                {"system": systems.LOINC, "code": value.loinc},
                {
                    "system": f"{systems.CS_LOCAL_LAB}/{hospital.id}",
                    "code": value.local_code,
                    "display": value.name_zh,
                },
            ],
            "text": value.name_zh,
        },
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": _instant(collected),
        "performer": [{"reference": f"Organization/{hospital.id}"}],
        "valueQuantity": {
            "value": value.value,
            "unit": value.unit_display,
            "system": systems.UCUM,
            "code": value.unit_ucum,
        },
        "interpretation": [
            {
                "coding": [
                    {
                        "system": systems.OBS_INTERPRETATION,
                        "code": value.interpretation,
                        "display": _INTERPRETATION.get(value.interpretation, value.interpretation),
                    }
                ]
            }
        ],
    }
    if reference:
        resource["referenceRange"] = [reference]
    if specimen:
        resource["specimen"] = {"display": specimen}
    return resource


def imaging_study(
    sid: str,
    patient_id: str,
    hospital: Hospital,
    study: dict[str, Any],
) -> JsonObj:
    """An ImagingStudy from the generated DICOM instances (``study``: uid, started,
    description, series: list of dicts with uid, number, modality, description, instances)."""
    series_out = []
    modalities: dict[str, None] = {}
    total = 0
    for series in study["series"]:
        modalities[series["modality"]] = None
        total += len(series["instances"])
        series_out.append(
            {
                "uid": series["uid"],
                "number": series["number"],
                "modality": {"system": systems.DCM, "code": series["modality"]},
                "description": series["description"],
                "numberOfInstances": len(series["instances"]),
                "instance": [
                    {
                        "uid": i["uid"],
                        "sopClass": {
                            "system": "urn:ietf:rfc:3986",
                            "code": "urn:oid:" + i["sop_class"],
                        },
                        "number": i["number"],
                    }
                    for i in series["instances"]
                ],
            }
        )
    return {
        "resourceType": "ImagingStudy",
        "id": sid,
        "identifier": [{"system": systems.DICOM_UID, "value": "urn:oid:" + study["uid"]}],
        "status": "available",
        "modality": [{"system": systems.DCM, "code": m} for m in modalities],
        "subject": {"reference": f"Patient/{patient_id}"},
        "started": _instant(study["started"]),
        "endpoint": [{"reference": f"Endpoint/{DICOMWEB_ENDPOINT_ID}"}],
        "numberOfSeries": len(series_out),
        "numberOfInstances": total,
        "description": study["description"],
        "series": series_out,
    }


def imaging_report(
    rid: str,
    patient_id: str,
    hospital: Hospital,
    item: JsonObj,
    study_id: str,
    performed: dt.datetime,
    findings: str,
    conclusion: str,
    mark: Region | None,
) -> JsonObj:
    """A radiology DiagnosticReport pointing at its ImagingStudy."""
    report: JsonObj = {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "identifier": [{"system": f"{systems.BASE}/sid/report/{hospital.id}", "value": rid}],
        "status": "final",
        "category": [
            {"coding": [{"system": systems.V2_0074, "code": "RAD", "display": "Radiology"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": systems.CS_RECOGNITION_ITEM,
                    "code": item["code"],
                    "display": item["name_zh"],
                }
            ],
            "text": item["name_zh"],
        },
        "subject": {"reference": f"Patient/{patient_id}"},
        "effectiveDateTime": _instant(performed),
        "issued": _instant(performed + dt.timedelta(hours=6)),
        "performer": [{"reference": f"Organization/{hospital.id}", "display": hospital.name_zh}],
        "imagingStudy": [{"reference": f"ImagingStudy/{study_id}"}],
        "conclusion": conclusion,
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>检查所见：{findings}</p>'
            f"<p>诊断意见：{conclusion}</p></div>",
        },
    }
    if mark is not None:
        report["extension"] = [recognition_mark(mark)]
    return report


def endpoint(base_url: str) -> JsonObj:
    """The DICOMweb Endpoint (made at read time: the address depends on the port)."""
    return {
        "resourceType": "Endpoint",
        "id": DICOMWEB_ENDPOINT_ID,
        "status": "active",
        "connectionType": {
            "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
            "code": "dicom-wado-rs",
        },
        "name": "DICOMweb",
        "payloadType": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/endpoint-payload-type",
                        "code": "DICOM",
                    }
                ]
            }
        ],
        "payloadMimeType": ["application/dicom"],
        "address": f"{base_url}/dicomweb",
    }
