"""The patient's disc: DICOMDIR made by DCMTK's dcmmkdir, the sandbox's demo disc, folders
without a DICOMDIR, and bad discs (missing files, broken DICOMDIR, non-DICOM files)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from sandbox.generate.imaging import PatientTags, StudyTags, write_ct_series, write_radiograph
from workstation.model import Gender, Patient
from workstation.services import LoadedImage
from workstation.sources.base import Cancelled, SourceError, study_result
from workstation.sources.disc import DiscSource, ProblemKind, read_disc
from workstation.sources.identity import Match, match_patients

CARD = "510100198001011230"
PATIENT = PatientTags("MRN001", "张^伟", "Zhang^Wei", dt.date(1980, 1, 1), "M", CARD)
DX_UID = "1.2.826.0.1.3680043.8.498.101"
CT_UID = "1.2.826.0.1.3680043.8.498.102"
DISC_COMMAND = (sys.executable, "-m", "sandbox", "disc")


def _write_studies(scratch: Path) -> list[Path]:
    files = write_radiograph(
        scratch,
        PATIENT,
        StudyTags(DX_UID, "A1", dt.date(2026, 10, 1), "蓬溪县中医院", "胸部正位"),
        rows=300,
        columns=250,
    )
    files += write_ct_series(
        scratch,
        PATIENT,
        StudyTags(CT_UID, "A2", dt.date(2026, 11, 1), "蓬溪县中医院", "胸部CT平扫"),
        slices=5,
        size=64,
    )
    return [f.path for f in files]


@pytest.fixture
def dcmmkdir_disc(tmp_path: Path) -> Path:
    """A disc laid out as CD-R media (8-character names) with a DICOMDIR by dcmmkdir."""
    disc = tmp_path / "disc"
    for n, path in enumerate(_write_studies(tmp_path / "scratch")):
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


def _uids(disc: Path) -> list[str]:
    return [s.study_uid for s in read_disc(disc).studies]


def test_a_dcmtk_dicomdir_lists_the_studies_with_their_patient(dcmmkdir_disc: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    report = read_disc(dcmmkdir_disc, "光盘", progress=lambda d, t: seen.append((d, t)))
    assert report.used_dicomdir
    assert report.problems == []
    assert report.files == 6
    assert seen[-1] == (6, 6)
    assert [s.study_uid for s in report.studies] == [CT_UID, DX_UID]  # newest first
    ct, dx = report.studies
    assert ct.instances == 5
    assert dx.instances == 1
    assert ct.modalities == ("CT",)
    assert dx.modalities == ("DX",)
    assert ct.description == "胸部CT平扫"
    assert ct.institution == "蓬溪县中医院"
    assert ct.started is not None
    assert ct.started.date() == dt.date(2026, 11, 1)
    for study in report.studies:
        assert study.source == "光盘"
        assert study.patient.name == "张伟"
        assert study.patient.id == "MRN001"
        assert study.patient.birth_date == dt.date(1980, 1, 1)
        assert study.patient.gender is Gender.MALE
        assert study.patient.id_card == CARD  # from Other Patient IDs Sequence
    # the DICOMDIR's order and the files' own order give the same instances
    assert [i.number for i in ct.series[0].instances] == sorted(
        i.number for i in ct.series[0].instances
    )


def test_the_folder_without_its_dicomdir_gives_the_same_studies(dcmmkdir_disc: Path) -> None:
    with_dir = read_disc(dcmmkdir_disc)
    (dcmmkdir_disc / "DICOMDIR").unlink()
    without = read_disc(dcmmkdir_disc)
    assert not without.used_dicomdir
    assert without.problems == []
    assert [(s.study_uid, s.instances, s.patient) for s in without.studies] == [
        (s.study_uid, s.instances, s.patient) for s in with_dir.studies
    ]


def test_a_missing_file_is_reported_and_the_rest_listed(dcmmkdir_disc: Path) -> None:
    victim = sorted((dcmmkdir_disc / "IMAGES").rglob("I*"))[3]
    victim.unlink()
    report = read_disc(dcmmkdir_disc)
    assert report.used_dicomdir
    assert [(p.kind, p.path) for p in report.problems] == [
        (ProblemKind.MISSING_FILE, victim.relative_to(dcmmkdir_disc).as_posix())
    ]
    assert sum(s.instances for s in report.studies) == 5


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_broken_dicomdir_is_reported_and_the_folder_scanned(
    dcmmkdir_disc: Path, damage: str
) -> None:
    dicomdir = dcmmkdir_disc / "DICOMDIR"
    data = dicomdir.read_bytes()
    dicomdir.write_bytes(
        {"truncated": data[: len(data) // 2], "garbage": b"\x00" * 128 + b"DICM" + b"\xff" * 300}[
            damage
        ]
        if damage != "empty"
        else b""
    )
    report = read_disc(dcmmkdir_disc)
    assert not report.used_dicomdir
    assert [p.kind for p in report.problems] == [ProblemKind.BROKEN_DICOMDIR]
    assert [s.study_uid for s in report.studies] == [CT_UID, DX_UID]


def test_non_dicom_files_are_reported_and_skipped(dcmmkdir_disc: Path) -> None:
    (dcmmkdir_disc / "DICOMDIR").unlink()
    (dcmmkdir_disc / "AUTORUN.INF").write_text("[autorun]\nopen=viewer.exe\n")
    (dcmmkdir_disc / "VIEWER").mkdir()
    (dcmmkdir_disc / "VIEWER" / "viewer.exe").write_bytes(b"MZ" + b"\x00" * 1000)
    (dcmmkdir_disc / "EMPTY").write_bytes(b"")
    first = sorted((dcmmkdir_disc / "IMAGES").rglob("I*"))[0]
    (dcmmkdir_disc / "IMAGES" / "BROKEN").write_bytes(first.read_bytes()[:400])  # truncated
    report = read_disc(dcmmkdir_disc)
    kinds = {p.path: p.kind for p in report.problems}
    assert kinds == {
        "AUTORUN.INF": ProblemKind.NOT_DICOM,
        "VIEWER/viewer.exe": ProblemKind.NOT_DICOM,
        "EMPTY": ProblemKind.NOT_DICOM,
        "IMAGES/BROKEN": ProblemKind.UNREADABLE,
    }
    assert [s.study_uid for s in report.studies] == [CT_UID, DX_UID]


def test_a_file_of_no_study_is_reported(tmp_path: Path) -> None:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID = CTImageStorage
    ds.PatientName = "X"
    ds.save_as(tmp_path / "NOSTUDY", enforce_file_format=True)
    report = read_disc(tmp_path)
    assert [p.kind for p in report.problems] == [ProblemKind.UNREADABLE]
    assert report.studies == []


def test_not_a_folder_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        read_disc(tmp_path / "nowhere")


def test_reading_is_cancelled_between_two_files(dcmmkdir_disc: Path) -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int | None) -> None:
        seen.append(done)
        if done == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        read_disc(dcmmkdir_disc, progress=progress, cancel=cancel)
    assert seen == [1, 2]
    (dcmmkdir_disc / "DICOMDIR").unlink()
    seen.clear()
    cancel.clear()
    with pytest.raises(Cancelled):
        read_disc(dcmmkdir_disc, progress=progress, cancel=cancel)
    assert seen == [1, 2]


def test_the_disc_source_decodes_a_series_through_the_viewer_path(dcmmkdir_disc: Path) -> None:
    source = DiscSource("光盘", dcmmkdir_disc)
    ct = next(s for s in source.find_studies() if s.study_uid == CT_UID)
    images: list[LoadedImage] = []
    assert source.load_series(ct, ct.series[0], images.append) == 5
    assert [i.sop_instance_uid for i in images] == [
        i.sop_instance_uid for i in ct.series[0].instances
    ]
    assert all(i.image is not None and i.image.modality == "CT" for i in images)
    row = study_result(ct)
    assert row.id == f"光盘:{CT_UID}"
    assert row.mark is None  # a disc carries no HR mark
    assert row.hospital_id == "蓬溪县中医院"


def test_the_disc_patient_is_matched_to_the_platform_patient(dcmmkdir_disc: Path) -> None:
    platform = Patient("p0001", "张伟", Gender.MALE, dt.date(1980, 1, 1), id_card=CARD)
    other = Patient("p0002", "张伟", Gender.FEMALE, dt.date(1980, 1, 1))
    disc_patient = read_disc(dcmmkdir_disc).studies[0].patient
    assert match_patients(platform, disc_patient).match is Match.CONFIRMED
    assert match_patients(other, disc_patient).match is Match.CONFLICT


def test_the_sandbox_writes_a_demo_disc_for_a_platform_patient(
    sandbox_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "disc"
    done = subprocess.run(
        [*DISC_COMMAND, str(out), "--patient", "p0001", "--data-dir", str(sandbox_data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = read_disc(out)
    assert report.used_dicomdir
    assert report.problems == []
    assert len(report.studies) == 2
    # dcmtk agrees that the DICOMDIR is valid
    dump = subprocess.run(
        ["dcmdump", str(out / "DICOMDIR")], capture_output=True, text=True, check=True
    )
    assert dump.stdout.count("DirectoryRecordType") >= 2 + 2 + 1
    unknown = subprocess.run(
        [*DISC_COMMAND, str(tmp_path / "x"), "--patient", "x", "--data-dir", str(sandbox_data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2


def test_a_disc_copied_with_lower_case_names_is_read(dcmmkdir_disc: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for path in sorted(dcmmkdir_disc.rglob("*")):
        target = copy / Path(*(p.lower() for p in path.relative_to(dcmmkdir_disc).parts))
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    assert (copy / "dicomdir").is_file()
    report = read_disc(copy)
    assert report.used_dicomdir
    assert report.problems == []
    assert sum(s.instances for s in report.studies) == 6
