"""The reading pane: the selected result's series in a grid of cells, a prior study beside
them, the thumbnail strip, and the downloads behind them (through the bounded series cache,
with the study's other series fetched ahead)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.annotation_list import AnnotationList
from ui.messages import describe
from ui.reading_grid import ReadingGrid
from ui.reading_theme import READING_THEME, dark_popup
from ui.series_strip import SeriesStrip
from ui.study_annotations import StudyAnnotationsPart
from ui.workers import Task, TaskRunner
from workstation.annotations.model import Rendering
from workstation.dicomweb.priority import SlicePriority
from workstation.imaging.cache import SeriesCache, default_budget_bytes
from workstation.imaging.display import state_inverts
from workstation.imaging.marks import MarkStore
from workstation.imaging.presets import WindowPreset
from workstation.model import ImagingStudyRef, Result, SeriesRef
from workstation.services import Connection, LoadedImage, series_priority
from workstation.session.lanes import Lane
from workstation.session.scope import Scope
from workstation.session.study_loaders import StudyLoader, StudyLoaders, series_to_compare
from workstation.session.timeline_sources import RowSource
from workstation.summary.model import KeyImage

log = logging.getLogger("ui.images")


def _fetch_series(
    loader: StudyLoader,
    study: ImagingStudyRef,
    series_index: int,
    cache: SeriesCache,
    priority: SlicePriority | None = None,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    return loader.load_series(study, study.series[series_index], report, cancel, cache, priority)


@dataclass(frozen=True)
class _Expecting:
    """Reported by a cell's download before its images: the series it fetches, and the order
    it fetches them in (which follows her in that cell)."""

    series: SeriesRef
    priority: SlicePriority


def _fetch_following(
    loader: StudyLoader,
    study: ImagingStudyRef,
    series_index: int,
    cache: SeriesCache,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    """A cell's download that follows her: its series and order reported first
    (``_Expecting``), then the images in that order."""
    priority = series_priority(study.series[series_index])
    report(_Expecting(study.series[series_index], priority))
    return _fetch_series(loader, study, series_index, cache, priority, report=report, cancel=cancel)


class StudyImages(QWidget):
    """Emits ``busy_changed(bool, str)``, ``failed(error, retry)``, ``key_image_kept(KeyImage)``,
    ``needs_room()`` (a second cell opened) and ``enlarge_toggled(bool)``."""

    busy_changed = Signal(bool, str)
    failed = Signal(object, object)
    key_image_kept = Signal(object)
    needs_room = Signal()
    enlarge_toggled = Signal(bool)
    prior_shown = Signal(object)  # Result: a prior she opened beside the current study

    def __init__(
        self,
        runner: TaskRunner,
        series_cache: SeriesCache | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("readingPane")
        self.setStyleSheet(READING_THEME)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.runner = runner
        self.connection: Connection | None = None
        # where each result's images are read from: the platform, or the disc or PACS a
        # study was added from (the same reading pane for both)
        self.loaders = StudyLoaders()
        self._loader: StudyLoader | None = None  # the current study's
        # Decoded series recently opened (bounded): going back to one is instant.
        self.series_cache = series_cache or SeriesCache(default_budget_bytes())
        # The study's other series are fetched into the cache on the background lane (never
        # ahead of what she waits for), so that the next click on the strip is instant; a
        # runner of their own keeps them out of the main runner's "busy".
        self.prefetcher = TaskRunner(runner.lanes, parent=self)
        self._prefetch_task: Task | None = None
        self.study: ImagingStudyRef | None = None
        self._image_result: Result | None = None
        # The study on screen is a scope; each cell's download is a scope inside it. Closing
        # one drops whatever of its work is still queued: images of a replaced download (or
        # of another patient's study) never reach a cell.
        self._study_scope = Scope("no study")
        self._study_scope.close()
        self._cell_scopes: dict[int, Scope] = {}
        self.grid = ReadingGrid()
        self.grid.series_dropped.connect(self._series_into_cell)
        self.grid.layout_changed.connect(self._fill_new_cells)
        # cell 1 shows the current result's series; cell 2 is where a prior study opens
        self.viewer, self.compare_viewer = self.grid.cells[0], self.grid.cells[1]
        # Each cell's download fetches around the slice she looks at there (Qt-free model).
        self._priorities: dict[int, SlicePriority] = {}
        for index, cell in enumerate(self.grid.cells):
            cell.index_changed.connect(lambda _n, i=index: self._cell_moved(i))
            cell.key_image_marked.connect(
                lambda png, caption, mm, i=index: self._key_image(i, png, caption, mm)
            )
        self._cell_results: dict[int, Result] = {}  # cells 2… → the result they show
        # the source a result's corner names (None: one source alone, none named); the page
        # gives the timeline's rule, so the corner says what the result's row says
        self.source_of: Callable[[Result], RowSource | None] = lambda _result: None
        self.mark_stores: dict[str, MarkStore] = {}
        # her marks and key images saved as DICOM, and the study's saved objects shown again
        self.annotations = StudyAnnotationsPart(
            runner,
            lambda rid: self.mark_stores.setdefault(rid, MarkStore()),
            lambda: self.grid.cells,
            self._rendering,
            self,
        )
        for cell in self.grid.cells:
            cell.set_saved_marks(self.annotations.saved_marks_on)
        # her key images from the saved selection go to the summary like those she grabs
        self.annotations.key_image_drawn.connect(
            lambda rid, png, caption, mm: self.key_image_kept.emit(KeyImage(rid, png, caption, mm))
        )
        self.annotation_list = AnnotationList(
            self.annotations.model, locate=self.annotations.image_numbers
        )
        self.annotation_list.images_chosen.connect(self.annotations.show_image)
        self.annotations.images_changed.connect(self.annotation_list.update_texts)
        self.annotation_list.setMaximumHeight(130)
        self.annotation_list.hide()
        self.annotations_button = QToolButton()
        self.annotations_button.setObjectName("annotationsButton")
        self.annotations_button.setText(self.tr("Saved annotations"))
        self.annotations_button.setCheckable(True)
        self.annotations_button.setToolTip(
            self.tr("The study's saved measurements, key images and presentation states")
        )
        self.annotations_button.toggled.connect(self.annotation_list.setVisible)
        self.save_marks_button = QPushButton(self.tr("Save marks"))
        self.save_marks_button.setObjectName("saveMarks")
        self.save_marks_button.setToolTip(
            self.tr("Save your marks and key images of this study to the platform (DICOM SR/KOS)")
        )
        self.save_marks_button.clicked.connect(self.save_marks)
        self._cell_series: dict[int, str] = {}  # cell → series UID shown (current study)
        self.series_box = dark_popup(QComboBox())
        self.series_box.setObjectName("seriesBox")
        self.series_box.activated.connect(self._series_chosen)
        self.strip = SeriesStrip()
        self.strip.series_chosen.connect(self._strip_chosen)
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.cancel_button.clicked.connect(self.cancel_series)
        self.cancel_button.hide()
        self.compare_box = dark_popup(QComboBox())
        self.compare_box.setObjectName("compareBox")
        self.compare_box.setToolTip(self.tr("Show a prior study beside this one"))
        self.compare_box.activated.connect(self._compare_chosen)
        self.enlarge_button = QToolButton()
        self.enlarge_button.setObjectName("enlargeImages")
        self.enlarge_button.setText(self.tr("Enlarge"))
        self.enlarge_button.setCheckable(True)
        self.enlarge_button.setToolTip(
            self.tr("Hide the timeline and the lab values to give the images the room")
        )
        self.enlarge_button.toggled.connect(self.enlarge_toggled)

        series_bar = QHBoxLayout()
        series_bar.addWidget(QLabel(self.tr("Series")))
        series_bar.addWidget(self.series_box, 1)
        series_bar.addWidget(self.cancel_button)
        series_bar.addWidget(self.annotations_button)
        series_bar.addWidget(self.save_marks_button)
        compare_bar = QHBoxLayout()
        compare_bar.addWidget(QLabel(self.tr("Compare with")))
        compare_bar.addWidget(self.compare_box, 1)
        compare_bar.addLayout(self.grid.sync_bar)
        compare_bar.addWidget(self.enlarge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(series_bar)
        layout.addWidget(self.strip)
        layout.addWidget(self.annotation_list)
        layout.addLayout(compare_bar)
        layout.addWidget(self.grid, 1)

    # --- what to show ------------------------------------------------------------------------
    def show_study(
        self, result: Result, priors: Sequence[tuple[str, Result]], scope: Scope
    ) -> None:
        """Load the result's imaging study (first series in the first cell; a larger layout
        fills its other cells); ``priors`` (label, result) fill the comparison menu. The
        study's work belongs to ``scope`` (the result's): when it closes, all of it stops.
        Every cell is emptied first: nothing of the previous study (a prior in the second
        cell, a series in a grid cell) stays beside the new one."""
        loader = self.loaders.for_result(result, self.connection)
        if loader is None:
            return
        self._close_study()
        self._loader = loader
        self.annotations.connection = self.connection
        study_scope = self._study_scope = scope.open("study")
        self._image_result = result
        self.compare_box.clear()
        self.compare_box.addItem(self.tr("— none —"), None)
        for label, prior in priors:
            self.compare_box.addItem(label, prior)
        self.viewer.clear(self.tr("Loading images…"))
        self.runner.start(
            lambda *, report, cancel: loader.open_study(cancel),
            wants_control=True,
            scope=study_scope,
            on_result=self._study_arrived,
            on_error=lambda exc: self._image_failed(
                exc, lambda: self.show_study(result, priors, scope)
            ),
        )

    def _close_study(self) -> None:
        """Stop all work of the study on screen and empty every cell."""
        self.stop_prefetch()
        self._study_scope.close()
        self._cell_scopes = {}
        self.cancel_button.hide()
        for cell in self.grid.cells:
            cell.clear()
        self._cell_series = {}
        self._cell_results = {}
        self.series_box.clear()
        self.strip.clear()
        self.study = None
        self._loader = None

    def show_no_study(self) -> None:
        """A result without images is selected (a lab): nothing of the last study stays on
        screen beside it; the cells say why they are empty and the grid is back to one
        cell (marks stay with their results)."""
        self._close_study()
        self._image_result = None
        self.compare_box.clear()
        self.grid.slice_sync.clear()
        self.grid.set_layout(1, 1)
        self.viewer.show_message(self.tr("This result has no images."))

    def forget(self) -> None:
        """Stop every download and empty every cell (leaving the patient, signing out)."""
        self.enlarge_button.setChecked(False)
        self._close_study()
        self.mark_stores = {}
        self.annotations.forget()
        self.grid.clear()
        self._image_result = None
        self.compare_box.clear()

    def name_sources(self) -> None:
        """Each cell's corner names the source of the result it shows, again (a second
        source joined the patient's results, or the last but one left)."""
        if self._image_result is not None:
            self.viewer.view_state.source = self.source_of(self._image_result)
        for index, result in self._cell_results.items():
            self.grid.cells[index].view_state.source = self.source_of(result)

    def _study_arrived(self, study: Any) -> None:
        self.study = study
        loader = self._loader
        if self._image_result is not None and loader is not None:
            if loader.saves_annotations:
                self.annotations.study_opened(self._image_result.id, study, self._study_scope)
            else:
                self.annotations.study_kept_here(self._image_result.id)
            self._offer_saving(loader.saves_annotations)
        self.series_box.clear()
        for series in study.series:
            self.series_box.addItem(
                f"{series.number}  {series.modality}  {series.description}  "
                f"({len(series.instances)})",
                series.uid,
            )
        self.strip.set_series(
            [
                # two lines under the icon: a third was cut off with the description
                f"{s.number} {s.modality} ({len(s.instances)})\n{s.description[:14]}"
                for s in study.series
            ]
        )
        if loader is not None:

            def thumbnails(*, report: Callable[[Any], None], cancel: threading.Event) -> None:
                for index, series in enumerate(study.series):
                    if cancel.is_set():
                        return
                    picture = loader.thumbnail(study, series, cancel)
                    if picture is not None:  # none to be had: the caption stays alone
                        report((index, picture))

            self.runner.start(
                thumbnails,
                wants_control=True,
                scope=self._study_scope,
                lane=Lane.BACKGROUND,
                on_progress=lambda pair: self.strip.set_thumbnail(*pair),
            )
        if study.series:
            self._load_series(0)
            self._fill_new_cells(len(self.grid.visible_cells()))
        else:
            self.viewer.clear(self.tr("This study has no images."))

    def _offer_saving(self, possible: bool) -> None:
        """ "Save marks" only where the study lives on the platform; the tooltip says why
        not for a disc's or PACS's study."""
        self.save_marks_button.setEnabled(possible)
        self.save_marks_button.setToolTip(
            self.tr("Save your marks and key images of this study to the platform (DICOM SR/KOS)")
            if possible
            else self.tr(
                "This study is from a disc or PACS, not on the platform: your marks stay in "
                "this session and its key images go into the printed summary"
            )
        )

    def _strip_chosen(self, index: int) -> None:
        """A click on the strip shows the series in the active cell."""
        if self.grid.active == 0:
            self.series_box.setCurrentIndex(index)
            self._load_series(index)
        else:
            self._series_into_cell(self.grid.active, index)

    def _series_into_cell(self, cell_index: int, series_index: int) -> None:
        """A series of the current study into one cell (dropped there, or the layout grew)."""
        if cell_index == 0:
            self.series_box.setCurrentIndex(series_index)
            self._load_series(series_index)
            return
        if self._loader is None or self.study is None or self._image_result is None:
            return
        study, loader = self.study, self._loader
        series = study.series[series_index]
        self._cell_series[cell_index] = series.uid
        cache = self.series_cache

        def fetch(*, report: Callable[[Any], None], cancel: threading.Event) -> int:
            return _fetch_following(loader, study, series_index, cache, report, cancel)

        # The download starts first, so a layout that grows for it does not fill this cell.
        self._load_into_cell(cell_index, self._image_result, fetch)
        self.grid.ensure_cells(cell_index + 1)

    def _load_into_cell(self, cell_index: int, result: Result, fetch: Callable[..., int]) -> None:
        """Download into a cell other than the first; its marks belong to ``result``."""
        cell = self.grid.cells[cell_index]
        scope = self._open_cell(cell_index)
        cell.clear(self.tr("Loading images…"))
        cell.set_mark_store(self.mark_stores.setdefault(result.id, MarkStore()))
        cell.view_state.source = self.source_of(result)
        self._cell_results[cell_index] = result

        def arrived(news: LoadedImage | _Expecting) -> None:
            if isinstance(news, _Expecting):  # the series is known: all its places at once
                cell.expect_instances((i.sop_instance_uid, i.number) for i in news.series.instances)
                self._priorities[cell_index] = news.priority
                self._cell_moved(cell_index)  # already moved with another cell: start there
                self.grid.show_sync_texts()  # "not synced while loading"
            elif news.image is not None:
                self.annotations.image_arrived(result.id, news.image)
                cell.add_image(news.image)

        def done(_count: Any) -> None:
            self._priorities.pop(cell_index, None)
            cell.finish_loading()  # the places of instances that failed to decode go
            self.grid.stack_complete(cell_index)

        def failed(error: Exception) -> None:
            self._priorities.pop(cell_index, None)
            cell.finish_loading()
            cell.show_message(describe(error))

        self.runner.start(
            fetch,
            wants_control=True,
            scope=scope,
            on_progress=arrived,
            on_result=done,
            on_error=failed,
        )

    def _open_cell(self, cell_index: int) -> Scope:
        """A new download for a cell: the previous one of that cell stops and whatever of
        it is still queued is dropped."""
        scope = self._study_scope.open(f"cell {cell_index}")
        self._cell_scopes[cell_index] = scope
        return scope

    def _stop_cell(self, cell_index: int) -> None:
        """Cancel a cell's download and drop whatever of it is still queued."""
        self._priorities.pop(cell_index, None)
        scope = self._cell_scopes.pop(cell_index, None)
        if scope is not None:
            scope.close()

    def _cell_loading(self, cell_index: int) -> bool:
        scope = self._cell_scopes.get(cell_index)
        return scope is not None and not scope.closed

    def _fill_new_cells(self, count: int) -> None:
        """Cells a larger layout adds show the study's next series not yet on screen."""
        if self.study is None or self._image_result is None:
            return
        shown = set(self._cell_series.values())
        if 0 <= self.series_box.currentIndex() < len(self.study.series):
            shown.add(self.study.series[self.series_box.currentIndex()].uid)
        waiting = [i for i, s in enumerate(self.study.series) if s.uid not in shown]
        for cell_index in range(1, count):
            if not waiting:
                break
            if not self.grid.cells[cell_index].slices and not self._cell_loading(cell_index):
                self._series_into_cell(cell_index, waiting.pop(0))

    def _compare_chosen(self, index: int) -> None:
        """A prior study (another result) into the second cell, beside the current one."""
        result = self.compare_box.itemData(index)
        loader = self.loaders.for_result(result, self.connection) if result is not None else None
        if result is None or loader is None:
            self.compare_viewer.clear()
            self._cell_series.pop(1, None)
            if self.grid.shape == (1, 2):  # the comparison's two cells: back to one
                self.grid.set_layout(1, 1)
            return
        self._cell_series.pop(1, None)
        current = self._current_series()

        def load(*, report: Callable[[Any], None], cancel: threading.Event) -> int:
            study = loader.open_study(cancel)
            if not study.series:
                return 0
            index = series_to_compare(study.series, current)
            return _fetch_following(loader, study, index, self.series_cache, report, cancel)

        self._load_into_cell(1, result, load)  # first, so the second cell is not filled
        self.grid.ensure_cells(2)
        self.needs_room.emit()
        self.prior_shown.emit(result)

    def set_window_presets(self, presets: tuple[WindowPreset, ...]) -> None:
        """The user's window/level presets, offered in every cell."""
        self.grid.set_window_presets(presets)

    def _series_chosen(self, index: int) -> None:
        self._load_series(index)

    def _current_series(self) -> SeriesRef | None:
        """The current study's series in the first cell, if any."""
        index = self.series_box.currentIndex()
        if self.study is None or not 0 <= index < len(self.study.series):
            return None
        return self.study.series[index]

    def _load_series(self, index: int) -> None:
        if self._loader is None or self.study is None:
            return
        self.cancel_series()
        series = self.study.series[index]
        self.viewer.clear(self.tr("Loading images…"))
        # the whole series' length at once: she can scroll to a slice before it arrives
        self.viewer.expect_instances((i.sop_instance_uid, i.number) for i in series.instances)
        if self._image_result is not None:
            store = self.mark_stores.setdefault(self._image_result.id, MarkStore())
            self.viewer.set_mark_store(store)
            self.viewer.view_state.source = self.source_of(self._image_result)
        self.cancel_button.show()
        self.busy_changed.emit(True, self.tr("Downloading images…"))
        priority = self._priorities[0] = series_priority(series)
        self.runner.start(
            _fetch_series,
            self._loader,
            self.study,
            index,
            self.series_cache,
            priority,
            wants_control=True,
            scope=self._open_cell(0),
            on_progress=self._image_arrived,
            on_result=self._series_done,
            on_error=lambda exc: self._image_failed(
                exc, lambda: self._load_series(max(self.series_box.currentIndex(), 0))
            ),
        )

    def download_order(self, cell_index: int) -> SlicePriority | None:
        """The order a cell's running download follows (None when it has none)."""
        return self._priorities.get(cell_index)

    def _cell_moved(self, cell_index: int) -> None:
        """She moved in a cell (or it followed another): its download fetches around that
        slice next."""
        uid = self.grid.cells[cell_index].entry_uid()  # arrived or waiting: it comes next
        priority = self._priorities.get(cell_index)
        if priority is not None and uid is not None:
            priority.focus_on(uid)

    def _image_arrived(self, loaded: LoadedImage) -> None:
        if loaded.image is not None:
            if self._image_result is not None:
                self.annotations.image_arrived(self._image_result.id, loaded.image)
            self.viewer.add_image(loaded.image)
        elif not self.viewer.loaded_images:
            self.viewer.show_message(
                self.tr("This image cannot be shown: %1").replace("%1", loaded.error)
            )

    def _series_done(self, _count: Any) -> None:
        self.viewer.finish_loading()  # the places of instances that failed to decode go
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")
        self.viewer._update_text()
        self.grid.stack_complete(0)
        self._prefetch_study()

    def _prefetch_study(self) -> None:
        """Fetch the study's series not yet in memory into the cache, in the background;
        stops when another result is chosen. Failures only cost the head start."""
        self.stop_prefetch()
        if self._loader is None or self.study is None:
            return
        study, loader, cache = self.study, self._loader, self.series_cache
        waiting = [s for s in study.series if (study.study_uid, s.uid) not in cache]
        if not waiting:
            return

        def prefetch(*, report: Callable[[Any], None], cancel: threading.Event) -> int:
            done = 0
            for series in waiting:
                if cancel.is_set():
                    break
                loader.load_series(study, series, lambda _image: None, cancel, cache)
                done += 1
            return done

        self._prefetch_task = self.prefetcher.start(
            prefetch,
            wants_control=True,
            scope=self._study_scope,
            lane=Lane.BACKGROUND,
            on_error=lambda exc: log.info("prefetch stopped: %s", exc),
        )

    def stop_prefetch(self) -> None:
        """Cancel the background fetch of the study's other series."""
        if self._prefetch_task is not None:
            self._prefetch_task.cancel.set()
            self._prefetch_task = None

    def _image_failed(self, error: Exception, retry: Callable[[], None]) -> None:
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")
        self.viewer.finish_loading()
        if not self.viewer.loaded_images:
            self.viewer.show_message(describe(error))
        self.failed.emit(error, retry)

    def cancel_series(self) -> None:
        """Stop a running image download (what arrived stays on screen)."""
        self._stop_cell(0)
        self.viewer.finish_loading()  # nothing fills the waiting places now
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")

    def _key_image(self, cell: int, png: bytes, caption: str, mm_per_pixel: object) -> None:
        """A key image belongs to the result its cell shows (a prior study's to the prior)."""
        result = self._image_result if cell == 0 else self._cell_results.get(cell)
        if result is None:
            return
        self.annotations.key_image(result.id, self.grid.cells[cell].slice_key())
        spacing = float(mm_per_pixel) if isinstance(mm_per_pixel, float) else None
        # the viewer's caption is the printed one: window and marks, never the cursor
        self.key_image_kept.emit(KeyImage(result.id, png, caption, spacing))

    def _rendering(self, result_id: str) -> Rendering | None:
        """The window she reads ``result_id``'s images with, in the first cell showing them
        (None when none does, or its image is in colour)."""
        cells = [0] if self._image_result and self._image_result.id == result_id else []
        cells += [i for i, r in self._cell_results.items() if r.id == result_id]
        for index in cells:
            cell = self.grid.cells[index]
            current, window = cell.current(), cell.effective_window()
            if current is None or window is None or current.image.is_color:
                continue
            image = current.image
            steps = cell.view_state.state_on(image.sop_instance_uid)[0]
            shown_inverse = state_inverts(image, steps) != cell.inverted
            return Rendering(
                (window.center, window.width),
                (image.rescale_slope, image.rescale_intercept),
                image.modality,
                shown_inverse,
            )
        return None

    def save_marks(self) -> None:
        """ "Save marks": her marks and key images of the results on screen that changed
        since they were last saved go into the outbox as DICOM objects."""
        results = [r for r in (self._image_result, *self._cell_results.values()) if r]
        changed = [
            r for r in dict.fromkeys(r.id for r in results) if self.annotations.has_changes(r)
        ]
        if not changed:
            self.annotations.message.emit(self.tr("No new marks or key images to save."))
        for result_id in changed:
            self.annotations.save(result_id)
