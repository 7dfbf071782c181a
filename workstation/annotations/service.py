"""Saving her marks and key images of a study (queued in the outbox, sent by STOW-RS) and
finding the study's saved SR, KOS and GSPS objects again (QIDO-RS, WADO-RS), hers still in
the outbox included."""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from workstation.annotations.model import (
    Author,
    KeyImageRef,
    MarkToSave,
    NotShown,
    Rendering,
    SavedObject,
    Why,
)
from workstation.annotations.outbox import AnnotationOutbox, OutgoingObject, StoreObject
from workstation.annotations.reader import FrameCounts, object_kind, read_object
from workstation.dicomweb.client import DicomWebClient, uid_path
from workstation.dicomweb.stow import StowResult, store_instances
from workstation.http import PlatformError

log = logging.getLogger("workstation.annotations")
ANNOTATION_MODALITIES = frozenset({"SR", "KO", "PR"})
_MODALITY = "00080060"
_SERIES_UID = "0020000E"
_SOP_UID = "00080018"
_FRAMES = "00280008"
MAX_OBJECT_BYTES = 4 * 1024 * 1024  # an annotation object larger than this is not read
MAX_MARKS_PER_STUDY = 10_000  # marks drawn from all of a study's objects together


def part10(ds: Dataset) -> bytes:
    """A dataset as DICOM Part 10 bytes (preamble, file meta)."""
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


@dataclass(frozen=True)
class Saved:
    """What one save queued: the SOP Instance UIDs of the report, the key image selection
    and the presentation state ("" when there was nothing of that kind)."""

    report_uid: str
    key_images_uid: str
    presentation_uid: str = ""


def save_annotations(
    outbox: AnnotationOutbox,
    *,
    dicomweb_url: str,
    result_id: str,
    marks: Sequence[MarkToSave],
    key_images: Sequence[KeyImageRef],
    author: Author,
    now: dt.datetime,
    rendering: Rendering | None = None,
) -> Saved:
    """Write her marks (an SR), key images (a KOS) and, with ``rendering`` (her window), a
    presentation state of the marks' grey images of one study, and queue them durably in
    ``outbox``; when this returns they are on disk and will be sent exactly once. Nothing to
    save queues nothing. Raises ValueError (marks of several studies) or JournalError."""
    # highdicom takes over a second to import: only saving pays for it, never the start
    from workstation.annotations.gsps_writer import presentation_state
    from workstation.annotations.kos_writer import key_object_selection
    from workstation.annotations.sr_writer import measurement_report

    report_uid = key_uid = presentation_uid = ""
    if marks:
        report = measurement_report(marks, author, now)
        report_uid = str(report.SOPInstanceUID)
        outbox.put(
            OutgoingObject(
                report_uid,
                str(report.StudyInstanceUID),
                result_id,
                dicomweb_url,
                "SR",
                part10(report),
            ),
            now,
        )
    if key_images:
        kos = key_object_selection(key_images, author, now)
        key_uid = str(kos.SOPInstanceUID)
        outbox.put(
            OutgoingObject(
                key_uid, str(kos.StudyInstanceUID), result_id, dicomweb_url, "KOS", part10(kos)
            ),
            now,
        )
    grey = [m for m in marks if m.image.samples_per_pixel == 1]
    if rendering is not None and grey:
        gsps = presentation_state(grey, rendering, author, now)
        presentation_uid = str(gsps.SOPInstanceUID)
        outbox.put(
            OutgoingObject(
                presentation_uid,
                str(gsps.StudyInstanceUID),
                result_id,
                dicomweb_url,
                "GSPS",
                part10(gsps),
            ),
            now,
        )
    return Saved(report_uid, key_uid, presentation_uid)


def store_with(client_for: Callable[[str], DicomWebClient]) -> StoreObject:
    """The outbox's sender: each object POSTed to its study on its DICOMweb service
    (``client_for(base_url)``: e.g. ``Connection.dicomweb``)."""

    def store(base_url: str, study_uid: str, data: bytes) -> StowResult:
        return store_instances(client_for(base_url), study_uid, [data])

    return store


def _value(item: dict[str, object], tag: str) -> str:
    element = item.get(tag)
    if isinstance(element, dict):
        values = element.get("Value")
        if isinstance(values, list) and values:
            return str(values[0])
    return ""


def _frame_counts(dicomweb: DicomWebClient, study_uid: str, problems: list[str]) -> FrameCounts:
    """SOP Instance UID → number of frames of the study's instances (None: not given); empty
    when the study's instances cannot be searched (then every image counts as one frame)."""
    try:
        rows = dicomweb.search_study_instances(study_uid)
    except PlatformError as exc:
        problems.append(f"the study's frames could not be counted ({exc.kind.value})")
        return {}
    counts: dict[str, int | None] = {}
    for row in rows:
        uid = _value(row, _SOP_UID)
        try:
            counts[uid] = int(_value(row, _FRAMES) or 0) or None
        except ValueError:
            counts[uid] = None
    return counts


def _within_study_bound(objects: list[SavedObject], own: Collection[str]) -> list[SavedObject]:
    """``objects`` with at most MAX_MARKS_PER_STUDY marks in all, hers counted first; what is
    left off is listed as not shown in each object it is taken from."""
    room = MAX_MARKS_PER_STUDY
    bounded: dict[str, SavedObject] = {}
    for obj in sorted(objects, key=lambda o: o.sop_instance_uid not in own):
        kept = obj.marks[: max(room, 0)]
        room -= len(kept)
        if len(kept) < len(obj.marks):
            left = NotShown(
                f"{len(obj.marks) - len(kept)} mark(s)",
                f"too many in the study (more than {MAX_MARKS_PER_STUDY})",
                Why.TOO_MANY,
            )
            obj = replace(obj, marks=kept, not_shown=(*obj.not_shown, left))
        bounded[obj.sop_instance_uid] = obj
    return [bounded[o.sop_instance_uid] for o in objects]


def _size(part: BinaryIO) -> int:
    part.seek(0, io.SEEK_END)
    size = part.tell()
    part.seek(0)
    return size


def saved_objects(
    dicomweb: DicomWebClient,
    study_uid: str,
    pending: Sequence[bytes] = (),
    cancel: threading.Event | None = None,
    own: Collection[str] = (),
) -> tuple[list[SavedObject], list[str]]:
    """The study's SR, KOS and GSPS objects as read, oldest series first, plus her
    ``pending`` objects not yet on the platform (a platform copy wins over the local one).
    Reading is bounded: frames only those the study's images have, an object of more than
    MAX_OBJECT_BYTES is not read, at most MAX_MARKS_PER_STUDY marks in all (those of the
    objects in ``own``, her SOP Instance UIDs, first). Returns (objects, problems): an
    object that cannot be fetched or read is a problem line, never an exception. Raises
    PlatformError when the study cannot be searched."""
    datasets: dict[str, Dataset] = {}
    problems: list[str] = []
    for series in dicomweb.search_series(study_uid):
        if _value(series, _MODALITY) not in ANNOTATION_MODALITIES:
            continue
        series_uid = _value(series, _SERIES_UID)

        def sink(part: BinaryIO) -> str:
            if _size(part) > MAX_OBJECT_BYTES:
                problems.append(
                    f"an object was not read: larger than {MAX_OBJECT_BYTES // 2**20} MiB"
                )
                return ""
            try:
                ds = dcmread(part)
            except (InvalidDicomError, ValueError, EOFError, OSError, RecursionError) as exc:
                problems.append(f"an object could not be read ({type(exc).__name__})")
                return ""
            uid = str(ds.get("SOPInstanceUID", ""))
            datasets[uid] = ds
            return uid

        try:
            path = uid_path(("studies", study_uid), ("series", series_uid))
            dicomweb.retrieve(path, sink, cancel)
        except PlatformError as exc:
            problems.append(f"a saved series could not be fetched ({exc.kind.value})")
    for data in pending:
        try:
            local = dcmread(io.BytesIO(data))
        except (InvalidDicomError, ValueError, EOFError, OSError, RecursionError):
            continue
        datasets.setdefault(str(local.get("SOPInstanceUID", "")), local)
    frame_counts = _frame_counts(dicomweb, study_uid, problems) if datasets else {}
    objects = []
    for found in datasets.values():
        if object_kind(found) is None:
            continue
        try:
            objects.append(read_object(found, frame_counts))
        except Exception as exc:  # someone else's object must never stop the viewer
            log.info("annotation object not read: %s", type(exc).__name__)
            problems.append(f"an object could not be read ({type(exc).__name__})")
    objects.sort(key=lambda o: o.created)
    return _within_study_bound(objects, own), problems
