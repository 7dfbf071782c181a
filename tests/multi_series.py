"""A CT study as a county hospital burns it on a disc or keeps it in its PACS: several
series (a localizer, soft-tissue and lung-kernel axials, a reformat), written with the
sandbox's generators; and a disc of files laid out as CD-R media with DCMTK's dcmmkdir."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pydicom import dcmread

from sandbox.generate.imaging import PatientTags, StudyTags, write_ct_series

HOSPITAL = "蓬溪县中医院"


@dataclass(frozen=True)
class SeriesWritten:
    """One series written: its UID, description and files (in no particular order)."""

    uid: str
    description: str
    files: tuple[Path, ...]


# (series number, description, slices, thickness mm): what a chest CT disc holds
CT_SERIES = (
    (1, "定位像", 2, 10.0),
    (2, "软组织 5mm", 6, 5.0),
    (3, "肺窗 1.25mm", 12, 1.25),
    (4, "冠状位重建", 4, 3.0),
)


def write_multi_series_ct(
    out: Path,
    patient: PatientTags,
    study_uid: str,
    day: dt.date,
    series: tuple[tuple[int, str, int, float], ...] = CT_SERIES,
) -> list[SeriesWritten]:
    """Write one CT study of ``patient`` with ``series`` (number, description, slices,
    thickness) under ``out``, 64 × 64 pixels each; returns them in series number order."""
    study = StudyTags(study_uid, "PX0102", day, HOSPITAL, "胸部CT平扫")
    written = []
    for number, description, slices, thickness in series:
        files = write_ct_series(
            out / f"s{number}",
            patient,
            study,
            slices=slices,
            size=64,
            slice_thickness_mm=thickness,
            seed=20 + number,
            series_number=number,
        )
        for info in files:  # the generator names every series alike: give each its own
            ds = dcmread(info.path)
            ds.SeriesDescription = description
            ds.save_as(info.path)
        written.append(
            SeriesWritten(files[0].series_uid, description, tuple(f.path for f in files))
        )
    return written


def dcmmkdir_disc(disc: Path, files: list[Path]) -> Path:
    """Copy ``files`` into ``disc`` as CD-R media (8-character names, 4 files a folder) and
    make its DICOMDIR with DCMTK's dcmmkdir; returns ``disc``."""
    for n, path in enumerate(files):
        folder = disc / "IMAGES" / f"S{n // 4:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / f"I{n:07d}")
    done = subprocess.run(
        ["dcmmkdir", "+r", "+D", "DICOMDIR", "IMAGES"],
        cwd=disc,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (disc / "DICOMDIR").is_file()
    return disc
