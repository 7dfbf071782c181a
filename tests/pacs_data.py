"""Studies for the PACS and merged-history tests: one patient's studies under three
identities, written with the sandbox's generators and stored into Orthanc with DCMTK's
``storescu`` (a real C-STORE, not Orthanc's REST upload)."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from sandbox.generate.imaging import PatientTags, StudyTags, write_ct_series, write_radiograph

CARD = "510100198001011230"  # 张伟, male, born 1980-01-01
BORN = dt.date(1980, 1, 1)
HOSPITAL = "绵阳市某区医院"


@dataclass(frozen=True)
class PacsStudies:
    """The UIDs stored, by how they should match 张伟 (身份证 CARD)."""

    by_mrn: str  # Patient ID is the hospital's number: probable by name, birth date, sex
    by_card: str  # Patient ID is the 身份证 number: confirmed
    other_sex: str  # same name and birth date, female: conflict
    files: tuple[Path, ...]


ZHANG_WEI = PatientTags("MY0001", "张^伟", "Zhang^Wei", BORN, "M", CARD)


def write_pacs_studies(out: Path, patient: PatientTags = ZHANG_WEI) -> PacsStudies:
    """Write the three studies (a 5-slice CT, two radiographs) of ``patient`` under
    ``out``: by the hospital number MY0001 (no 身份证 in what C-FIND answers), by the
    身份证 number as Patient ID, and a record of the other sex (number MY0777, no 身份证)."""
    mrn = replace(patient, patient_id="MY0001")
    card = replace(patient, patient_id=patient.id_card)
    other = "F" if patient.sex == "M" else "M"
    woman = replace(patient, patient_id="MY0777", sex=other, id_card="")
    uids = ("1.2.826.0.1.3680043.8.498.201", "1.2.826.0.1.3680043.8.498.202")
    uids += ("1.2.826.0.1.3680043.8.498.203",)
    files = write_ct_series(
        out / "a",
        mrn,
        StudyTags(uids[0], "M1", dt.date(2026, 9, 3), HOSPITAL, "胸部CT平扫"),
        slices=5,
        size=64,
    )
    files += write_radiograph(
        out / "b",
        card,
        StudyTags(uids[1], "M2", dt.date(2026, 8, 1), HOSPITAL, "胸部正位"),
        rows=200,
        columns=160,
    )
    files += write_radiograph(
        out / "c",
        woman,
        StudyTags(uids[2], "M3", dt.date(2026, 7, 1), HOSPITAL, "胸部正位"),
        rows=200,
        columns=160,
    )
    return PacsStudies(*uids, tuple(f.path for f in files))


def store_with_storescu(files: tuple[Path, ...], port: int, called_ae: str) -> None:
    """C-STORE ``files`` into the server at 127.0.0.1:``port`` with DCMTK's storescu."""
    done = subprocess.run(
        ["storescu", "-aec", called_ae, "-aet", "HRTEST", "127.0.0.1", str(port)]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
