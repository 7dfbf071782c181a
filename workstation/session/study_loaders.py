"""Where a result's images are read from: the platform (FHIR ImagingStudy + DICOMweb) for
its own results, the disc or PACS a study was added from for the others. The reading pane
asks ``StudyLoaders.for_result`` and then does the same for every study: its series in the
strip with thumbnails, any series in any cell, a prior beside it, the cache, the prefetch.

A loader's methods run on worker threads; they block and take a ``cancel`` event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from workstation.dicomweb.priority import SlicePriority
from workstation.http import PlatformError
from workstation.imaging.cache import SeriesCache
from workstation.imaging.thumbnail import render_thumbnail
from workstation.model import ImagingStudyRef, Result, SeriesRef
from workstation.services import Connection, LoadedImage, load_cached, load_series_cached
from workstation.sources.base import SourceError, SourceKind, SourceStudy, StudySource
from workstation.sources.pacs import PacsSource

OnImage = Callable[[LoadedImage], None]


class StudyLoader(Protocol):
    """One result's study: its series, their images, their thumbnails."""

    @property
    def saves_annotations(self) -> bool:
        """True when her marks are saved to where the study lives (the platform's
        DICOMweb); a disc's or PACS's study keeps them for the session and the summary."""
        ...

    def open_study(self, cancel: threading.Event | None = None) -> ImagingStudyRef:
        """The study with its series and instances. Raises PlatformError or SourceError
        when the source cannot say, Cancelled."""
        ...

    def load_series(
        self,
        study: ImagingStudyRef,
        series: SeriesRef,
        on_image: OnImage,
        cancel: threading.Event | None,
        cache: SeriesCache,
        priority: SlicePriority | None = None,
    ) -> int:
        """Read and decode ``series`` through ``cache``, handing each image to
        ``on_image`` as it is decoded (``priority``: the order around the slice on
        screen, where the source can follow it). Returns the count. Raises PlatformError
        or SourceError, Cancelled."""
        ...

    def thumbnail(
        self, study: ImagingStudyRef, series: SeriesRef, cancel: threading.Event | None = None
    ) -> bytes | None:
        """A small picture of the series (PNG or JPEG bytes), or None when there is none
        to be had (the strip then keeps its caption alone). Never raises for a missing
        thumbnail; Cancelled when cancelled."""
        ...


@dataclass(frozen=True)
class PlatformStudyLoader:
    """A platform's study: FHIR ImagingStudy, then DICOMweb for images and thumbnails."""

    connection: Connection
    study_id: str

    @property
    def saves_annotations(self) -> bool:
        """Marks go to the platform as DICOM objects."""
        return True

    def open_study(self, cancel: threading.Event | None = None) -> ImagingStudyRef:
        """The platform's ImagingStudy. Raises PlatformError."""
        return self.connection.platform.imaging_study(self.study_id)

    def load_series(
        self,
        study: ImagingStudyRef,
        series: SeriesRef,
        on_image: OnImage,
        cancel: threading.Event | None,
        cache: SeriesCache,
        priority: SlicePriority | None = None,
    ) -> int:
        """WADO-RS through the cache (``services.load_series_cached``)."""
        client = self.connection.dicomweb(study.dicomweb_url)
        return load_series_cached(client, study, series, on_image, cancel, cache, priority)

    def thumbnail(
        self, study: ImagingStudyRef, series: SeriesRef, cancel: threading.Event | None = None
    ) -> bytes | None:
        """The server's rendered thumbnail; None from a server without them."""
        try:
            return self.connection.dicomweb(study.dicomweb_url).thumbnail(
                study.study_uid, series.uid
            )
        except PlatformError:
            return None


class SourceStudyLoader:
    """A study added from a disc or a PACS: its series as the disc lists them (a PACS is
    asked for them once, C-FIND SERIES and IMAGE), images read or retrieved through the
    source (every instance checked against the study and patient there), thumbnails drawn
    here from each series' middle instance."""

    def __init__(self, source: StudySource, study: SourceStudy, result_id: str) -> None:
        self.source = source
        self.result_id = result_id
        self._study = study
        self._lock = threading.Lock()

    @property
    def study(self) -> SourceStudy:
        """The study as its source lists it (with its series once they are known)."""
        with self._lock:
            return self._study

    @property
    def saves_annotations(self) -> bool:
        """A disc or PACS study is not on the platform: marks stay in the session."""
        return False

    def open_study(self, cancel: threading.Event | None = None) -> ImagingStudyRef:
        """The study with its series (asked of a PACS on first use). Raises SourceError,
        Cancelled."""
        study = self.study
        if not study.series and isinstance(self.source, PacsSource):
            series = self.source.study_series(study, cancel)
            study = replace(study, series=series)
            with self._lock:
                self._study = study
        return ImagingStudyRef(
            id=self.result_id,
            study_uid=study.study_uid,
            started=study.started,
            description=study.description,
            dicomweb_url="",
            series=study.series,
        )

    def load_series(
        self,
        study: ImagingStudyRef,
        series: SeriesRef,
        on_image: OnImage,
        cancel: threading.Event | None,
        cache: SeriesCache,
        priority: SlicePriority | None = None,
    ) -> int:
        """The source's ``load_series`` through the cache (a disc is read file after file
        in the order of ``priority``; a PACS sends the series in one retrieval)."""
        source_study = self.study
        return load_cached(
            cache,
            study.study_uid,
            series,
            lambda keep: self.source.load_series(source_study, series, keep, cancel, priority),
            on_image,
            cancel,
        )

    def thumbnail(
        self, study: ImagingStudyRef, series: SeriesRef, cancel: threading.Event | None = None
    ) -> bytes | None:
        """The middle instance read alone and drawn small; None when it cannot be."""
        if not series.instances:
            return None
        middle = series.instances[len(series.instances) // 2]
        images: list[LoadedImage] = []
        try:
            self.source.load_instance(self.study, series, middle, images.append, cancel)
        except SourceError:
            return None
        image = next((i.image for i in images if i.image is not None), None)
        if image is None:
            return None
        try:
            return render_thumbnail(image)
        except ValueError:
            return None


def series_to_compare(series: tuple[SeriesRef, ...], current: SeriesRef | None) -> int:
    """Which of a prior's ``series`` to show beside ``current`` (the series she reads):
    of those of its modality, one with the same description, else the one with the most
    images (an axial stack rather than its scout or a single reformat), the earliest on
    a tie; the first series when none shares the modality. Raises ValueError for no
    ``series``."""
    if not series:
        raise ValueError("the prior has no series")
    if current is None:
        return 0
    same = [i for i, s in enumerate(series) if s.modality == current.modality]
    if not same:
        return 0
    described = [
        i for i in same if current.description and series[i].description == current.description
    ]
    if described:
        return described[0]
    return max(same, key=lambda i: (len(series[i].instances), -i))


class StudyLoaders:
    """The open patient's studies added from a disc or PACS (result id → its loader);
    everything else is read from the platform she is signed in to."""

    def __init__(self) -> None:
        self._added: dict[str, SourceStudyLoader] = {}

    def add(self, result: Result, source: StudySource, study: SourceStudy) -> None:
        """``result`` (made by ``sources.base.study_result``) is ``study`` of ``source``."""
        self._added[result.id] = SourceStudyLoader(source, study, result.id)

    def added(self, result_id: str) -> SourceStudyLoader | None:
        """The loader of a study added from a disc or PACS, None for a platform's."""
        return self._added.get(result_id)

    def added_kind(self, result_id: str) -> SourceKind | None:
        """DISC or DICOM for a study added from one, None for a platform's."""
        loader = self._added.get(result_id)
        return loader.source.kind if loader is not None else None

    def __len__(self) -> int:
        return len(self._added)

    def __contains__(self, result_id: object) -> bool:
        return result_id in self._added

    def for_result(self, result: Result, connection: Connection | None) -> StudyLoader | None:
        """Where ``result``'s images are read from; None when it has none (or there is
        no connection for a platform's)."""
        added = self._added.get(result.id)
        if added is not None:
            return added
        if connection is None or not result.imaging_study_ids:
            return None
        return PlatformStudyLoader(connection, result.imaging_study_ids[0])

    def forget(self) -> None:
        """The patient was closed: her added studies go with her."""
        self._added = {}
