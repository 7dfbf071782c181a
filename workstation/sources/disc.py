"""The patient's disc or USB stick: a DICOMDIR, or a folder of DICOM files without one.

``read_disc(root)`` lists the studies with the patient facts their DICOM carries and a
report of what is wrong with the disc (files the DICOMDIR names but the disc lacks, a
DICOMDIR that cannot be read, files that are not DICOM). With a readable DICOMDIR it opens
one file per study (for the facts a DICOMDIR does not carry: birth date, sex, hospital)
and only checks that the others exist; without one it reads the header of every file up
to the pixel data, never the pixels. Either way it reports progress and can be cancelled
between two files: a 20,000-file folder costs 20,000 header reads and nothing more.

Nothing here logs patient data or file names (a disc's paths may hold names).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from workstation.dicomweb.priority import SlicePriority
from workstation.imaging.decode import DecodeError, read_dataset
from workstation.imaging.names import element_text
from workstation.logs import safe
from workstation.model import InstanceRef, Patient, SeriesRef
from workstation.services import LoadedImage
from workstation.sources.base import (
    Progress,
    SourceError,
    SourceKind,
    SourceStudy,
    check_cancel,
    reading_order,
    series_ref,
)
from workstation.sources.dicom_facts import patient_of, study_datetime
from workstation.sources.instance_check import checked_image, same_patient

log = logging.getLogger("workstation.sources.disc")

HEADER_TAGS = (
    "SpecificCharacterSet",
    "SOPClassUID",
    "SOPInstanceUID",
    "StudyDate",
    "StudyTime",
    "AccessionNumber",
    "Modality",
    "InstitutionName",
    "StudyDescription",
    "SeriesDescription",
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "PatientSex",
    "OtherPatientIDs",
    "OtherPatientIDsSequence",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "SeriesNumber",
    "InstanceNumber",
)
_PREAMBLE = 128


class ProblemKind(Enum):
    """What can be wrong with a disc."""

    BROKEN_DICOMDIR = "broken_dicomdir"  # the DICOMDIR cannot be read: the folder is scanned
    MISSING_FILE = "missing_file"  # the DICOMDIR names a file the disc lacks
    NOT_DICOM = "not_dicom"  # a file that is not a DICOM Part 10 file
    # a DICOM file whose header cannot be read, or lacks the Study / SOP Instance UID that
    # place it (pydicom reads a truncated header as far as it goes: this is how it shows)
    UNREADABLE = "unreadable"
    # the DICOMDIR names a file outside the disc (``..``, an absolute path, a link that
    # leads out): never opened
    OUTSIDE_DISC = "outside_disc"
    # a file of a study whose patient (Patient ID, name, birth date) is not the one of the
    # study's first file: left out of the study
    OTHER_PATIENT = "other_patient"


@dataclass(frozen=True)
class DiscProblem:
    """One thing wrong with the disc; ``path`` is relative to the disc's root."""

    kind: ProblemKind
    path: str
    detail: str = ""


@dataclass
class DiscReport:
    """What a disc holds and what is wrong with it."""

    root: Path
    studies: list[SourceStudy]
    problems: list[DiscProblem] = field(default_factory=list)
    files: int = 0  # files looked at (DICOMDIR entries, or files in the folder)
    used_dicomdir: bool = False
    paths: dict[str, Path] = field(default_factory=dict)  # SOP Instance UID → file

    def count(self, kind: ProblemKind) -> int:
        """How many problems of one kind."""
        return sum(1 for p in self.problems if p.kind is kind)


@dataclass
class _Instance:
    path: Path
    header: Dataset | None  # None when known from the DICOMDIR only
    study_uid: str
    series_uid: str
    sop_uid: str
    sop_class: str
    number: int
    series_number: int
    modality: str
    series_description: str


def read_disc(
    root: Path,
    source: str = "disc",
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DiscReport:
    """Read the disc (or folder) at ``root``: its DICOMDIR when there is a readable one,
    else every file under it. Raises SourceError when ``root`` is not a readable folder,
    Cancelled when ``cancel`` is set (checked between two files)."""
    if not root.is_dir():
        raise SourceError("the disc or folder cannot be opened")
    report = DiscReport(root, [])
    dicomdir = _find_dicomdir(root)
    instances: list[_Instance] | None = None
    if dicomdir is not None:
        instances = _from_dicomdir(dicomdir, report, progress, cancel)
    if instances is None:
        instances = _from_folder(root, report, progress, cancel)
    report.studies = _studies(instances, source, report)
    report.paths = {i.sop_uid: i.path for i in instances}
    return report


def _find_dicomdir(root: Path) -> Path | None:
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                if entry.name.upper() == "DICOMDIR" and entry.is_file():
                    return Path(entry.path)
    except OSError:
        return None
    return None


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


@dataclass(frozen=True)
class _Entry:
    """A leaf of the DICOMDIR's record tree with its ancestors (series, study, patient);
    ``path`` is None when its Referenced File ID would lead outside the disc."""

    path: Path | None
    records: tuple[Dataset, ...]  # the leaf first, then up to the patient
    file_id: str = ""  # the Referenced File ID as written, "/"-joined (for the report)

    def value(self, keyword: str) -> str:
        """The first value of ``keyword`` from the leaf upwards, "" when none has it."""
        for record in self.records:
            value = record.get(keyword)
            if value not in (None, ""):
                return str(value)
        return ""


def dicomdir_entries(dicomdir: Path) -> list[_Entry]:
    """The files a DICOMDIR references, walking its record tree by the offsets (PS3.10
    8.5: next record at the same level, first record of the level below). Raises
    ValueError (and pydicom's errors) for a DICOMDIR that is not one, or whose offsets
    point nowhere or loop."""
    ds = dcmread(dicomdir)
    items = ds.DirectoryRecordSequence  # AttributeError when it is not a DICOMDIR
    at = {getattr(item, "seq_item_tell", None): item for item in items}
    at.pop(None, None)
    if len(at) != len(items):
        raise ValueError("record offsets unknown")
    root = dicomdir.parent
    found: list[_Entry] = []
    visited: set[int] = set()
    # (offset of the first record of a level, the records above it)
    pending: list[tuple[int, tuple[Dataset, ...]]] = [
        (int(ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity), ())
    ]
    while pending:
        offset, above = pending.pop()
        level: list[_Entry] = []
        lower_levels: list[tuple[int, tuple[Dataset, ...]]] = []
        while offset:
            if offset in visited or offset not in at:
                raise ValueError("record offsets loop or point nowhere")
            visited.add(offset)
            record = at[offset]
            chain = (record, *above)
            lower = int(record.get("OffsetOfReferencedLowerLevelDirectoryEntity", 0) or 0)
            if lower:
                lower_levels.append((lower, chain))
            file_id = record.get("ReferencedFileID")
            if file_id and record.get("ReferencedSOPInstanceUIDInFile"):
                parts = [str(p) for p in ([file_id] if isinstance(file_id, str) else file_id)]
                path = root.joinpath(*parts) if all(map(safe_component, parts)) else None
                level.append(_Entry(path, chain, "/".join(parts)))
            offset = int(record.get("OffsetOfTheNextDirectoryRecord", 0) or 0)
        found += level
        pending += reversed(lower_levels)  # depth first, in the DICOMDIR's order
    return found


def safe_component(part: str) -> bool:
    """Whether one component of a Referenced File ID names an entry inside its folder:
    not empty, ``.`` or ``..``, no separator or drive (``/``, ``\\``, ``:``), no NUL."""
    return part not in ("", ".", "..") and not any(ch in part for ch in "/\\:\0")


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links resolved, is inside ``root`` (links resolved too)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a broken name
        return False


def _from_dicomdir(
    dicomdir: Path,
    report: DiscReport,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> list[_Instance] | None:
    """The instances a DICOMDIR lists (None when it cannot be read: then the folder is
    scanned instead, and the report says why)."""
    try:
        entries = dicomdir_entries(dicomdir)
    except Exception as exc:  # any defect of the DICOMDIR: scan the folder instead
        report.problems.append(
            DiscProblem(ProblemKind.BROKEN_DICOMDIR, dicomdir.name, type(exc).__name__)
        )
        log.info("DICOMDIR not readable (%s): scanning the folder", safe(type(exc).__name__))
        return None
    report.used_dicomdir = True
    total = len(entries)
    found: list[_Instance] = []
    opened_studies: set[str] = set()
    described_series: set[str] = set()
    listed_under: dict[str, str] = {}  # study UID → the Patient ID of its patient record
    for done, entry in enumerate(entries, 1):
        check_cancel(cancel)
        report.files += 1
        path = None if entry.path is None else _existing(entry.path, report.root)
        if entry.path is None or (path is not None and not inside(path, report.root)):
            report.problems.append(DiscProblem(ProblemKind.OUTSIDE_DISC, entry.file_id))
        elif path is None:
            report.problems.append(
                DiscProblem(ProblemKind.MISSING_FILE, _relative(report.root, entry.path))
            )
        elif listed_under.setdefault(
            entry.value("StudyInstanceUID"), entry.value("PatientID")
        ) != entry.value("PatientID"):
            # the study's UID under another patient record: not this study's file
            report.problems.append(
                DiscProblem(ProblemKind.OTHER_PATIENT, _relative(report.root, path))
            )
        else:
            study_uid = entry.value("StudyInstanceUID")
            series_uid = entry.value("SeriesInstanceUID")
            header = None
            description = ""
            # one file per study for the patient facts, one per series for its description
            # (a DICOMDIR's series records rarely carry it: dcmmkdir's do not)
            if study_uid not in opened_studies or series_uid not in described_series:
                opened = _header(path, report)
                if opened is not None:
                    described_series.add(series_uid)
                    description = element_text(opened, "SeriesDescription").text
                    if study_uid not in opened_studies:
                        header = opened
                        opened_studies.add(study_uid)
            found.append(
                _Instance(
                    path,
                    header,
                    study_uid,
                    series_uid,
                    entry.value("ReferencedSOPInstanceUIDInFile"),
                    entry.value("ReferencedSOPClassUIDInFile"),
                    _int(entry.value("InstanceNumber")),
                    _int(entry.value("SeriesNumber")),
                    entry.value("Modality"),
                    description,
                )
            )
        if progress is not None:
            progress(done, total)
    return found


def _existing(path: Path, root: Path) -> Path | None:
    """The file, or its lower-case twin (a disc copied onto a case-sensitive file system:
    the DICOMDIR says ``PT000000/ST000000/IM000000``, the copy has ``pt000000/…``), None
    when neither exists."""
    if path.is_file():
        return path
    try:
        lower = root.joinpath(*(part.lower() for part in path.relative_to(root).parts))
    except ValueError:
        return None
    return lower if lower.is_file() else None


def _walk(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, depth first, without following links."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False) and entry.name.upper() != "DICOMDIR":
                yield Path(entry.path)


def _from_folder(
    root: Path,
    report: DiscReport,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> list[_Instance]:
    found: list[_Instance] = []
    studies: dict[str, Patient] = {}  # study UID → the patient its first file names
    series_seen: set[str] = set()
    for done, path in enumerate(_walk(root), 1):
        check_cancel(cancel)
        report.files += 1
        header = _header(path, report)
        if header is not None:
            study_uid = str(header.get("StudyInstanceUID", ""))
            sop_uid = str(header.get("SOPInstanceUID", ""))
            series_uid = str(header.get("SeriesInstanceUID", ""))
            if not study_uid or not sop_uid:
                report.problems.append(
                    DiscProblem(ProblemKind.UNREADABLE, _relative(root, path), "no study UID")
                )
            elif study_uid in studies and not same_patient(studies[study_uid], header):
                # a file of another patient under the study's UID: never part of the study
                report.problems.append(
                    DiscProblem(ProblemKind.OTHER_PATIENT, _relative(root, path))
                )
            else:
                # Only the first header of each study is kept (the patient facts), and only
                # the first of each series is asked its description: memory and time stay
                # proportional to the studies, not to the files.
                first_of_series = series_uid not in series_seen
                series_seen.add(series_uid)
                found.append(
                    _Instance(
                        path,
                        header if study_uid not in studies else None,
                        study_uid,
                        series_uid,
                        sop_uid,
                        str(header.get("SOPClassUID", "")),
                        _int(header.get("InstanceNumber")),
                        _int(header.get("SeriesNumber")),
                        str(header.get("Modality", "")),
                        element_text(header, "SeriesDescription").text if first_of_series else "",
                    )
                )
                if study_uid not in studies:
                    studies[study_uid] = patient_of(header)
        if progress is not None:
            progress(done, None)
    return found


def _header(path: Path, report: DiscReport) -> Dataset | None:
    """The header of a Part 10 file up to its pixel data, or None (and a problem)."""
    where = _relative(report.root, path)
    try:
        with path.open("rb") as fp:
            if fp.read(_PREAMBLE + 4)[_PREAMBLE:] != b"DICM":
                report.problems.append(DiscProblem(ProblemKind.NOT_DICOM, where))
                return None
            fp.seek(0)
            return dcmread(fp, stop_before_pixels=True, specific_tags=list(HEADER_TAGS))
    except (InvalidDicomError, OSError, ValueError, EOFError, KeyError, TypeError) as exc:
        report.problems.append(DiscProblem(ProblemKind.UNREADABLE, where, type(exc).__name__))
        return None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _studies(instances: list[_Instance], source: str, report: DiscReport) -> list[SourceStudy]:
    by_study: dict[str, list[_Instance]] = {}
    for inst in instances:
        by_study.setdefault(inst.study_uid, []).append(inst)
    studies = []
    for study_uid, members in by_study.items():
        header = next((m.header for m in members if m.header is not None), None)
        if header is None:
            continue  # no file of the study could be read: its files are reported already
        series: dict[str, list[_Instance]] = {}
        for m in members:
            series.setdefault(m.series_uid, []).append(m)
        refs = [
            series_ref(
                uid,
                group[0].series_number,
                group[0].modality,
                next((m.series_description for m in group if m.series_description), ""),
                [InstanceRef(m.sop_uid, m.sop_class, m.number) for m in group],
            )
            for uid, group in series.items()
        ]
        refs.sort(key=lambda s: (s.number, s.uid))
        modalities = tuple(dict.fromkeys(s.modality for s in refs if s.modality))
        studies.append(
            SourceStudy(
                source=source,
                patient=patient_of(header),
                study_uid=study_uid,
                started=study_datetime(header),
                description=element_text(header, "StudyDescription").text,
                modalities=modalities,
                institution=element_text(header, "InstitutionName").text,
                accession=str(header.get("AccessionNumber", "") or ""),
                series=tuple(refs),
            )
        )
    studies.sort(key=lambda s: s.started or dt.datetime.min, reverse=True)
    return studies


class DiscSource:
    """A disc as a StudySource: read once (``read_disc``), then its studies and images.

    ``find_studies`` lists every study of the disc whatever the query (she brought it for
    this patient; the identity rules decide what it matches)."""

    def __init__(self, name: str, root: Path) -> None:
        self._name = name
        self.root = root
        self.report: DiscReport | None = None

    @property
    def name(self) -> str:
        """The source's name."""
        return self._name

    @property
    def kind(self) -> SourceKind:
        """Always DISC."""
        return SourceKind.DISC

    def read(
        self, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> DiscReport:
        """Read the disc (again). Raises SourceError, Cancelled."""
        self.report = read_disc(self.root, self._name, progress, cancel)
        return self.report

    def find_studies(
        self,
        *,
        patient_id: str = "",
        name: str = "",
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SourceStudy]:
        """Every study of the disc (read on first use). Raises SourceError, Cancelled."""
        report = self.report or self.read(progress, cancel)
        return list(report.studies)

    def load_series(
        self,
        study: SourceStudy,
        series: SeriesRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
        priority: SlicePriority | None = None,
    ) -> int:
        """Decode the series' files from the disc in instance order, or in the order of
        ``priority`` (``base.reading_order``). A file that is not
        of this series, SOP instance and patient (``instance_check``) is handed over as
        an error ("not this patient", "not this series"), never as an image. Raises
        SourceError when the disc has not been read, Cancelled."""
        if self.report is None:
            raise SourceError("the disc has not been read")
        count = 0
        for ref in reading_order(series, priority):
            check_cancel(cancel)
            path = self.report.paths.get(ref.sop_instance_uid)
            if path is None:
                on_image(LoadedImage(ref.sop_instance_uid, None, "not on the disc"))
                continue
            if not inside(path, self.report.root):
                on_image(LoadedImage(ref.sop_instance_uid, None, "not on the disc"))
                continue
            try:
                ds = read_dataset(path)
            except DecodeError as exc:
                on_image(LoadedImage(ref.sop_instance_uid, None, str(exc)))
                continue
            loaded = checked_image(ds, study, series.uid, ref.sop_instance_uid, "disc")
            count += loaded.image is not None
            on_image(loaded)
        return count

    def load_instance(
        self,
        study: SourceStudy,
        series: SeriesRef,
        instance: InstanceRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
    ) -> int:
        """Decode one file of the series (its thumbnail), checked like ``load_series``.
        Returns 1, or 0 when it was refused or undecodable. Raises SourceError, Cancelled."""
        return self.load_series(study, replace(series, instances=(instance,)), on_image, cancel)
