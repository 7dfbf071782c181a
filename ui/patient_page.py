"""One patient: the cross-hospital timeline, and beside it the images, the report and the
lab values of what she selects (images and labs of a visit can be seen side by side)."""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.decision_panel import DecisionPanel
from ui.error_banner import ErrorBanner
from ui.lab_table import LabTable
from ui.messages import describe
from ui.reading_grid import ReadingGrid
from ui.series_strip import SeriesStrip
from ui.summary_dialog import SummaryDialog
from ui.timeline import TimelineWidget
from ui.trend_plot import TrendPlot
from ui.workers import Task, TaskRunner
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.cache import SeriesCache, default_budget_bytes
from workstation.imaging.marks import MarkStore
from workstation.imaging.presets import WindowPreset
from workstation.journal import Journal, JournalEntry
from workstation.labs.analytes import AnalyteTable
from workstation.labs.normalize import normalize
from workstation.labs.trends import TrendPoint, age_text_parts, trend_series
from workstation.model import (
    Catalog,
    Category,
    Hospital,
    ImagingStudyRef,
    LabObservation,
    Patient,
    RepeatReason,
    Result,
)
from workstation.recognition.decisions import (
    DecisionError,
    DecisionKind,
    new_decision,
    record_sentence,
)
from workstation.redact import mask_id_card
from workstation.services import Connection, LoadedImage, load_series_cached
from workstation.summary.model import KeyImage, SummaryInput, SummaryItem
from workstation.timeline import same_visit

log = logging.getLogger("ui.patient")


# Dark reading theme around the images (a bright frame distorts perceived grey levels);
# the forms around it stay light.
READING_THEME = """
#readingPane { background: #1e1e1e; }
#readingPane QLabel { color: #e0e0e0; }
#readingPane QPushButton, #readingPane QComboBox, #readingPane QToolButton,
#readingPane QSpinBox {
    background: #333; color: #eee; border: 1px solid #555; padding: 3px 6px; }
#readingPane QPushButton:checked, #readingPane QToolButton:checked { background: #1565c0; }
#readingPane QToolButton:hover, #readingPane QPushButton:hover { border-color: #90caf9; }
#readingPane QCheckBox { color: #e0e0e0; }
#readingPane QListWidget { background: #262626; color: #e0e0e0; border: none; }
"""


@dataclass(frozen=True)
class DecisionContext:
    """Who decides, where decisions are kept, and which catalog applies."""

    journal: Journal
    username: str
    practitioner: str
    catalog_version: str


def _in_force(journal: Journal) -> dict[str, tuple[DecisionKind | None, str]]:
    last: dict[str, tuple[DecisionKind | None, str]] = {}
    for entry in journal.all():
        kind = entry.decision.kind
        last[entry.decision.result_id] = (
            None if kind is DecisionKind.WITHDRAWN else kind,
            entry.decision.id,
        )
    return last


def _fetch_results(
    connection: Connection,
    patient_id: str,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    count = 0
    for page in connection.platform.results(patient_id):
        if cancel.is_set():
            break
        count += len(page.results)
        report(page)
    return count


def _fetch_series(
    connection: Connection,
    study: ImagingStudyRef,
    series_index: int,
    cache: SeriesCache,
    *,
    report: Callable[[Any], None],
    cancel: threading.Event,
) -> int:
    series = study.series[series_index]
    client = connection.dicomweb(study.dicomweb_url)
    return load_series_cached(client, study, series, report, cancel, cache)


class PatientPage(QWidget):
    """Emits ``back_requested`` (to the search page) and ``busy_changed(bool, str)``."""

    back_requested = Signal()
    decision_saved = Signal()
    busy_changed = Signal(bool, str)
    session_expired = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None = None,
        series_cache: SeriesCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        # Decoded series recently opened (bounded): going back to one is instant.
        self.series_cache = series_cache or SeriesCache(default_budget_bytes())
        # The study's other series are fetched into the cache one at a time, on a thread of
        # their own, so that the next click on the strip is instant.
        self.prefetcher = TaskRunner(max_threads=1, parent=self)
        self._prefetch_task: Task | None = None
        self.connection: Connection | None = None
        self.patient: Patient | None = None
        self.study: ImagingStudyRef | None = None
        self._results_task: Task | None = None
        self._series_task: Task | None = None
        self._selection_serial = 0

        self.back_button = QPushButton(self.tr("← Patients"))
        self.back_button.clicked.connect(self.back_requested)
        self.print_button = QPushButton(self.tr("Print summary…"))
        self.print_button.setObjectName("printSummary")
        self.print_button.clicked.connect(self.open_summary)
        self.key_images: dict[str, list[KeyImage]] = {}
        self.viewed: set[str] = set()
        self.summary_header = ("", "", "")  # hospital, department, doctor
        self.header = QLabel()
        self.header.setObjectName("patientHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        self.banner = ErrorBanner()
        self.timeline = TimelineWidget()
        self.timeline.result_selected.connect(self.show_result)
        self.grid = ReadingGrid()
        self.grid.series_dropped.connect(self._series_into_cell)
        self.grid.layout_changed.connect(self._fill_new_cells)
        # cell 1 shows the current result's series; cell 2 is where a prior study opens
        self.viewer, self.compare_viewer = self.grid.cells[0], self.grid.cells[1]
        for index, cell in enumerate(self.grid.cells):
            cell.key_image_marked.connect(
                lambda png, caption, mm, i=index: self._key_image(i, png, caption, mm)
            )
        self._cell_results: dict[int, Result] = {}  # cells 2… → the result they show
        self._cell_generation: dict[int, int] = {}  # which download a cell listens to
        self._claimed_cell = -1
        self._main_generation = 0
        self.mark_stores: dict[str, MarkStore] = {}
        self._cell_tasks: dict[int, Task] = {}
        self._cell_series: dict[int, str] = {}  # cell → series UID shown (current study)
        self._image_result: Result | None = None
        self.series_box = QComboBox()
        self.series_box.setObjectName("seriesBox")
        self.series_box.activated.connect(self._series_chosen)
        self.strip = SeriesStrip()
        self.strip.series_chosen.connect(self._strip_chosen)
        self.cancel_button = QPushButton(self.tr("Cancel download"))
        self.cancel_button.clicked.connect(self.cancel_series)
        self.cancel_button.hide()
        self.compare_box = QComboBox()
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
        self.enlarge_button.toggled.connect(self._enlarge_images)
        self.sync_scroll = self.grid.sync_scroll
        self.sync_window = self.grid.sync_window
        self.sync_zoom = self.grid.sync_zoom
        self.report = QTextBrowser()
        self.report.setObjectName("reportText")
        self.report.setMinimumWidth(200)
        self.decision = DecisionPanel()
        self.decision.accept_requested.connect(self._accept)
        self.decision.repeat_requested.connect(self._repeat)
        self.decision.withdraw_requested.connect(self._withdraw)
        self.decision.bulk_accept_requested.connect(self._bulk_accept)
        self.context: DecisionContext | None = None
        self.now = dt.datetime.now(dt.UTC)
        self.labs = LabTable()
        self.trends = TrendPlot()
        self.trends.setObjectName("trendPlot")
        self.lab_tabs = QTabWidget()
        self.lab_tabs.addTab(self.labs, self.tr("Lab values"))
        self.lab_tabs.addTab(self.trends, self.tr("Trends"))
        self.analytes: AnalyteTable | None = None
        self._observations: list[LabObservation] | None = None

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.header, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.print_button)
        series_bar = QHBoxLayout()
        series_bar.addWidget(QLabel(self.tr("Series")))
        series_bar.addWidget(self.series_box, 1)
        series_bar.addWidget(self.cancel_button)
        image_pane = QWidget()
        image_pane.setObjectName("readingPane")
        image_pane.setStyleSheet(READING_THEME)
        image_pane.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        image_layout = QVBoxLayout(image_pane)
        image_layout.setContentsMargins(0, 0, 0, 0)
        image_layout.addLayout(series_bar)
        compare_bar = QHBoxLayout()
        compare_bar.addWidget(QLabel(self.tr("Compare with")))
        compare_bar.addWidget(self.compare_box, 1)
        compare_bar.addLayout(self.grid.sync_bar)
        compare_bar.addWidget(self.enlarge_button)
        image_layout.addWidget(self.strip)
        image_layout.addLayout(compare_bar)
        image_layout.addWidget(self.grid, 1)
        right_top = QSplitter(Qt.Orientation.Horizontal)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.report)
        side.addWidget(self.decision)
        side.setSizes([110, 560])
        right_top.addWidget(image_pane)
        right_top.addWidget(side)
        right_top.setStretchFactor(0, 3)
        right_top.setStretchFactor(1, 1)
        right_top.setSizes([520, 330])
        right = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter = right
        right.addWidget(right_top)
        right.addWidget(self.lab_tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([440, 360])
        main = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter = main
        main.addWidget(self.timeline)
        main.addWidget(right)
        main.setStretchFactor(0, 2)
        main.setStretchFactor(1, 3)
        main.setSizes([620, 760])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(main, 1)

    # --- opening ---------------------------------------------------------------------------
    def open(
        self,
        connection: Connection,
        patient: Patient,
        hospitals: dict[str, Hospital],
        catalog: Catalog | None,
        here_region: str,
        now: dt.datetime,
        context: DecisionContext | None = None,
    ) -> None:
        """Show a patient and page in their results from the platform."""
        self.close_patient()
        self.connection, self.patient = connection, patient
        self.context, self.now = context, now
        self.decision.set_catalog(catalog)
        if context is not None:
            self.runner.start(_in_force, context.journal, on_result=self.timeline.set_decisions)
        age = patient.age_on(now.date())
        gender = {"male": self.tr("Male"), "female": self.tr("Female")}.get(
            patient.gender.value, self.tr("Unknown")
        )
        parts = [f"<b>{html.escape(patient.name)}</b>", gender]
        if age is not None:
            parts.append(self.tr("%n year(s)", "", age))
        if patient.id_card:
            parts.append(html.escape(mask_id_card(patient.id_card)))
        self.header.setText("  ·  ".join(parts))
        self.timeline.set_context(hospitals, catalog, here_region, now)
        self._load_results()

    def _load_results(self) -> None:
        if self.connection is None or self.patient is None:
            return
        self.timeline.clear()
        self.count_label.setText(self.tr("Loading results…"))
        self.busy_changed.emit(True, self.tr("Loading results…"))
        self._results_task = self.runner.start(
            _fetch_results,
            self.connection,
            self.patient.id,
            wants_control=True,
            on_progress=self._page_arrived,
            on_result=self._results_done,
            on_error=self._results_failed,
        )

    def _page_arrived(self, page: Any) -> None:
        first = not self.timeline.results
        self.timeline.add_results(page.results)
        self.count_label.setText(
            self.tr("%1 of %2 results")
            .replace("%1", str(len(self.timeline.results)))
            .replace("%2", str(page.total))
        )
        if first and self.timeline.visible_results():
            self.timeline.select(self.timeline.visible_results()[0].id)

    def _results_done(self, count: Any) -> None:
        self.count_label.setText(self.tr("%n result(s)", "", int(count)))
        self.busy_changed.emit(False, "")

    def _expired(self, error: Exception) -> bool:
        if isinstance(error, PlatformError) and error.kind is ErrorKind.AUTH:
            self.session_expired.emit()
            return True
        return False

    def _results_failed(self, error: Exception) -> None:
        self.busy_changed.emit(False, "")
        if self._expired(error):
            return
        self.count_label.setText("")
        self.banner.show_error(describe(error), self._load_results)

    # --- selection -------------------------------------------------------------------------
    def show_result(self, result: Result) -> None:
        """Show what a selected result holds: images (viewer), or values (lab table)."""
        if self.connection is None:
            return
        self._selection_serial += 1
        serial = self._selection_serial
        self.report.setHtml(self._report_html(result))
        self._show_decisions(result)
        self.viewed.add(result.id)
        self._give_room(images=result.category is not Category.LAB)
        if result.category is Category.LAB:
            self.runner.start(
                self.connection.platform.observations,
                result,
                on_result=lambda values: self._labs_arrived(serial, result, values),
                on_error=lambda exc: self._labs_failed(exc, result),
            )
        elif result.imaging_study_ids:
            self._image_result = result
            self._fill_compare_box(result)
            self.cancel_series()
            self.stop_prefetch()
            self.viewer.clear(self.tr("Loading images…"))
            for cell_index in list(self._cell_series):  # cells showing the previous study
                self._stop_cell(cell_index)
                self.grid.cells[cell_index].clear()
            self._cell_series = {}
            self.series_box.clear()
            self.runner.start(
                self.connection.platform.imaging_study,
                result.imaging_study_ids[0],
                on_result=lambda study: self._study_arrived(serial, study),
                on_error=lambda exc: self._image_failed(exc, result),
            )

    # --- decisions -------------------------------------------------------------------------
    def _show_decisions(self, result: Result) -> None:
        assessment = self.timeline.assessments.get(result.id)
        hospital = self.timeline.hospitals.get(result.hospital_id)
        self.decision.set_result(result, assessment, hospital, self.now)
        if self.context is None or self.connection is None:
            return
        context, platform = self.context, self.connection.platform

        def load() -> tuple[list[JournalEntry], list[str]]:
            entries = context.journal.history(result.id)
            others = []
            try:
                for task in platform.tasks_for(result.id):
                    owner = task.get("owner", {})
                    if owner.get("reference") == context.practitioner:
                        continue
                    codes = task.get("businessStatus", {}).get("coding", [{}])
                    status = codes[0].get("code", "") if codes else ""
                    others.append(
                        f"{task.get('authoredOn', '')[:16]}  {owner.get('display', '')}: {status}"
                    )
            except PlatformError as exc:
                log.info("other doctors' decisions not shown: %s", exc.kind.value)
            return entries, others

        serial = self._selection_serial
        self.runner.start(
            load,
            on_result=lambda value: self._decisions_loaded(serial, result, value),
            on_error=lambda exc: self.decision.show_problem(describe(exc)),
        )

    def _decisions_loaded(self, serial: int, result: Result, value: Any) -> None:
        if serial != self._selection_serial:
            return
        entries, others = value
        hospital = self.timeline.hospitals.get(result.hospital_id)
        sentence = record_sentence(entries[-1].decision, result, hospital) if entries else ""
        self.decision.show_entries(entries, others, sentence)
        self.timeline.set_decision(result.id, entries[-1].decision.kind if entries else None)

    def _record(
        self,
        result: Result,
        kind: DecisionKind,
        reason: RepeatReason | None = None,
        note: str = "",
        informed: bool = False,
    ) -> None:
        context = self.context
        if context is None:
            return
        assessment = self.timeline.assessments.get(result.id)
        in_force = self.timeline.decision_ids.get(result.id, "")
        try:
            decision = new_decision(
                result,
                kind,
                username=context.username,
                practitioner=context.practitioner,
                catalog_version=context.catalog_version,
                eligibility=assessment.eligibility.value if assessment else "",
                now=dt.datetime.now(dt.UTC),
                reason=reason,
                note=note,
                patient_informed=informed,
                supersedes=in_force,
            )
        except DecisionError as exc:
            self.decision.show_problem(str(exc))
            return
        self.timeline.set_decision(result.id, kind, decision.id)
        self.runner.start(
            context.journal.record,
            decision,
            on_result=lambda _none: self._recorded(result),
            on_error=lambda exc: self._not_recorded(result, exc),
        )

    def show_result_decisions(self) -> None:
        """Reload the decisions of the selected result (e.g. after the outbox sent them)."""
        if self.decision.result is not None:
            self._show_decisions(self.decision.result)

    def _not_recorded(self, result: Result, error: Exception) -> None:
        self.decision.show_problem(self.tr("Not saved: %1").replace("%1", str(error)))
        self._refresh_badge(result)

    def _recorded(self, result: Result) -> None:
        self.decision_saved.emit()
        if self.decision.result is not None and self.decision.result.id == result.id:
            self._show_decisions(result)

    def _refresh_badge(self, result: Result) -> None:
        if self.context is None:
            return
        self.runner.start(
            self.context.journal.latest,
            result.id,
            on_result=lambda entry: self.timeline.set_decision(
                result.id,
                entry.decision.kind if entry else None,
                entry.decision.id if entry else "",
            ),
        )

    def _accept(self) -> None:
        if self.decision.result is not None:
            self._record(self.decision.result, DecisionKind.ACCEPTED)

    def _repeat(self, reason: RepeatReason, note: str, informed: bool) -> None:
        if self.decision.result is not None:
            self._record(self.decision.result, DecisionKind.REPEAT_ORDERED, reason, note, informed)

    def _withdraw(self) -> None:
        if self.decision.result is not None:
            self._record(self.decision.result, DecisionKind.WITHDRAWN)

    def _bulk_accept(self) -> None:
        """Accept every eligible, undecided result of the selected result's visit."""
        anchor = self.decision.result
        if anchor is None or self.context is None:
            return
        for result in same_visit(self.timeline.results, anchor):
            assessment = self.timeline.assessments.get(result.id)
            if assessment is None or not assessment.eligible:
                continue
            if self.timeline.decisions.get(result.id) is not None:
                continue
            self._record(result, DecisionKind.ACCEPTED)

    # --- printed summary ---------------------------------------------------------------------
    def _key_image(self, cell: int, png: bytes, caption: str, mm_per_pixel: object) -> None:
        """A key image belongs to the result its cell shows (a prior study's to the prior)."""
        result = self._image_result if cell == 0 else self._cell_results.get(cell)
        if result is None:
            return
        spacing = float(mm_per_pixel) if isinstance(mm_per_pixel, float) else None
        self.key_images.setdefault(result.id, []).append(KeyImage(result.id, png, caption, spacing))
        self.viewed.add(result.id)
        self.count_label.setText(
            self.tr("Key image kept (%1 for this result)").replace(
                "%1", str(len(self.key_images[result.id]))
            )
        )

    def open_summary(self) -> None:
        """Choose results and print or save the annotated summary."""
        if self.patient is None or self.connection is None:
            return
        preselected = self.viewed | {r for r, kind in self.timeline.decisions.items() if kind}
        dialog = SummaryDialog(
            self.timeline.results, preselected, self._summary_input, self.runner, self
        )
        dialog.exec()

    def _summary_input(self, chosen: list[Result], paper: str) -> SummaryInput:
        """Everything the summary prints (runs on a worker: fetches lab values)."""
        if self.connection is None or self.patient is None:
            raise RuntimeError("no patient is open")
        platform, context, table = self.connection.platform, self.context, self.analytes
        items = []
        for result in chosen:
            labs: list[LabObservation] = []
            if result.category is Category.LAB:
                labs = platform.observations(result)
            entry = context.journal.latest(result.id) if context is not None else None
            items.append(
                SummaryItem(
                    result=result,
                    hospital=self.timeline.hospitals.get(result.hospital_id),
                    decision=entry.decision if entry else None,
                    labs=tuple(labs),
                    normalized=tuple(normalize(table, v) for v in labs) if table else (),
                    key_images=tuple(self.key_images.get(result.id, [])),
                )
            )
        trends: list[tuple[str, tuple[TrendPoint, ...]]] = []
        lab_values = [v for item in items for v in item.labs]
        if table is not None and lab_values:
            series = trend_series(table, platform.patient_observations(self.patient.id))
            names = {a.key: a.name_zh for a in table.analytes}
            for value in lab_values:
                info = table.analyte_for(value.loinc, value.local_system, value.local_code)
                if info and info.key in series and all(names[info.key] != t for t, _ in trends):
                    trends.append((names[info.key], tuple(series[info.key])))
                if len(trends) == 3:
                    break
        hospital, department, doctor = self.summary_header
        return SummaryInput(
            hospital_name=hospital,
            department=department,
            doctor_name=doctor,
            printed_at=dt.datetime.now(dt.UTC),
            patient=self.patient,
            items=tuple(items),
            trends=tuple(trends),
            hospitals=dict(self.timeline.hospitals),
            page_size=paper,
        )

    def _labs_failed(self, error: Exception, result: Result) -> None:
        if not self._expired(error):
            self.banner.show_error(describe(error), lambda: self.show_result(result))

    def _labs_arrived(self, serial: int, result: Result, values: Any) -> None:
        values = list(values)
        normalized = (
            [normalize(self.analytes, v) for v in values] if self.analytes is not None else []
        )
        self.labs.show_values(self._lab_title(result, values), values, normalized)
        self._show_trends(result, values)

    def age_text(self, when: dt.datetime) -> str:
        """ "3 hours ago" / "5 days ago"."""
        amount, unit = age_text_parts(when, dt.datetime.now(dt.UTC))
        if unit == "minutes":
            return self.tr("%n minute(s) ago", "", amount)
        if unit == "hours":
            return self.tr("%n hour(s) ago", "", amount)
        return self.tr("%n day(s) ago", "", amount)

    def _lab_title(self, result: Result, values: list[LabObservation]) -> str:
        hospital = self.timeline.hospitals.get(result.hospital_id)
        parts = [result.item_name]
        if hospital is not None:
            parts.append(
                hospital.name + (f"（{hospital.level_name}）" if hospital.level_name else "")
            )
        local = result.effective.astimezone(dt.timezone(dt.timedelta(hours=8)))
        parts.append(
            self.tr("collected %1 (%2)")
            .replace("%1", local.strftime("%Y-%m-%d %H:%M"))
            .replace("%2", self.age_text(result.effective))
        )
        specimens = sorted({v.specimen for v in values if v.specimen})
        if specimens:
            parts.append("、".join(specimens))
        if result.mark:
            parts.append(result.mark.mark)
        assessment = self.timeline.assessments.get(result.id)
        if assessment is not None:
            parts.append(self.timeline.badge_text(assessment.eligibility))
        return " · ".join(parts)

    def _show_trends(self, result: Result, values: list[LabObservation]) -> None:
        """Trends of this report's analytes across every hospital (patient's values cached)."""
        if self.connection is None or self.patient is None or self.analytes is None:
            return
        if self._observations is None:
            platform, patient_id = self.connection.platform, self.patient.id
            serial = self._selection_serial
            self.runner.start(
                platform.patient_observations,
                patient_id,
                on_result=lambda all_values: self._observations_loaded(
                    serial, result, values, all_values
                ),
                on_error=lambda exc: log.info("trend values not loaded: %s", type(exc).__name__),
            )
            return
        table = self.analytes
        series = trend_series(table, self._observations)
        chosen: list[tuple[str, list[TrendPoint]]] = []
        for value in values:
            info = table.analyte_for(value.loinc, value.local_system, value.local_code)
            if info is not None and info.key in series and all(info.key != k for k, _ in chosen):
                chosen.append((info.key, series[info.key]))
        titles = {a.key: a.name_zh for a in table.analytes}
        self.trends.show_trends(
            [(titles.get(k, k), pts) for k, pts in chosen[:4]],
            self.timeline.hospitals,
            {v.id for v in values},
        )

    def _observations_loaded(
        self, serial: int, result: Result, values: list[LabObservation], all_values: Any
    ) -> None:
        self._observations = list(all_values)
        if serial == self._selection_serial:
            self._show_trends(result, values)

    def _study_arrived(self, serial: int, study: Any) -> None:
        if serial != self._selection_serial:
            return
        self.study = study
        self.series_box.clear()
        for series in study.series:
            self.series_box.addItem(
                f"{series.number}  {series.modality}  {series.description}  "
                f"({len(series.instances)})",
                series.uid,
            )
        self.strip.set_series(
            [
                f"{s.number} {s.modality}\n{s.description[:14]}\n({len(s.instances)})"
                for s in study.series
            ]
        )
        if self.connection is not None:
            client = self.connection.dicomweb(study.dicomweb_url)

            def thumbnails(*, report: Callable[[Any], None], cancel: threading.Event) -> None:
                for index, series in enumerate(study.series):
                    if cancel.is_set():
                        return
                    try:
                        report((index, client.thumbnail(study.study_uid, series.uid)))
                    except PlatformError:
                        continue  # a server without thumbnails: the labels stay

            self.runner.start(
                thumbnails,
                wants_control=True,
                on_progress=lambda pair: self.strip.set_thumbnail(*pair),
            )
        if study.series:
            self._load_series(0)
            self._fill_new_cells(len(self.grid.visible_cells()))
        else:
            self.viewer.clear(self.tr("This study has no images."))

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
        if self.connection is None or self.study is None or self._image_result is None:
            return
        study, connection = self.study, self.connection
        self._cell_series[cell_index] = study.series[series_index].uid  # before the layout grows
        self._ensure_cells(cell_index + 1, claimed=cell_index)
        self._load_into_cell(
            cell_index,
            self._image_result,
            lambda *, report, cancel: _fetch_series(
                connection, study, series_index, self.series_cache, report=report, cancel=cancel
            ),
        )

    def _load_into_cell(self, cell_index: int, result: Result, fetch: Callable[..., int]) -> None:
        """Download into a cell other than the first; its marks belong to ``result``."""
        cell = self.grid.cells[cell_index]
        self._stop_cell(cell_index)
        cell.clear(self.tr("Loading images…"))
        cell.set_mark_store(self.mark_stores.setdefault(result.id, MarkStore()))
        self._cell_results[cell_index] = result
        generation = self._cell_generation[cell_index]

        def arrived(loaded: LoadedImage) -> None:
            # Images of a download this cell has since replaced may still be queued: they
            # must never mix into another series (or another patient's study) on screen.
            if loaded.image is not None and self._cell_generation[cell_index] == generation:
                cell.add_image(loaded.image)

        self._cell_tasks[cell_index] = self.runner.start(
            fetch,
            wants_control=True,
            on_progress=arrived,
            on_result=lambda _n: self.grid.capture_offsets(),
            on_error=lambda exc: cell.show_message(describe(exc)),
        )

    def _stop_cell(self, cell_index: int) -> None:
        """Cancel a cell's download and ignore whatever of it is still queued."""
        task = self._cell_tasks.pop(cell_index, None)
        if task is not None:
            task.cancel.set()
        self._cell_generation[cell_index] = self._cell_generation.get(cell_index, 0) + 1

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
            if cell_index == self._claimed_cell:
                continue
            if not self.grid.cells[cell_index].slices and cell_index not in self._cell_tasks:
                self._series_into_cell(cell_index, waiting.pop(0))

    def _fill_compare_box(self, current: Result) -> None:
        self.compare_box.clear()
        self.compare_box.addItem(self.tr("— none —"), None)
        for result in self.timeline.results:
            if (
                result.id != current.id
                and result.imaging_study_ids
                and (not current.modality or result.modality == current.modality)
            ):
                hospital = self.timeline.hospitals.get(result.hospital_id)
                self.compare_box.addItem(
                    f"{result.effective:%Y-%m-%d} {result.item_name} · "
                    f"{hospital.name if hospital else result.hospital_id}",
                    result,
                )

    def _compare_chosen(self, index: int) -> None:
        """A prior study (another result) into the second cell, beside the current one."""
        result = self.compare_box.itemData(index)
        if result is None or self.connection is None:
            self.compare_viewer.clear()
            self._cell_series.pop(1, None)
            return
        self._open_second_cell()
        self._cell_series.pop(1, None)
        connection = self.connection

        def load(*, report: Callable[[Any], None], cancel: threading.Event) -> int:
            study = connection.platform.imaging_study(result.imaging_study_ids[0])
            return _fetch_series(
                connection, study, 0, self.series_cache, report=report, cancel=cancel
            )

        self._load_into_cell(1, result, load)

    def _give_room(self, images: bool) -> None:
        """Images get most of the height (labs stay as a strip); lab values about half."""
        sizes = self.right_splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        top = int(total * (0.8 if images else 0.55))
        self.right_splitter.setSizes([top, total - top])
        main = self.main_splitter.sizes()
        if images and len(main) == 2 and main[0] > 440:
            self.main_splitter.setSizes([440, main[0] + main[1] - 440])

    def _enlarge_images(self, enlarged: bool) -> None:
        """Hide (or bring back) the timeline and the lab values."""
        self.timeline.setVisible(not enlarged)
        self.lab_tabs.setVisible(not enlarged)

    def _ensure_cells(self, count: int, claimed: int) -> None:
        """Grow the layout to ``count`` cells without filling ``claimed`` (about to load)."""
        self._claimed_cell = claimed
        try:
            self.grid.ensure_cells(count)
        finally:
            self._claimed_cell = -1

    def _open_second_cell(self) -> None:
        """At least two cells; the timeline gives way to the images."""
        self._ensure_cells(2, claimed=1)
        sizes = self.main_splitter.sizes()
        if len(sizes) == 2 and sizes[0] > 380:
            self.main_splitter.setSizes([380, sizes[0] + sizes[1] - 380])

    def set_window_presets(self, presets: tuple[WindowPreset, ...]) -> None:
        """The user's window/level presets, offered in every cell."""
        self.grid.set_window_presets(presets)

    def _series_chosen(self, index: int) -> None:
        self._load_series(index)

    def _load_series(self, index: int) -> None:
        if self.connection is None or self.study is None:
            return
        self.cancel_series()
        series = self.study.series[index]
        self.viewer.clear(self.tr("Loading images…"))
        self.viewer.expect(len(series.instances))
        if self._image_result is not None:
            store = self.mark_stores.setdefault(self._image_result.id, MarkStore())
            self.viewer.set_mark_store(store)
        self.cancel_button.show()
        self.busy_changed.emit(True, self.tr("Downloading images…"))
        task = self.runner.start(
            _fetch_series,
            self.connection,
            self.study,
            index,
            self.series_cache,
            wants_control=True,
            # images of a replaced download may still be queued: only this one's count
            on_progress=lambda loaded, generation=self._main_generation: (
                self._image_arrived(loaded) if generation == self._main_generation else None
            ),
            on_result=self._series_done,
            on_error=lambda exc: self._image_failed(exc, None),
        )
        self._series_task = task

    def _image_arrived(self, loaded: LoadedImage) -> None:
        if loaded.image is not None:
            self.viewer.add_image(loaded.image)
        elif not self.viewer.slices:
            self.viewer.show_message(
                self.tr("This image cannot be shown: %1").replace("%1", loaded.error)
            )

    def _series_done(self, _count: Any) -> None:
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")
        self.viewer._update_text()
        self.grid.capture_offsets()
        self._prefetch_study()

    def _prefetch_study(self) -> None:
        """Fetch the study's series not yet in memory into the cache, in the background;
        stops when another result is chosen. Failures only cost the head start."""
        self.stop_prefetch()
        if self.connection is None or self.study is None:
            return
        study, connection, cache = self.study, self.connection, self.series_cache
        waiting = [s for s in study.series if (study.study_uid, s.uid) not in cache]
        if not waiting:
            return

        def prefetch(*, report: Callable[[Any], None], cancel: threading.Event) -> int:
            client = connection.dicomweb(study.dicomweb_url)
            done = 0
            for series in waiting:
                if cancel.is_set():
                    break
                load_series_cached(client, study, series, lambda _image: None, cancel, cache)
                done += 1
            return done

        self._prefetch_task = self.prefetcher.start(
            prefetch,
            wants_control=True,
            on_error=lambda exc: log.info("prefetch stopped: %s", type(exc).__name__),
        )

    def stop_prefetch(self) -> None:
        """Cancel the background fetch of the study's other series."""
        if self._prefetch_task is not None:
            self._prefetch_task.cancel.set()
            self._prefetch_task = None

    def _image_failed(self, error: Exception, result: Result | None) -> None:
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")
        if self._expired(error):
            return
        if not self.viewer.slices:
            self.viewer.show_message(describe(error))
        retry = (
            (lambda: self.show_result(result))
            if result is not None
            else (lambda: self._load_series(max(self.series_box.currentIndex(), 0)))
        )
        self.banner.show_error(describe(error), retry)

    def cancel_series(self) -> None:
        """Stop a running image download (what arrived stays on screen)."""
        self._main_generation += 1  # images still queued from it are dropped
        if self._series_task is not None:
            self._series_task.cancel.set()
            self._series_task = None
        self.cancel_button.hide()
        self.busy_changed.emit(False, "")

    def _report_html(self, result: Result) -> str:
        hospital = self.timeline.hospitals.get(result.hospital_id)
        rows = [
            (self.tr("Item"), result.item_name),
            (
                self.tr("Hospital"),
                (hospital.name + (f"（{hospital.level_name}）" if hospital.level_name else ""))
                if hospital
                else result.hospital_id,
            ),
            (self.tr("Date"), result.effective.strftime("%Y-%m-%d %H:%M")),
            (self.tr("HR mark"), result.mark.mark if result.mark else self.tr("none")),
        ]
        assessment = self.timeline.assessments.get(result.id)
        if assessment is not None:
            rows.append((self.tr("Recognition"), self.timeline.badge_text(assessment.eligibility)))
        text = "".join(
            f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>" for k, v in rows
        )
        body = f"<table cellspacing='4'>{text}</table>"
        if result.findings:
            body += (
                f"<h4>{html.escape(self.tr('Findings'))}</h4><p>{html.escape(result.findings)}</p>"
            )
        if result.conclusion:
            body += (
                f"<h4>{html.escape(self.tr('Conclusion'))}</h4>"
                f"<p>{html.escape(result.conclusion)}</p>"
            )
        return body

    def close_patient(self) -> None:
        """Stop loading and forget what is shown (leaving the patient or signing out)."""
        self.enlarge_button.setChecked(False)
        self.stop_prefetch()
        if self._results_task is not None:
            self._results_task.cancel.set()
            self._results_task = None
        self.cancel_series()
        for cell_index in range(len(self.grid.cells)):
            self._stop_cell(cell_index)
        self._cell_series = {}
        self._cell_results = {}
        self.mark_stores = {}
        self.timeline.clear()
        self.grid.clear()
        self.labs.clear()
        self.trends.show_trends([], {}, set())
        self._observations = None
        self.report.clear()
        self.decision.set_result(None, None, None, None)
        self.series_box.clear()
        self.banner.hide()
        self.header.clear()
        self.count_label.clear()
        self.patient = None
        self.study = None
        self.key_images = {}
        self.viewed = set()
        self._image_result = None
        self.compare_box.clear()
        self.strip.clear()
