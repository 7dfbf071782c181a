"""One city's platform out of the province's demo data: ``serve --region CODE``.

Cities built their own platforms: each knows only its own hospitals and what they
reported, and gives the same person its own FHIR id. ``region_db`` derives such a platform's
database from the generated one, once per data set: the region's Organizations, the
reports and lab values its hospitals performed, the imaging studies of those reports, the
patients they concern (with ids prefixed by the region, and only the region's hospital
numbers), every Practitioner and Endpoint; users, catalog and DICOM index as they are.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from sandbox.generate.hospitals import hospitals_in
from sandbox.store import Store

JsonObj = dict[str, Any]
_SOURCE_KEY = "region_source"  # meta: which generated data set the region db was cut from
_ORG_REF = re.compile(r'"Organization/([^"]+)"')
_STUDY_REF = re.compile(r'"ImagingStudy/([^"]+)"')
_PATIENT_REF = re.compile(r'"Patient/([^"]+)"')


def region_patient_id(region_code: str, patient_id: str) -> str:
    """The id a region's platform gives a patient of the provincial data."""
    return f"{patient_id}-{region_code}"


def region_db(data_dir: Path, region_code: str) -> Path:
    """The path of the region's database, cut from ``data_dir``'s generated one when it is
    missing or older than the data. Raises KeyError for a region without hospitals."""
    hospitals = {h.id for h in hospitals_in(region_code)}
    if not hospitals:
        raise KeyError(region_code)
    source = Store(data_dir / "sandbox.sqlite")
    stamp = source.get_meta("generated") or ""
    target = data_dir / f"region-{region_code}.sqlite"
    if target.exists() and Store(target).get_meta(_SOURCE_KEY) == stamp:
        return target
    scratch = target.with_suffix(f".{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    with sqlite3.connect(source.db_path) as src, sqlite3.connect(scratch) as dst:
        src.backup(dst)
    cut = Store(scratch)
    _cut(cut, region_code, hospitals)
    cut.set_meta(_SOURCE_KEY, stamp)
    with sqlite3.connect(scratch) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(scratch, target)  # another server starting at once gets a whole file too
    for suffix in ("-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return target


def _cut(store: Store, region_code: str, hospitals: set[str]) -> None:
    with store.read() as db:
        resources = [json.loads(row["body"]) for row in db.execute("SELECT body FROM resource")]
    keep: list[JsonObj] = []
    studies: set[str] = set()
    patients: set[str] = set()
    for res in resources:
        text = json.dumps(res, ensure_ascii=False)
        rtype = res["resourceType"]
        if rtype in ("Practitioner", "Endpoint"):
            keep.append(res)
        elif rtype == "Organization":
            if res["id"] in hospitals:
                keep.append(res)
        elif rtype in ("DiagnosticReport", "Observation") and hospitals & set(
            _ORG_REF.findall(text)
        ):
            keep.append(res)
            studies.update(_STUDY_REF.findall(text))
            patients.update(_PATIENT_REF.findall(text))
    for res in resources:
        if res["resourceType"] == "ImagingStudy" and res["id"] in studies:
            keep.append(res)
        elif res["resourceType"] == "Patient" and res["id"] in patients:
            keep.append(_own_numbers(res, hospitals))
    with store.transaction() as db:
        db.execute("DELETE FROM resource")
        db.execute("DELETE FROM search")
        for res in keep:
            text = _PATIENT_REF.sub(
                lambda m: f'"Patient/{region_patient_id(region_code, m.group(1))}"',
                json.dumps(res, ensure_ascii=False),
            )
            moved = json.loads(text)
            if moved["resourceType"] == "Patient":
                moved["id"] = region_patient_id(region_code, moved["id"])
            moved.pop("meta", None)
            store.put_resource(moved, db)


def _own_numbers(patient: JsonObj, hospitals: set[str]) -> JsonObj:
    """The patient with only the region's hospital numbers (and the 身份证 number)."""

    def ours(identifier: JsonObj) -> bool:
        assigner = str(identifier.get("assigner", {}).get("reference", ""))
        return not assigner or assigner.removeprefix("Organization/") in hospitals

    return {**patient, "identifier": [i for i in patient.get("identifier", []) if ours(i)]}
