"""The patient's disc: DICOMDIR made by DCMTK's dcmmkdir, the sandbox's demo disc, folders
without a DICOMDIR, and bad discs (missing files, broken DICOMDIR, non-DICOM files)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.fileset import FileSet
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

from sandbox.generate.imaging import PatientTags, StudyTags, write_ct_series, write_radiograph
from tests.multi_series import dcmmkdir_disc as make_dcmmkdir_disc
from workstation.model import Gender, Patient
from workstation.services import LoadedImage
from workstation.sources.base import Cancelled, SourceError, study_result
from workstation.sources.disc import DiscSource, ProblemKind, inside, read_disc, safe_component
from workstation.sources.identity import Match, match_patients
from workstation.sources.instance_check import NOT_THIS_PATIENT, NOT_THIS_SERIES

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
    return make_dcmmkdir_disc(tmp_path / "disc", _write_studies(tmp_path / "scratch"))


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


def _ct_file(patient_id: str, name: str, study: str, sop: str) -> Dataset:
    """A minimal 8×8 CT instance of ``patient_id`` in ``study``."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = study
    ds.SeriesInstanceUID = study[:60] + ".1"
    ds.Modality = "CT"
    ds.PatientID = patient_id
    ds.PatientName = name
    ds.PatientBirthDate = "19800101"
    ds.PatientSex = "M"
    ds.StudyDate = "20260101"
    ds.StudyTime = "120000"
    ds.StudyID = "1"
    ds.AccessionNumber = "A1"
    ds.ReferringPhysicianName = ""
    ds.InstanceNumber = 1
    ds.SeriesNumber = 1
    ds.Rows = ds.Columns = 8
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = bytes(128)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.preamble = b"\0" * 128
    return ds


def _disc_referencing(tmp_path: Path, file_id: list[str]) -> tuple[Path, str]:
    """A disc with her CT instance and a DICOMDIR record naming ``file_id`` for a second
    instance (another patient's); returns the disc and the first instance's UID."""
    study = generate_uid()
    mine = _ct_file(CARD, "张^伟", study, generate_uid())
    theirs = _ct_file("OTHER-PATIENT", "李^四", study, generate_uid())
    disc = tmp_path / "disc"
    fileset = FileSet()
    fileset.add(mine)
    fileset.add(theirs)
    fileset.write(disc)
    stage = getattr(fileset, "_stage", {}).get("t")
    if stage is not None:
        stage.cleanup()
    dicomdir = dcmread(disc / "DICOMDIR")
    for record in dicomdir.DirectoryRecordSequence:
        if record.get("ReferencedSOPInstanceUIDInFile") == theirs.SOPInstanceUID:
            in_disc = disc.joinpath(*record.ReferencedFileID)
            in_disc.unlink()  # only the file outside the disc could be what is read
            with warnings.catch_warnings():  # pydicom warns of what a hostile disc holds
                warnings.simplefilter("ignore")
                record.ReferencedFileID = file_id
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dicomdir.save_as(disc / "DICOMDIR")
    outside = tmp_path / "elsewhere"
    outside.mkdir(exist_ok=True)
    theirs.save_as(outside / "B.dcm", enforce_file_format=True)
    return disc, str(mine.SOPInstanceUID)


@pytest.mark.parametrize(
    "file_id",
    [
        ["..", "elsewhere", "B.dcm"],
        ["IMAGES", "..", "..", "elsewhere", "B.dcm"],
        ["/tmp", "B.dcm"],
        ["..\\elsewhere\\B.dcm"],
        ["C:", "B.dcm"],
        ["", "B.dcm"],
        [".", "B.dcm"],
    ],
)
def test_a_dicomdir_naming_a_file_outside_the_disc_is_refused(
    tmp_path: Path, file_id: list[str]
) -> None:
    disc, mine = _disc_referencing(tmp_path, file_id)
    report = read_disc(disc)
    assert [p.kind for p in report.problems] == [ProblemKind.OUTSIDE_DISC]
    assert list(report.paths) == [mine]
    assert all(inside(p, disc) for p in report.paths.values())
    (study,) = report.studies
    assert study.patient.id == CARD
    assert study.instances == 1


def test_a_link_out_of_the_disc_is_refused(tmp_path: Path) -> None:
    disc, mine = _disc_referencing(tmp_path, ["LINKED"])
    (disc / "LINKED").symlink_to(tmp_path / "elsewhere" / "B.dcm")
    report = read_disc(disc)
    assert [p.kind for p in report.problems] == [ProblemKind.OUTSIDE_DISC]
    assert list(report.paths) == [mine]


def test_reference_file_id_components(tmp_path: Path) -> None:
    assert safe_component("IM000001")
    for bad in ("", ".", "..", "a/b", "a\\b", "C:", "x\0y"):
        assert not safe_component(bad)
    assert not inside(tmp_path / ".." / "x", tmp_path)


def _swap(path: Path, **changes: str) -> None:
    ds = dcmread(path)
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    ds.save_as(path)


def test_a_series_never_shows_a_file_of_another_patient_or_series(dcmmkdir_disc: Path) -> None:
    source = DiscSource("光盘", dcmmkdir_disc)
    report = source.read()
    ct = next(s for s in report.studies if s.study_uid == CT_UID)
    refs = ct.series[0].instances
    # files swapped on the disc after it was listed (or listed only by the DICOMDIR)
    _swap(report.paths[refs[1].sop_instance_uid], PatientID="OTHER-PATIENT")
    _swap(report.paths[refs[2].sop_instance_uid], PatientName="李^四")
    _swap(report.paths[refs[3].sop_instance_uid], PatientBirthDate="19900101")
    _swap(report.paths[refs[4].sop_instance_uid], SeriesInstanceUID=generate_uid())
    images: list[LoadedImage] = []
    assert source.load_series(ct, ct.series[0], images.append) == 1
    assert [i.image is not None for i in images] == [True, False, False, False, False]
    assert [i.error for i in images[1:]] == [NOT_THIS_PATIENT] * 3 + [NOT_THIS_SERIES]


def test_a_folder_whose_study_holds_another_patients_file_leaves_it_out(tmp_path: Path) -> None:
    study = generate_uid()
    _ct_file(CARD, "张^伟", study, generate_uid()).save_as(tmp_path / "A", enforce_file_format=True)
    other = _ct_file("OTHER-PATIENT", "李^四", study, generate_uid())
    other.save_as(tmp_path / "B", enforce_file_format=True)
    report = read_disc(tmp_path)
    assert [(p.kind, p.path) for p in report.problems] == [(ProblemKind.OTHER_PATIENT, "B")]
    (listed,) = report.studies
    assert listed.instances == 1
    assert str(other.SOPInstanceUID) not in report.paths
