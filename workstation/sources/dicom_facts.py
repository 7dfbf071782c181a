"""The patient and study facts a DICOM header (a file's, or a C-FIND answer) carries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydicom.dataset import Dataset

from workstation.idcard import is_valid_id_card
from workstation.imaging.names import element_text, person_name_display
from workstation.model import Gender, Patient


def patient_of(ds: Dataset) -> Patient:
    """The patient a DICOM header names: Patient ID as id, the name as a reader writes it
    (the ideographic group when there is one), birth date, sex and a valid 身份证 number
    from Patient ID or Other Patient IDs (Sequence), "" when none is valid."""
    name = person_name_display(element_text(ds, "PatientName").text)
    patient_id = str(ds.get("PatientID", "") or "").strip()
    others = [str(v).strip() for v in _values(ds.get("OtherPatientIDs"))]
    for item in ds.get("OtherPatientIDsSequence", None) or []:
        others.append(str(item.get("PatientID", "") or "").strip())
    card = next((c.upper() for c in (patient_id, *others) if is_valid_id_card(c)), "")
    sex = {"M": Gender.MALE, "F": Gender.FEMALE, "O": Gender.OTHER}.get(
        str(ds.get("PatientSex", "") or "").strip().upper(), Gender.UNKNOWN
    )
    return Patient(patient_id, name, sex, _date(ds.get("PatientBirthDate")), id_card=card)


def _values(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _date(value: Any) -> dt.date | None:
    text = str(value or "").strip()
    try:
        return dt.datetime.strptime(text[:8], "%Y%m%d").date()
    except ValueError:
        return None


def study_datetime(ds: Dataset) -> dt.datetime | None:
    """Study Date and Time as a naive local datetime (noon when the time is missing)."""
    day = _date(ds.get("StudyDate"))
    if day is None:
        return None
    digits = "".join(ch for ch in str(ds.get("StudyTime", "") or "") if ch.isdigit())[:6]
    try:
        time = dt.datetime.strptime(digits.ljust(6, "0"), "%H%M%S").time() if digits else None
    except ValueError:
        time = None
    return dt.datetime.combine(day, time or dt.time(12, 0))
