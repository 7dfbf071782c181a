"""What every source of a patient's history is, besides a results platform: a typed study
list (a PACS over DICOM networking, a disc), and how its studies join the timeline.

A platform is a ``records.platform.ResultsPlatform`` (reports, labs, decisions). A PACS or
a disc knows only DICOM studies: ``StudySource`` lists them with the patient facts their
DICOM carries, and ``study_result`` turns one into the timeline's ``Result`` so that the
timeline, the viewer and the summary need no second kind of row. Their images are loaded
through ``SeriesLoader``, handing ``services.LoadedImage`` values to the same callback the
DICOMweb path uses.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from workstation.dicomweb.priority import SlicePriority
from workstation.model import Category, InstanceRef, Patient, Result, SeriesRef

if TYPE_CHECKING:
    from workstation.services import LoadedImage

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
Progress = Callable[[int, int | None], None]
"""Called with (items done, items in all or None while unknown)."""


class SourceKind(Enum):
    """How a source is reached."""

    FHIR = "fhir"  # a results platform: FHIR R4 + DICOMweb + OAuth2
    DICOM = "dicom"  # a PACS over DICOM networking (C-FIND, C-GET)
    DISC = "disc"  # the patient's disc or USB stick (DICOMDIR or a folder of files)


class SourceError(Exception):
    """A source could not answer (unreachable, refused, unreadable). The message is plain
    words without patient data."""


class Cancelled(Exception):
    """The caller cancelled the work."""


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise Cancelled when ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled


@dataclass(frozen=True)
class SourceStudy:
    """One imaging study as a PACS or a disc lists it, with the patient its DICOM names.

    ``patient.id`` is the study's Patient ID (a hospital number, rarely a 身份证 number);
    ``patient.id_card`` is a valid 身份证 number found in Patient ID or Other Patient IDs.
    """

    source: str
    patient: Patient
    study_uid: str
    started: dt.datetime | None
    description: str
    modalities: tuple[str, ...]
    institution: str
    accession: str = ""
    series: tuple[SeriesRef, ...] = ()
    instance_count: int = 0

    @property
    def instances(self) -> int:
        """Instances in the study: the listed ones, else the count the source reported."""
        listed = sum(len(s.instances) for s in self.series)
        return listed or self.instance_count


def study_result(study: SourceStudy, patient_id: str = "") -> Result:
    """The timeline row of a study from a PACS or a disc: an imaging result without an HR
    mark (a disc carries none unless its DICOM says so) whose id names source and study.
    ``patient_id`` is the open patient's id on the decision authority (decisions on the
    row are recorded for her there); the study's own Patient ID when not given.

    ``effective`` is the study's date and time taken as China Standard Time (noon when
    only the day is known), or the epoch when the study has no date at all, so it sorts
    last rather than disappearing."""
    started = study.started or dt.datetime(1970, 1, 1)
    if started.tzinfo is None:
        started = started.replace(tzinfo=CHINA)  # DICOM dates carry no zone: local time
    return Result(
        id=result_id(study.source, study.study_uid),
        patient_id=patient_id or study.patient.id,
        category=Category.IMAGING,
        item_code="",
        item_name=study.description or "/".join(study.modalities),
        hospital_id=study.institution,
        effective=started,
        modality=study.modalities[0] if study.modalities else "",
        imaging_study_ids=(study.study_uid,),
        source=study.source,
    )


def result_id(source: str, study_uid: str) -> str:
    """The timeline id of a source's study (never collides with a platform's FHIR ids,
    which have no ``:``)."""
    return f"{source}:{study_uid}"


def series_ref(
    uid: str, number: int, modality: str, description: str, sops: list[InstanceRef]
) -> SeriesRef:
    """A SeriesRef with its instances ordered by instance number."""
    return SeriesRef(uid, number, modality, description, tuple(sorted(sops, key=_number)))


def _number(ref: InstanceRef) -> tuple[int, str]:
    return ref.number, ref.sop_instance_uid


class StudySource(Protocol):
    """A PACS or a disc: its studies for a patient, and their images."""

    @property
    def name(self) -> str:
        """The source's name as configured (shown on timeline rows)."""
        ...

    @property
    def kind(self) -> SourceKind:
        """How it is reached."""
        ...

    def find_studies(
        self,
        *,
        patient_id: str = "",
        name: str = "",
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SourceStudy]:
        """Studies whose Patient ID is ``patient_id`` or whose patient name is ``name``
        (either may be empty; a disc lists everything when both are). Raises SourceError,
        Cancelled."""
        ...

    def load_series(
        self,
        study: SourceStudy,
        series: SeriesRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
        priority: SlicePriority | None = None,
    ) -> int:
        """Fetch and decode a series' images, handing each to ``on_image`` as soon as it is
        decoded; returns the count. ``priority``: the order to read them in where the source
        chooses it (files on a disc; a PACS sends in its own order). Raises SourceError,
        Cancelled."""
        ...

    def load_instance(
        self,
        study: SourceStudy,
        series: SeriesRef,
        instance: InstanceRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
    ) -> int:
        """Fetch and decode one instance of the series (a thumbnail's), checked like
        ``load_series``; returns 1, or 0 when it was refused. Raises SourceError,
        Cancelled."""
        ...


def reading_order(series: SeriesRef, priority: SlicePriority | None) -> Iterator[InstanceRef]:
    """The series' instances in the order ``priority`` hands them out at each moment (the
    slice she looks at next; a jump re-orders at once), else in the listed order."""
    if priority is None:
        yield from series.instances
        return
    by_uid = {ref.sop_instance_uid: ref for ref in series.instances}
    while (uid := priority.take()) is not None:
        ref = by_uid.pop(uid, None)
        if ref is not None:
            yield ref
    yield from by_uid.values()  # any the priority did not list
