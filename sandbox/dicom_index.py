"""Registering DICOM files in the store and describing them as DICOM JSON for QIDO/WADO."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydicom import dcmread

from sandbox.store import Store

JsonObj = dict[str, Any]

# DICOM JSON keywords → tags used in QIDO answers
TAGS = {
    "SpecificCharacterSet": "00080005",
    "StudyDate": "00080020",
    "StudyTime": "00080030",
    "AccessionNumber": "00080050",
    "ModalitiesInStudy": "00080061",
    "Modality": "00080060",
    "InstitutionName": "00080080",
    "ReferringPhysicianName": "00080090",
    "StudyDescription": "00081030",
    "SeriesDescription": "0008103E",
    "RetrieveURL": "00081190",
    "SOPClassUID": "00080016",
    "SOPInstanceUID": "00080018",
    "PatientName": "00100010",
    "PatientID": "00100020",
    "PatientBirthDate": "00100030",
    "PatientSex": "00100040",
    "StudyInstanceUID": "0020000D",
    "SeriesInstanceUID": "0020000E",
    "StudyID": "00200010",
    "SeriesNumber": "00200011",
    "InstanceNumber": "00200013",
    "NumberOfStudyRelatedSeries": "00201206",
    "NumberOfStudyRelatedInstances": "00201208",
    "NumberOfSeriesRelatedInstances": "00201209",
    "Rows": "00280010",
    "Columns": "00280011",
    "NumberOfFrames": "00280008",
    "AvailableTransferSyntaxUID": "00083002",
}

STUDY_KEYS = (
    "SpecificCharacterSet",
    "StudyDate",
    "StudyTime",
    "AccessionNumber",
    "InstitutionName",
    "ReferringPhysicianName",
    "StudyDescription",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "StudyInstanceUID",
    "StudyID",
)
SERIES_KEYS = (
    "SpecificCharacterSet",
    "Modality",
    "SeriesDescription",
    "SeriesInstanceUID",
    "SeriesNumber",
    "StudyInstanceUID",
)
INSTANCE_KEYS = (
    "SpecificCharacterSet",
    "SOPClassUID",
    "SOPInstanceUID",
    "InstanceNumber",
    "Rows",
    "Columns",
    "NumberOfFrames",
    "StudyInstanceUID",
    "SeriesInstanceUID",
)


def header_json(path: Path) -> tuple[JsonObj, Any]:
    """The file's header (no pixel data) as DICOM JSON, and the dataset."""
    ds = dcmread(path, stop_before_pixels=True)
    header: JsonObj = ds.to_json_dict(bulk_data_threshold=65536, bulk_data_element_handler=None)
    header[TAGS["AvailableTransferSyntaxUID"]] = {
        "vr": "UI",
        "Value": [str(ds.file_meta.TransferSyntaxUID)],
    }
    return header, ds


def register_file(store: Store, path: Path, data_dir: Path, db: Any = None) -> JsonObj:
    """Read a DICOM file's header and record it in the store. Returns the instance record."""
    header, ds = header_json(path)
    record = {
        "sop_uid": str(ds.SOPInstanceUID),
        "series_uid": str(ds.SeriesInstanceUID),
        "study_uid": str(ds.StudyInstanceUID),
        "patient_id": str(getattr(ds, "PatientID", "")),
        "study_date": str(getattr(ds, "StudyDate", "")),
        "modality": str(getattr(ds, "Modality", "OT")),
        "series_number": int(getattr(ds, "SeriesNumber", 0) or 0),
        "instance_number": int(getattr(ds, "InstanceNumber", 0) or 0),
        "transfer_syntax": str(ds.file_meta.TransferSyntaxUID),
        "sop_class": str(ds.SOPClassUID),
        "path": str(path.relative_to(data_dir)),
        "header": header,
    }
    store.put_instance(record, db)
    return record


def pick(header: JsonObj, keys: tuple[str, ...]) -> JsonObj:
    """The DICOM JSON attributes named by ``keys`` that the header has."""
    return {TAGS[k]: header[TAGS[k]] for k in keys if TAGS[k] in header}


def attr(key: str, vr: str, value: Any) -> JsonObj:
    """One DICOM JSON attribute."""
    return {TAGS[key]: {"vr": vr, "Value": value if isinstance(value, list) else [value]}}
