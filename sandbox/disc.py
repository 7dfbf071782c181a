"""A demo patient disc: ``python -m sandbox disc OUTDIR --patient ID``.

Writes the studies a patient brings on a CD from a county hospital that is on no platform
(a chest radiograph and a small CT), as DICOM Part 10 files with a DICOMDIR (pydicom's
FileSet, the General Purpose CD-R profile layout), for the demo data's patient ``ID`` (the
FHIR id, e.g. ``p0001``, or the 身份证 number) so the disc matches her platform records.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydicom import dcmread
from pydicom.fileset import FileSet
from pydicom.uid import generate_uid

from sandbox.generate.imaging import (
    InstanceInfo,
    PatientTags,
    StudyTags,
    write_ct_series,
    write_radiograph,
)
from sandbox.store import Store
from workstation import fhir_systems as systems

DISC_HOSPITAL = "蓬溪县中医院"  # a county hospital on no platform
Writer = Callable[[Path, PatientTags, StudyTags], list[InstanceInfo]]


class UnknownPatient(LookupError):
    """The demo data has no patient with that id or 身份证 number."""


def patient_tags(data_dir: Path, patient: str) -> PatientTags:
    """The DICOM patient facts of a demo patient, by FHIR id or 身份证 number. Raises
    UnknownPatient."""
    store = Store(data_dir / "sandbox.sqlite")
    resource = store.get_resource("Patient", patient)
    if resource is None:
        with store.read() as db:
            for row in db.execute("SELECT body FROM resource WHERE rtype='Patient'"):
                body = json.loads(row["body"])
                if any(i.get("value") == patient for i in body.get("identifier", [])):
                    resource = body
                    break
    if resource is None:
        raise UnknownPatient(patient)
    card = next(
        (i["value"] for i in resource["identifier"] if i.get("system") == systems.SID_RESIDENT_ID),
        "",
    )
    official = resource["name"][0]
    pinyin = next((n["text"] for n in resource["name"] if n.get("use") == "usual"), "")
    family, _, given = pinyin.partition(" ")
    return PatientTags(
        patient_id=f"PX{card[-6:]}",  # the county hospital's own number
        name_zh=f"{official['family']}^{official['given'][0]}",
        name_pinyin=f"{family}^{given}" if given else family,
        birth_date=dt.date.fromisoformat(resource["birthDate"]),
        sex="M" if resource["gender"] == "male" else "F",
        id_card=card,
    )


def write_disc(out_dir: Path, patient: PatientTags, *, today: dt.date | None = None) -> int:
    """Write the disc into ``out_dir`` (created; must be empty): files under the
    DICOMDIR's own folders and the DICOMDIR. Returns the number of image files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    day = today or dt.date.today()
    studies: list[tuple[StudyTags, Writer]] = [
        (
            StudyTags(
                generate_uid(entropy_srcs=[patient.id_card, "disc-dx"]),
                "PX0001",
                day - dt.timedelta(days=40),
                DISC_HOSPITAL,
                "胸部正位",
            ),
            lambda o, p, t: write_radiograph(o, p, t, rows=600, columns=500, seed=11),
        ),
        (
            StudyTags(
                generate_uid(entropy_srcs=[patient.id_card, "disc-ct"]),
                "PX0002",
                day - dt.timedelta(days=12),
                DISC_HOSPITAL,
                "胸部CT平扫",
            ),
            lambda o, p, t: write_ct_series(o, p, t, slices=12, size=128, seed=12),
        ),
    ]
    fileset = FileSet()
    fileset.ID = "HRDEMO"
    with tempfile.TemporaryDirectory() as scratch:
        files = []
        for study, writer in studies:
            files += writer(Path(scratch), patient, study)
        for info in files:
            fileset.add(dcmread(info.path))
        fileset.write(out_dir)
    # pydicom's FileSet stages in a temporary folder it only removes when collected (with a
    # ResourceWarning); it has no public close, so its staging folder is removed here.
    stage = getattr(fileset, "_stage", {}).get("t")
    if stage is not None:
        stage.cleanup()
    return len(files)
