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
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.decision_panel import DecisionPanel
from ui.disc_studies import PatientDiscs
from ui.error_banner import ErrorBanner
from ui.lab_table import LabTable
from ui.messages import describe
from ui.paper_results import PaperResults, paper_thumbnail
from ui.study_images import StudyImages
from ui.summary_dialog import SummaryDialog
from ui.timeline import TimelineWidget
from ui.trend_plot import TrendPlot
from ui.window_fit import page_widths
from ui.workers import TaskRunner
from workstation.clock import china_time
from workstation.http import ErrorKind, PlatformError
from workstation.imaging.cache import SeriesCache
from workstation.imaging.presets import WindowPreset
from workstation.journal import Journal, JournalEntry
from workstation.labs.analytes import AnalyteTable
from workstation.labs.normalize import normalize
from workstation.labs.trends import (
    RECENT_WINDOW,
    TrendPoint,
    age_text_parts,
    series_for,
    series_title,
    trend_series,
    trend_window,
)
from workstation.model import (
    Catalog,
    Category,
    Hospital,
    LabObservation,
    Patient,
    RepeatReason,
    Result,
)
from workstation.recognition.decisions import (
    INELIGIBLE_PHRASES,
    Decision,
    DecisionError,
    DecisionKind,
    PlatformDecision,
    decision_in_force,
    decisions_in_force,
    decisions_of_others,
    new_decision,
    origin_phrase,
    record_sentence,
)
from workstation.records.hospital_label import hospital_label
from workstation.redact import mask_id_card
from workstation.services import Connection
from workstation.session.lanes import Lane
from workstation.session.reading import ReadingSession
from workstation.session.scope import Scope
from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind
from workstation.summary.model import KeyImage, PageSize, SummaryInput, SummaryItem
from workstation.summary.naming import summary_file_name
from workstation.timeline import bulk_accept_plan

log = logging.getLogger("ui.patient")
# How many trends show beside a report, and print in the summary (a cardiac panel has five:
# troponin by two assays, CK-MB, myoglobin, NT-proBNP).
SCREEN_TRENDS = 6
SUMMARY_TRENDS = 4


@dataclass(frozen=True)
class DecisionContext:
    """Who decides, where decisions are kept, and which catalog applies."""

    journal: Journal
    username: str
    practitioner: str
    catalog_version: str


def _in_force(journal: Journal) -> dict[str, Decision]:
    return decisions_in_force(entry.decision for entry in journal.all())


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


class PatientPage(QWidget):
    """Emits ``back_requested`` (to the search page), ``busy_changed(bool, str)`` and
    ``decision_saved(Decision)`` with the decision as the journal saved it."""

    back_requested = Signal()
    decision_saved = Signal(object)
    busy_changed = Signal(bool, str)
    session_expired = Signal()
    message = Signal(str)  # a passing word for the status bar (a key image kept)
    sources_down = Signal(object)  # {platform name: error}: its results could not be read

    def __init__(
        self,
        runner: TaskRunner,
        parent: QWidget | None = None,
        series_cache: SeriesCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.connection: Connection | None = None
        self.patient: Patient | None = None
        # Which patient is open and which result she looks at: work for either runs in its
        # scope, so nothing of one patient (or result) ever lands on the next.
        self.session = ReadingSession()
        self._loaded = False  # the patient's results have all arrived
        self.session.results_added.connect(lambda _fresh: self._show_count())

        self.back_button = QPushButton(self.tr("← Patients"))
        self.back_button.clicked.connect(self.back_requested)
        self.timeline_button = QPushButton(self.tr("Timeline"))
        self.timeline_button.setObjectName("timelineToggle")
        self.timeline_button.setCheckable(True)
        self.timeline_button.setChecked(True)
        self.timeline_button.setToolTip(self.tr("Show or hide the list of results"))
        self.timeline_button.toggled.connect(self._show_timeline)
        self._timeline_folded_for_images = False
        self.print_button = QPushButton(self.tr("Print summary…"))
        self.print_button.setObjectName("printSummary")
        self.print_button.clicked.connect(self.open_summary)
        self.paper_button = QPushButton(self.tr("Register paper report…"))
        self.paper_button.setObjectName("registerPaper")
        self.paper_button.setToolTip(self.tr("Enter a result the patient brought on paper"))
        self.paper_button.clicked.connect(self.open_paper_dialog)
        self.discs = PatientDiscs(self)  # "导入光盘/文件夹…" and the studies it added
        self.key_images: dict[str, list[KeyImage]] = {}
        self.viewed: set[str] = set()
        self.summary_header = ("", "", "")  # hospital, department, doctor
        self.header = QLabel()
        self.header.setObjectName("patientHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.count_label = QLabel()
        self.count_label.setObjectName("resultCount")
        self.banner = ErrorBanner()
        self.timeline = TimelineWidget(self.session)
        self.timeline.result_selected.connect(self.show_result)
        self.timeline.badges_changed.connect(self._badges_changed)
        self.images = StudyImages(runner, series_cache)
        self.images.busy_changed.connect(self.busy_changed)
        self.images.failed.connect(self._images_failed)
        self.images.key_image_kept.connect(self._keep_key_image)
        self.images.needs_room.connect(lambda: self._narrow_timeline(380))
        self.images.enlarge_toggled.connect(self._enlarge_images)
        # a prior she compared with is a result she read: the summary offers it ticked
        self.images.prior_shown.connect(lambda result: self.viewed.add(result.id))
        # the viewer's corners name a study's source as its timeline row does
        self.images.source_of = self.timeline.rows.sources.shown_of
        self.timeline.sources_named.connect(lambda _named: self.images.name_sources())
        # the parts tests and the main window reach
        self.grid, self.strip = self.images.grid, self.images.strip
        self.viewer, self.compare_viewer = self.images.viewer, self.images.compare_viewer
        self.series_box, self.compare_box = self.images.series_box, self.images.compare_box
        self.series_cache = self.images.series_cache
        self.sync_scroll = self.grid.sync_scroll
        self.sync_window = self.grid.sync_window
        self.sync_zoom = self.grid.sync_zoom
        self.report = QTextBrowser()
        self.report.setObjectName("reportText")
        self.report.setMinimumWidth(200)
        self.report.setMinimumHeight(120)
        self.paper = PaperResults(self)  # the dialog and the pictures of paper results
        self.decision = DecisionPanel()
        self.decision.accept_requested.connect(self._accept)
        self.decision.repeat_requested.connect(self._repeat)
        self.decision.withdraw_requested.connect(self._withdraw)
        self.decision.bulk_accept_requested.connect(self._bulk_accept)
        self.context: DecisionContext | None = None
        # the platform taking decisions on disc and PACS studies ("": the home one)
        self.authority_name = ""
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
        top.addWidget(self.timeline_button)
        top.addWidget(self.header, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.paper_button)
        top.addWidget(self.discs.button)
        top.addWidget(self.discs.pacs_button)
        top.addWidget(self.print_button)
        # Three columns: the timeline (folds away on a laptop while she reads images), the
        # images over the lab values, and the other hospital's report over the decision
        # panel at full height beside them (the panel scrolls when its repeat form opens in
        # a low window; the report keeps the room it needs).
        side = QSplitter(Qt.Orientation.Vertical)
        self.side_splitter = side
        self.decision_scroll = QScrollArea()
        self.decision_scroll.setObjectName("decisionScroll")
        self.decision_scroll.setWidgetResizable(True)
        self.decision_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.decision_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.decision_scroll.setWidget(self.decision)
        side.addWidget(self.report)
        side.addWidget(self.decision_scroll)
        side.setStretchFactor(0, 2)
        side.setStretchFactor(1, 3)
        side.setSizes([260, 420])
        side.setChildrenCollapsible(False)
        right = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter = right
        right.addWidget(self.paper.beside(self.images))  # a paper's picture in their place
        right.addWidget(self.lab_tabs)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setSizes([440, 360])
        main = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter = main
        main.addWidget(self.timeline)
        main.addWidget(right)
        main.addWidget(side)
        main.setCollapsible(1, False)
        main.setCollapsible(2, False)
        main.setStretchFactor(0, 2)
        main.setStretchFactor(1, 3)
        main.setStretchFactor(2, 1)
        main.setSizes([520, 560, 320])
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
        source_catalogs: dict[str, Catalog] | None = None,
        records: tuple[str, ...] = (),
    ) -> None:
        """Show a patient and page in their results from the platform (``source_catalogs``:
        the other platforms' catalogs by name, for their results' badges)."""
        self.close_patient()
        scope = self.session.open_patient(patient, records)
        self.connection, self.patient = connection, patient
        self.images.connection = connection
        self.context, self.now = context, now
        self.decision.set_catalog(catalog)
        if context is not None:
            self.runner.start(
                _in_force,
                context.journal,
                scope=scope,
                lane=Lane.JOURNAL,
                on_result=self.timeline.set_decisions,
            )
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
        self.timeline.set_context(hospitals, catalog, here_region, now, source_catalogs)
        self._load_results()

    def reload(self) -> None:
        """Read the open patient's results again (the platforms signed in to changed)."""
        self._load_results()

    def _load_results(self) -> None:
        if self.connection is None or self.patient is None:
            return
        self.timeline.clear()
        # a retry starts the list afresh
        scope = self.session.open_patient(self.patient, self.session.records)
        self._loaded = False
        self.count_label.setText(self.tr("Loading results…"))
        self.busy_changed.emit(True, self.tr("Loading results…"))
        self.runner.start(
            _fetch_results,
            self.connection,
            self.patient.id,
            wants_control=True,
            scope=scope,
            on_progress=lambda page: self._page_arrived(scope, page),
            on_result=self._results_done,
            on_error=self._results_failed,
        )

    def _page_arrived(self, scope: Scope, page: Any) -> None:
        first = not self.timeline.results
        if page.sources_down:  # the other platforms' results still come
            names = "、".join(page.sources_down)
            signed_out = all(
                isinstance(e, PlatformError) and e.kind is ErrorKind.SIGNED_OUT
                for e in page.sources_down.values()
            )
            text = (
                self.tr("Results of %1 are not shown: you are not signed in to it (status bar).")
                if signed_out
                else self.tr("Results of %1 are not shown: the platform did not answer.")
            )
            self.banner.show_error(text.replace("%1", names), self._load_results)
            self.sources_down.emit(dict(page.sources_down))
        self.session.add_results(scope, page.results)  # the timeline observes the session
        self.count_label.setText(
            self.tr("%1 of %2 results")
            .replace("%1", str(len(self.timeline.results)))
            .replace("%2", str(page.total))
        )
        top = self.timeline.rows.first_result()
        if first and top is not None:
            self.timeline.select(top.id)

    def _results_done(self, count: Any) -> None:
        self._loaded = True
        self._show_count()
        self.busy_changed.emit(False, "")

    def _show_count(self) -> None:
        """The header counts what the timeline holds (the platform's results, and a disc's
        studies or paper reports she added), once loading is over."""
        if self._loaded:
            self.count_label.setText(self.tr("%n result(s)", "", len(self.timeline.results)))

    def _expired(self, error: Exception) -> bool:
        """Whether ``error`` ended her sign-in (the window decides which one ended: the
        home platform's signs her out). Another platform's ended sign-in is said on the
        page too: True only for the home one."""
        if not isinstance(error, PlatformError):
            return False
        if error.kind in (ErrorKind.AUTH, ErrorKind.SIGNED_OUT):
            self.session_expired.emit()  # SIGNED_OUT: the status bar learns it is out
        return error.kind is ErrorKind.AUTH

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
        scope = self.session.select(result)
        self.report.setHtml(self._report_html(result))
        self.paper.show_picture(result, scope)
        self._show_decisions(result)
        self.viewed.add(result.id)
        self._give_room(images=result.category is not Category.LAB)
        if result.category is Category.LAB:
            self.images.show_no_study()  # the last study's images must not stay beside it
            self.runner.start(
                self.connection.platform.observations,
                result,
                scope=scope,
                on_result=lambda values: self._labs_arrived(result, values),
                on_error=lambda exc: self._labs_failed(exc, result),
            )
        elif result.imaging_study_ids:
            self.images.show_study(result, self._priors(result), scope)
        else:
            self.images.show_no_study()

    def open_paper_dialog(self) -> None:
        """登记纸质报告: enter a result the patient brought on paper."""
        self.paper.open_dialog()

    def _badges_changed(self) -> None:
        """A window ended while she looked: the shown result's badge is read again."""
        result = self.decision.result
        if result is None:
            return
        self.report.setHtml(self._report_html(result))
        if result.category is Category.LAB and self.labs.values:
            self.labs.title.setText(self._lab_title(result, self.labs.values))

    def _priors(self, current: Result) -> list[tuple[str, Result]]:
        """Other imaging results of the same modality, as (label, result) for comparison."""
        priors = []
        for result in self.timeline.results:
            if (
                result.id != current.id
                and result.imaging_study_ids
                and (not current.modality or result.modality == current.modality)
            ):
                hospital = self.timeline.hospitals.get(result.hospital_id)
                label = (
                    f"{china_time(result.effective):%Y-%m-%d} {result.item_name} · "
                    f"{hospital.name if hospital else result.hospital_id}"
                )
                # another platform, a PACS or the patient's own disc: named
                origin = self.timeline.source_text(result) if result.source else ""
                if origin:
                    label += f" · {origin}"
                priors.append((label, result))
        return priors

    def _images_failed(self, error: Exception, retry: Callable[[], None]) -> None:
        if not self._expired(error):
            self.banner.show_error(describe(error), retry)

    def _keep_key_image(self, key_image: KeyImage) -> None:
        self.key_images.setdefault(key_image.result_id, []).append(key_image)
        self.viewed.add(key_image.result_id)
        # said in passing, not in the result count (it stayed there over other results)
        self.message.emit(
            self.tr("Key image kept (%1 for this result)").replace(
                "%1", str(len(self.key_images[key_image.result_id]))
            )
        )

    def set_window_presets(self, presets: tuple[WindowPreset, ...]) -> None:
        """The user's window/level presets, offered in every cell."""
        self.grid.set_window_presets(presets)

    # --- decisions -------------------------------------------------------------------------
    def _show_decisions(self, result: Result) -> None:
        assessment = self.timeline.assessments.get(result.id)
        hospital = self.timeline.hospitals.get(result.hospital_id)
        self.decision.set_result(result, assessment, hospital, self.now)
        if self.context is None or self.connection is None:
            return
        self.decision.refuse_recording(
            ""
            if self.connection.session.can_record
            else self.tr(
                "You can read this record but not record a decision: your sign-in was not granted the right to write decisions (SMART scope user/Task.write). Ask the platform's administrators if you should have it."
            )
        )
        context, platform = self.context, self.connection.platform

        def load() -> tuple[list[JournalEntry], list[PlatformDecision]]:
            entries = context.journal.history(result.id)
            others: list[PlatformDecision] = []
            try:
                others = decisions_of_others(
                    platform.decisions_on(result.id, result.patient_id), context.practitioner
                )
            except PlatformError as exc:
                log.info("other doctors' decisions not shown: %s", exc.kind)
            return entries, others

        self.runner.start(
            load,
            scope=self.session.result_scope,
            on_result=lambda value: self._decisions_loaded(result, value),
            on_error=lambda exc: self.decision.show_problem(describe(exc)),
        )

    def _decisions_loaded(self, result: Result, value: Any) -> None:
        entries, others = value
        hospital = self.timeline.hospitals.get(result.hospital_id)
        source = self.timeline.rows.sources.of(result)
        origin = origin_phrase(source.kind.value, source.name)
        sentence = (
            record_sentence(entries[-1].decision, result, hospital, origin) if entries else ""
        )
        self.decision.show_entries(entries, others, sentence, self._destination(source))
        self.timeline.set_decision(result.id, decision_in_force(e.decision for e in entries))

    def _destination(self, source: RowSource) -> str:
        """The name of the platform her decisions on a result from ``source`` go to, once
        several sources are on the timeline ("" with her platform alone)."""
        if not self.timeline.rows.sources.shown:
            return ""
        if source.kind in (SourceKind.DISC, SourceKind.DICOM):
            return self.authority_name or self.timeline.rows.sources.home
        return source.name

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
            )
        except DecisionError as exc:
            self.decision.show_problem(str(exc))
            return
        # Shown at once (a second bulk accept skips it); corrected from the journal if the
        # save fails. The journal links it to the decision it supersedes when it saves it.
        self.timeline.set_decision(result.id, decision_in_force([decision]))
        # No scope: a decision is saved and audited even when she has moved on.
        self.runner.start(
            context.journal.record,
            decision,
            lane=Lane.JOURNAL,
            on_result=lambda saved: self._recorded(result, saved),
            on_error=lambda exc: self._not_recorded(result, exc),
        )

    def show_result_decisions(self) -> None:
        """Reload the decisions of the selected result (e.g. after the outbox sent them)."""
        if self.decision.result is not None:
            self._show_decisions(self.decision.result)

    def _not_recorded(self, result: Result, error: Exception) -> None:
        text = self.tr("Not saved: %1").replace("%1", str(error))
        shown = self.decision.result
        if shown is not None and shown.id == result.id:
            self.decision.show_problem(text)
        else:  # she moved on: say which decision failed, never on another result's panel
            when = china_time(result.effective)
            self.banner.show_error(f"{result.item_name} · {when:%Y-%m-%d}: {text}")
        if result.patient_id in self.session.records:
            self._refresh_badge(result)

    def _recorded(self, result: Result, saved: Decision) -> None:
        self.decision_saved.emit(saved)
        # her marks and key images of the result go with her decision (when they changed)
        self.images.annotations.save(result.id, only_if_changed=True)
        if self.decision.result is not None and self.decision.result.id == result.id:
            self.decision.clear_problem()
            self._show_decisions(result)

    def _refresh_badge(self, result: Result) -> None:
        if self.context is None:
            return
        self.runner.start(
            self.context.journal.latest,
            result.id,
            scope=self.session.patient_scope,
            lane=Lane.JOURNAL,
            on_result=lambda entry: self.timeline.set_decision(
                result.id, entry.decision if entry else None
            ),
        )

    def _accept(self) -> None:
        result = self.decision.result
        if result is None:
            return
        assessment = self.timeline.assessments.get(result.id)
        if assessment is None or assessment.eligibility.value not in INELIGIBLE_PHRASES:
            self._record(result, DecisionKind.ACCEPTED)
            return
        # the rules say no: accepting anyway is her judgement, asked for and kept on record
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Accept against the rules?"),
            self.tr(
                "This result does not meet the recognition rules: %1.\n\nAccept it anyway, with no repeat? The medical record and the summary will say that it was accepted against the rules."
            ).replace("%1", self.timeline.assessment_text(assessment)),
            parent=self,
        )
        box.setObjectName("acceptAgainstRules")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        anyway = box.addButton(self.tr("Accept anyway"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # a reflex Enter does not accept it
        scope = self.session.result_scope

        def answered() -> None:
            if box.clickedButton() is anyway and not scope.closed:
                self._record(result, DecisionKind.ACCEPTED)

        box.finished.connect(lambda _code: answered())
        box.open()

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
        timeline = self.timeline
        plan = bulk_accept_plan(timeline.results, anchor, timeline.assessments, timeline.decisions)
        self.decision.show_bulk_plan(plan)
        for result in plan.accept:
            self._record(result, DecisionKind.ACCEPTED)

    # --- printed summary ---------------------------------------------------------------------
    def open_summary(self) -> None:
        """Choose results and print or save the annotated summary."""
        if self.patient is None or self.connection is None:
            return
        preselected = self.viewed | {r for r, kind in self.timeline.decisions.items() if kind}
        name = summary_file_name(
            self.tr("Recognition summary"),
            self.patient.id_card,
            self.patient.id,
            china_time(dt.datetime.now(dt.UTC)).date(),
        )
        names = {h_id: h.name for h_id, h in self.timeline.hospitals.items()}
        dialog = SummaryDialog(
            self.timeline.results,
            preselected,
            self._summary_input,
            self.runner,
            self,
            name,
            hospital_names=names,
            source_of=self.timeline.shown_source_text,
        )
        dialog.exec()

    def _summary_input(self, chosen: list[Result], paper: PageSize) -> SummaryInput:
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
                    hospital=self.timeline.hospitals.get(result.hospital_id)
                    or self.discs.hospital_of(result),
                    decision=entry.decision if entry else None,
                    labs=tuple(labs),
                    normalized=tuple(normalize(table, v) for v in labs) if table else (),
                    key_images=tuple(self.key_images.get(result.id, [])),
                    paper_thumbnail=paper_thumbnail(platform, result),
                    source=self.timeline.rows.sources.of(result),
                )
            )
        trends: list[tuple[str, tuple[TrendPoint, ...]]] = []
        lab_values = [v for item in items for v in item.labs]
        if table is not None and lab_values:
            series = trend_series(table, platform.patient_observations(self.patient.id))
            trends = [
                (series_title(table, key), tuple(series[key]))
                for key in series_for(table, series, lab_values, SUMMARY_TRENDS)
            ]
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
            doctor_username=context.username if context is not None else "",
        )

    def _labs_failed(self, error: Exception, result: Result) -> None:
        if not self._expired(error):
            self.banner.show_error(describe(error), lambda: self.show_result(result))

    def _labs_arrived(self, result: Result, values: Any) -> None:
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
        where = hospital_label(result, self.timeline.hospitals.get(result.hospital_id))
        parts = [result.item_name, *filter(None, [where])]
        local = china_time(result.effective)
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
            parts.append(self.timeline.assessment_text(assessment))
        return " · ".join(parts)

    def _show_trends(self, result: Result, values: list[LabObservation]) -> None:
        """Trends of this report's analytes across every hospital (patient's values cached)."""
        if self.connection is None or self.patient is None or self.analytes is None:
            return
        if self._observations is None:
            platform, patient_id = self.connection.platform, self.patient.id
            result_scope = self.session.result_scope
            self.runner.start(
                platform.patient_observations,
                patient_id,
                scope=self.session.patient_scope,  # her values only, kept while she is open
                on_result=lambda all_values: self._observations_loaded(
                    result_scope, result, values, all_values
                ),
                on_error=lambda exc: log.info("trend values not loaded: %s", exc),
            )
            return
        table = self.analytes
        series = trend_series(table, self._observations)
        keys = series_for(table, series, values, SCREEN_TRENDS)
        current = {v.id for v in values}
        sensitive = any(
            (info := table.analyte(key.partition("·")[0])) is not None and info.time_sensitive
            for key in keys
        )
        window = trend_window(
            [p for key in keys for p in series[key]],
            current,
            RECENT_WINDOW if sensitive else None,
        )
        self.trends.show_trends(
            [(series_title(table, key), series[key]) for key in keys],
            self.timeline.hospitals,
            current,
            window,
        )

    def _observations_loaded(
        self, result_scope: Scope, result: Result, values: list[LabObservation], all_values: Any
    ) -> None:
        self._observations = list(all_values)
        if not result_scope.closed:
            self._show_trends(result, values)

    def _give_room(self, images: bool) -> None:
        """Images get the height (the lab values fold to the splitter's handle) and the
        width left by the report column (``page_widths``: in a narrow window the timeline
        folds away, its button brings it back); lab values get the whole height (the empty
        viewer folds away), and a lab report (no text) leaves its column to the decision
        panel."""
        sizes = self.right_splitter.sizes()
        total = sum(sizes)
        if total > 0:
            # a lab has no images: the empty viewer and its toolbars fold away entirely
            # (its handle brings them back); images take the whole height
            self.right_splitter.setSizes([total, 0] if images else [0, total])
        side_total = sum(self.side_splitter.sizes())
        if side_total > 0:
            # the report as tall as its text (between 100 px and 55 % of the column)
            document = self.report.document()
            document.setTextWidth(max(self.report.viewport().width(), 200))
            needed = int(document.size().height()) + 2 * self.report.frameWidth() + 8
            report = min(max(needed, 100), int(side_total * 0.55))
            self.side_splitter.setSizes([report, side_total - report])
        width = sum(self.main_splitter.sizes())
        if width <= 0:
            return
        widths = page_widths(width, images)
        timeline = self.main_splitter.sizes()[0]
        if images:
            narrowed = min(timeline, widths.timeline)
            if narrowed == 0 and timeline > 0:
                self._timeline_folded_for_images = True  # by the page, not by her
            timeline = narrowed
        elif timeline == 0 and self._timeline_folded_for_images:
            # folded for the last study's images: a lab needs no room for them, the list of
            # results comes back (one she folded herself stays folded)
            timeline = widths.timeline
        if timeline > 0:
            self._timeline_folded_for_images = False
        self.timeline_button.blockSignals(True)
        self.timeline_button.setChecked(timeline > 0)
        self.timeline_button.blockSignals(False)
        self.main_splitter.setSizes([timeline, max(width - timeline - widths.side, 0), widths.side])
        self.timeline.show_row_start()

    def _narrow_timeline(self, width: int) -> None:
        """The timeline gives way to the images (down to ``width`` pixels; 0 folds it)."""
        sizes = self.main_splitter.sizes()
        if width <= 0:
            self.timeline_button.setChecked(False)
        elif len(sizes) == 3 and sizes[0] > width:
            self.main_splitter.setSizes([width, sizes[1] + sizes[0] - width, sizes[2]])
            self.timeline.show_row_start()

    def _show_timeline(self, shown: bool) -> None:
        """The timeline button: fold the list of results away or bring it back."""
        sizes = self.main_splitter.sizes()
        if len(sizes) != 3:
            return
        if shown and sizes[0] == 0:
            total = sum(sizes)
            width = min(page_widths(max(total, 1), images=False).timeline, 440)
            self.main_splitter.setSizes([width, max(sizes[1] - width, 200), sizes[2]])
            self.timeline.show_row_start()
        elif not shown and sizes[0] > 0:
            self.main_splitter.setSizes([0, sizes[1] + sizes[0], sizes[2]])

    def _enlarge_images(self, enlarged: bool) -> None:
        """Hide (or bring back) the timeline and the lab values."""
        self.timeline.setVisible(not enlarged)
        self.lab_tabs.setVisible(not enlarged)

    def _report_html(self, result: Result) -> str:
        """The other hospital's report as she reads it: what it is and where from on one
        line, then its findings (检查所见) and conclusion (诊断意见) in full."""
        where = hospital_label(result, self.timeline.hospitals.get(result.hospital_id))
        facts = [where, china_time(result.effective).strftime("%Y-%m-%d %H:%M")]
        # 患者自带, a PACS's or another platform's name
        origin = self.timeline.source_text(result) if result.source else ""
        if origin:
            facts.insert(1, origin)
        facts.append(result.mark.mark if result.mark else self.tr("no HR mark"))
        assessment = self.timeline.assessments.get(result.id)
        if assessment is not None:
            badge = self.timeline.assessment_text(assessment)  # with the hours of a cardiac item
            if badge not in facts:
                facts.append(badge)
        findings_title = self.tr("Findings")
        conclusion_title = self.tr("Conclusion")
        body = (
            f"<p style='margin:0'><b style='font-size:large'>{html.escape(result.item_name)}</b>"
            f"<br><span style='color:#555'>{html.escape(' · '.join(facts))}</span></p>"
        )
        for title, text in (
            (findings_title, result.findings),
            (conclusion_title, result.conclusion),
        ):
            if text:
                paragraphs = "".join(
                    f"<p style='margin-top:2px'>{html.escape(line)}</p>"
                    for line in text.splitlines()
                    if line.strip()
                )
                body += f"<h4 style='margin-bottom:0'>{html.escape(title)}</h4>{paragraphs}"
        if not result.findings and not result.conclusion and result.paper is None:
            empty = self.tr("The report has no text.")
            body += f"<p style='color:#555'>{html.escape(empty)}</p>"
        return body + self.paper.report_html(result)

    def close_patient(self) -> None:
        """Stop loading and forget what is shown (leaving the patient or signing out)."""
        self.session.open_patient(None)
        self.discs.forget()
        # her marks are never thrown away with the patient: what changed is saved first
        self.images.annotations.save_all_changed()
        self.images.forget()
        self.timeline.clear()
        self.labs.clear()
        self.trends.show_trends([], {}, set())
        self._observations = None
        self.report.clear()
        self.decision.set_result(None, None, None, None)
        self.banner.hide()
        self.header.clear()
        self.count_label.clear()
        self._loaded = False
        self.patient = None
        self.key_images = {}
        self.viewed = set()
