"""The patient's results from every hospital on one timeline, newest first, grouped by day,
with filters. Each row shows the item, its hospital and level (and, once results come from
more than one source, where it came from: a platform, a PACS or the patient's own disc),
the recognition badge, the decision, the HR mark and the category.

The rows live in a Qt-free model (``TimelineRows``) that merges each page of results as it
arrives; the view draws only the rows on screen, so a history of 10,000 reports opens and
filters without a freeze."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from ui.source_names import source_name
from ui.timeline_cells import SEPARATOR, PairDelegate
from ui.timeline_model import RESULT_ROLE, TimelineModel
from workstation.clock import china_time, china_today
from workstation.model import Catalog, Category, Hospital, Result
from workstation.recognition.decisions import Decision, DecisionKind
from workstation.recognition.validity import Assessment, Eligibility, hourly_badge
from workstation.session.reading import ReadingSession
from workstation.session.timeline_rows import TimelineRows
from workstation.session.timeline_sources import RowSource
from workstation.sources.base import SourceKind
from workstation.timeline import TimelineFilter

# What a doctor scans first comes first: the item, where it was done (and where it came
# from), the recognition badge, the decision; these stay in view on a 1366-pixel laptop.
COL_ITEM, COL_HOSPITAL, COL_BADGE, COL_DECISION, COL_MARK, COL_CATEGORY = range(1, 7)
_COLUMNS = 7
_FIT_PRECISION = 200  # rows the column widths are measured on
# Column widths (pixels, padding included): in a narrow timeline the hospital column, then
# the item's, give up room down to their least, so that at least the badge's first words
# are in view; an elided text reads whole in its tooltip. The hospital's is never wider
# than its most.
_MIN_ITEM, _MIN_HOSPITAL, _MAX_HOSPITAL, _MIN_BADGE = 96, 110, 330, 72
_PAPER_COLOUR = "#6d4c41"  # the item of a result transcribed from paper
_BADGE_COLOURS = {
    Eligibility.VALID: "#1b7f3b",
    Eligibility.EXPIRED: "#b26a00",
    Eligibility.NOT_RECOGNIZED: "#666666",
    Eligibility.NO_MARK: "#666666",
    Eligibility.OUT_OF_REGION: "#8e24aa",
    Eligibility.BELOW_LEVEL: "#c62828",
}


class TimelineWidget(QWidget):
    """The open patient's results, as the reading session holds them, drawn from the
    timeline rows (``TimelineRows``, Qt-free; made here when not given). Emits
    ``result_selected(Result)``, and ``badges_changed()`` when a badge changed by itself (a
    window ended while she looked).

    ``clock`` gives the current time (timezone-aware); a timer set to the next moment a
    badge reads differently re-assesses the badges then.
    """

    result_selected = Signal(object)
    sources_named = Signal(bool)  # rows name their source (several present) or stop naming it
    badges_changed = Signal()

    def __init__(
        self,
        session: ReadingSession,
        parent: QWidget | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        rows: TimelineRows | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.rows = rows if rows is not None else TimelineRows(session, clock)
        self._sources_shown = False  # whether rows name their source (several are present)
        self._natural: list[int] = []  # the columns' fitted widths, before any squeeze
        self.badge_timer = QTimer(self)
        self.badge_timer.setSingleShot(True)
        self.badge_timer.timeout.connect(self.reassess)
        self._shown_id = ""  # the result last announced, so a rebuild does not announce it again

        self.hospital_box = QComboBox()
        self.hospital_box.setObjectName("hospitalFilter")
        self.category_box = QComboBox()
        self.category_box.setObjectName("categoryFilter")
        self.category_box.addItem(self.tr("All categories"), None)
        self.category_box.addItem(self.tr("Laboratory"), Category.LAB)
        self.category_box.addItem(self.tr("Imaging"), Category.IMAGING)
        self.modality_box = QComboBox()
        self.modality_box.setObjectName("modalityFilter")
        self.source_box = QComboBox()
        self.source_box.setObjectName("sourceFilter")
        self.source_box.setToolTip(self.tr("Only results from one platform, PACS or disc"))
        # as narrow as the hospital box: a platform's long name is read in the open list
        self.source_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_box.setMinimumContentsLength(5)
        self.source_box.hide()  # while every result comes from the platform she signed into
        self.valid_only = QCheckBox(self.tr("Valid only"))
        self.valid_only.setObjectName("validOnly")
        self.valid_only.setToolTip(self.tr("Only results within their validity window"))
        self.this_item = QPushButton(self.tr("This item only"))
        self.this_item.setObjectName("thisItemOnly")
        self.this_item.setCheckable(True)
        self.this_item.setEnabled(False)
        self.this_item.setToolTip(self.tr("Only results of the selected result's item"))
        self.use_dates = QCheckBox(self.tr("From"))
        self.date_from = QDateEdit()
        self.date_from.setCalendarPopup(True)
        self.date_to = QDateEdit()
        self.date_to.setCalendarPopup(True)
        day = china_today()  # the Beijing day, whatever the computer's zone
        today = QDate(day.year, day.month, day.day)
        self.date_from.setDate(today.addYears(-1))
        self.date_to.setDate(today)
        self.jump_calendar = QCalendarWidget()
        self.jump_calendar.setObjectName("jumpDate")
        self.jump_calendar.setMaximumDate(today)
        jump_menu = QMenu(self)
        calendar_action = QWidgetAction(jump_menu)
        calendar_action.setDefaultWidget(self.jump_calendar)
        jump_menu.addAction(calendar_action)
        # A push button: it makes room for its menu arrow (a tool button's instant popup
        # drew the arrow over the text).
        self.jump_button = QPushButton(self.tr("Go to date"))
        self.jump_button.setObjectName("jumpToDate")
        self.jump_button.setMenu(jump_menu)
        self.jump_calendar.clicked.connect(self._jump_picked)
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("timelineText")
        self.text_edit.setPlaceholderText(self.tr("Filter: item, hospital, conclusion…"))
        self.text_edit.setClearButtonEnabled(True)
        self.model = TimelineModel(
            self.rows,
            [
                self.tr("Time"),  # the day is its heading's
                self.tr("Item"),
                self.tr("Hospital"),
                self.tr("Recognition"),
                self.tr("Decision"),
                self.tr("HR mark"),
                self.tr("Category"),
            ],
            self._row_texts,
            self._row_colours,
            lambda day: day.isoformat(),
        )
        # A table, not a tree: a tree view lays out every row on each insertion (quadratic
        # over 100 pages of a long history); a table with fixed row heights touches only
        # what is on screen.
        self.table = QTableView()
        self.table.setObjectName("timeline")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.setCornerButtonEnabled(False)
        self._pair_delegate = PairDelegate(self._hospital_cell, self.table)
        self.table.setItemDelegateForColumn(COL_HOSPITAL, self._pair_delegate)
        self.table.viewport().installEventFilter(self)
        rows_header = self.table.verticalHeader()
        rows_header.hide()
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_header.setDefaultSectionSize(self.fontMetrics().lineSpacing() + 4)
        columns_header = self.table.horizontalHeader()
        columns_header.setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        columns_header.setHighlightSections(False)
        columns_header.setStretchLastSection(True)

        filters = QHBoxLayout()
        for widget in (self.hospital_box, self.source_box, self.category_box, self.modality_box):
            filters.addWidget(widget)
        filters.addStretch(1)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        dates.addWidget(self.text_edit, 1)
        # The one-click filters on a row of their own, so the column still fits beside the
        # images on a 1366-pixel laptop.
        quick = QHBoxLayout()
        quick.addWidget(self.valid_only)
        quick.addWidget(self.this_item)
        quick.addStretch(1)
        quick.addWidget(self.jump_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addLayout(quick)
        layout.addWidget(self.table, 1)
        self._fill_filters()
        for box in (self.hospital_box, self.source_box, self.category_box, self.modality_box):
            box.currentIndexChanged.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.valid_only.toggled.connect(self.refresh)
        self.this_item.toggled.connect(self._this_item_toggled)
        self.text_edit.textChanged.connect(self.refresh)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._current_changed)
        self.rows.inserted.connect(self._rows_inserted)
        self.rows.reset.connect(self._rows_reset)
        self.rows.badges_changed.connect(self.badges_changed.emit)
        self.session.patient_opened.connect(self._patient_opened)
        self.session.results_added.connect(self._results_added)

    # --- what the rows are computed against ------------------------------------------------
    def set_context(
        self,
        hospitals: dict[str, Hospital],
        catalog: Catalog | None,
        here_region: str,
        now: dt.datetime,
        source_catalogs: dict[str, Catalog] | None = None,
    ) -> None:
        """What the badges are computed against (another platform's results: its catalog)."""
        self.rows.set_context(hospitals, catalog, here_region, now, source_catalogs)
        self._fill_filters()
        self._schedule()

    def set_home_source(self, name: str) -> None:
        """The name of the platform she signed into first (its results' ``source`` is "")."""
        if name == self.rows.sources.home:
            return
        self.rows.sources.home = name
        self._show_sources(self.rows.sources.shown, force=True)

    def note_source(self, name: str, kind: SourceKind) -> None:
        """The results about to be added from ``name`` come from a ``kind`` source (a disc's
        rows say "patient's own" rather than the disc's name)."""
        self.rows.sources.note(name, kind)

    @property
    def results(self) -> list[Result]:
        """The open patient's results in arrival order (the session's list)."""
        return self.rows.results

    @property
    def hospitals(self) -> dict[str, Hospital]:
        """Hospitals by id (the timeline rows' context)."""
        return self.rows.hospitals

    @property
    def assessments(self) -> dict[str, Assessment]:
        """Each result's badge, by result id."""
        return self.rows.assessments

    @property
    def decisions(self) -> dict[str, DecisionKind | None]:
        """Each result's decision in force, by result id."""
        return self.rows.decisions

    def clear(self) -> None:
        """Forget the patient's badges and rows (the session forgets her results)."""
        self.badge_timer.stop()
        self.rows.clear()
        self._fill_filters()
        self._show_sources(False)

    def _patient_opened(self, _patient: object) -> None:
        self.badge_timer.stop()
        self._shown_id = ""
        self._show_sources(False)
        self._set_item_only("")

    def _results_added(self, _results: list[Result]) -> None:
        # after the rows merged the page (they subscribed first): a page from a second
        # source makes every row name its source, even when none of it passes the filter
        self._show_sources(self.rows.sources.shown)
        self._fill_filters()

    def _rows_inserted(self, first: int, count: int) -> None:
        self._span_headings(first, first + count)
        # Columns are fitted to the first rows (those on screen) when rows enter among them;
        # a page further down the history leaves the widths alone.
        if first < _FIT_PRECISION:
            self._fit_columns()
        self._schedule()

    def _rows_reset(self) -> None:
        self.table.clearSpans()
        self._span_headings(0, len(self.rows.rows))
        self._fit_columns()
        self._reselect()

    def _span_headings(self, first: int, end: int) -> None:
        """A day's heading spans the row, so the time column is only as wide as a time."""
        rows = self.rows.rows
        for at in range(first, end):
            if rows[at].result is None:
                self.table.setSpan(at, 0, 1, _COLUMNS)

    def _show_sources(self, shown: bool, *, force: bool = False) -> None:
        """Rows name their source (and the source filter shows) only when results come from
        more than the platform she signed into first."""
        if shown == self._sources_shown and not force:
            return
        self._sources_shown = shown
        self.model.set_header(
            COL_HOSPITAL, self.tr("Hospital · source") if shown else self.tr("Hospital")
        )
        self.source_box.setVisible(shown)
        self.model.forget_texts()
        self._fill_filters()
        self._fit_columns()
        self.sources_named.emit(shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """A narrower or wider timeline gives the hospital column what room there is."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._apply_widths()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Columns as wide as their texts in the first rows (those on screen), measured with
        the font: Qt's own fit asks the model for every role of hundreds of rows."""
        plain = self.table.fontMetrics()
        padding = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        widths = [plain.horizontalAdvance(title) + 24 for title in self.model.headers]
        for row in self.rows.rows[:_FIT_PRECISION]:
            if row.result is None:  # a day's heading spans the row
                continue
            for column, text in enumerate(self.model.texts_of(row.result)):
                widths[column] = max(widths[column], plain.horizontalAdvance(text))
        widths[COL_HOSPITAL] = min(widths[COL_HOSPITAL], _MAX_HOSPITAL)
        self._natural = [width + padding for width in widths]
        self._apply_widths()

    def _apply_widths(self) -> None:
        """The fitted widths, the hospital column (then the item's) giving up what the time,
        item, hospital and badge columns need beyond the timeline's width, so the badge is
        in view; an elided text reads whole in its tooltip."""
        if not self._natural:
            return
        widths = list(self._natural)
        room = self.table.viewport().width()
        over = sum(widths[: COL_BADGE + 1]) - room
        over -= max(0, widths[COL_BADGE] - _MIN_BADGE)  # the badge's words may run off
        for column, least in ((COL_HOSPITAL, _MIN_HOSPITAL), (COL_ITEM, _MIN_ITEM)):
            if over <= 0:
                break
            given = min(over, max(0, widths[column] - least))
            widths[column] -= given
            over -= given
        for column, width in enumerate(widths):
            if self.table.columnWidth(column) != width:
                self.table.setColumnWidth(column, width)

    # --- badges over time ------------------------------------------------------------------
    def _schedule(self) -> None:
        """Set the timer to the next moment a badge reads differently."""
        self.badge_timer.stop()
        edge = self.rows.next_change()
        if edge is None:
            return
        wait = (edge - self.rows.clock()).total_seconds()
        # Qt timers take int milliseconds; a late wake-up only reassesses early again.
        self.badge_timer.start(max(0, min(int(wait * 1000) + 1, 2**31 - 1)))

    def reassess(self) -> None:
        """Recompute every badge at the clock's time (a window may have ended)."""
        if self.rows.reassess():
            self.model.forget_texts()
        self._schedule()

    # --- filters ---------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        self._fill_sources()
        hospitals = sorted(self.rows.hospital_ids)
        modalities = sorted(self.rows.modalities)
        if [self.hospital_box.itemData(i) for i in range(1, self.hospital_box.count())] == (
            hospitals
        ) and [self.modality_box.itemData(i) for i in range(1, self.modality_box.count())] == (
            modalities
        ):
            return  # a page of the hospitals and modalities already listed
        hospital = self.hospital_box.currentData()
        modality = self.modality_box.currentData()
        for box in (self.hospital_box, self.modality_box):
            box.blockSignals(True)
            box.clear()
        self.hospital_box.addItem(self.tr("All hospitals"), "")
        for hospital_id in hospitals:
            known = self.hospitals.get(hospital_id)
            self.hospital_box.addItem(known.name if known else hospital_id, hospital_id)
        self.modality_box.addItem(self.tr("All modalities"), "")
        for code in modalities:
            self.modality_box.addItem(code, code)
        for box, value in ((self.hospital_box, hospital), (self.modality_box, modality)):
            index = box.findData(value)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    def _fill_sources(self) -> None:
        """The source filter's choices: every source present, named as the rows name it."""
        present = self.rows.sources.present() if self._sources_shown else []
        listed = [self.source_box.itemData(i) for i in range(1, self.source_box.count())]
        if listed == present and self.source_box.count():
            return
        chosen = self.source_box.currentData() if self.source_box.currentIndex() > 0 else None
        self.source_box.blockSignals(True)
        self.source_box.clear()
        self.source_box.addItem(self.tr("All sources"), None)
        for name in present:
            self.source_box.addItem(self._source_name(self.rows.sources.of_name(name)), name)
        index = self.source_box.findData(chosen) if chosen is not None else 0
        self.source_box.setCurrentIndex(max(index, 0))
        self.source_box.blockSignals(False)

    def current_filter(self) -> TimelineFilter:
        """The filter the controls describe."""
        dates = self.use_dates.isChecked()
        source = self.source_box.currentData() if self.source_box.currentIndex() > 0 else None
        return TimelineFilter(
            hospital_id=self.hospital_box.currentData() or "",
            source=source if self._sources_shown else None,
            category=self.category_box.currentData(),
            modality=self.modality_box.currentData() or "",
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
            text=self.text_edit.text().strip(),
            valid_only=self.valid_only.isChecked(),
            item_code=self.rows.filter.item_code,  # set by "this item only"
        )

    def refresh(self) -> None:
        """Apply the controls' filter to the rows, keeping the selection."""
        self.rows.set_filter(self.current_filter())

    def _this_item_toggled(self, checked: bool) -> None:
        selected = self.selected_result()
        self._set_item_only(selected.item_code if checked and selected is not None else "")

    def _set_item_only(self, item_code: str) -> None:
        self.this_item.blockSignals(True)
        self.this_item.setChecked(bool(item_code))
        self.this_item.blockSignals(False)
        self.this_item.setEnabled(bool(item_code) or self.selected_result() is not None)
        self.rows.set_filter(replace(self.current_filter(), item_code=item_code))

    def _jump_picked(self, day: QDate) -> None:
        menu = self.jump_button.menu()
        if menu is not None:
            menu.hide()
        self.jump_to(day.toPython())  # type: ignore[arg-type]

    def jump_to(self, day: dt.date) -> bool:
        """Scroll so the results of ``day`` (or the latest earlier day shown) are at the
        top; False when nothing that old is shown."""
        row = self.rows.row_for_day(day)
        if row is None:
            return False
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        return True

    # --- texts -----------------------------------------------------------------------------
    def _hospital_parts(self, result: Result) -> tuple[str, str, str]:
        """The hospital with its level, the hospital alone, and (once several sources are
        present) the source: ("绵阳市中心医院（三级甲等）", "绵阳市中心医院", "患者自带")."""
        hospital = self.hospitals.get(result.hospital_id)
        name = hospital.name if hospital else result.hospital_id
        if result.paper is not None:  # 纸质: the hospital as she typed it from the paper
            name = name or result.paper.hospital_name
        with_level = name
        if hospital and hospital.level_name:
            with_level += f"（{hospital.level_name}）"
        return with_level, name, self.source_text(result) if self._sources_shown else ""

    def _hospital_cell(
        self, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[str, str, str] | None:
        result = index.data(RESULT_ROLE)
        return self._hospital_parts(result) if isinstance(result, Result) else None

    def _row_texts(self, result: Result) -> list[str]:
        item_text = result.item_name
        if result.paper is not None:  # 纸质: transcribed from a paper report she was handed
            item_text = self.tr("[Paper] %1").replace("%1", item_text)
        # her decision in front of the item too: the 结论 column is off screen at 1366
        decided = self.decisions.get(result.id)
        if decided is DecisionKind.ACCEPTED:
            item_text = f"✓ {item_text}"
        elif decided is DecisionKind.REPEAT_ORDERED:
            item_text = f"↻ {item_text}"
        hospital, _name, source = self._hospital_parts(result)
        assessment = self.assessments.get(result.id)
        return [
            china_time(result.effective).strftime("%H:%M"),
            item_text,
            SEPARATOR.join(t for t in (hospital, source) if t),  # "蓬溪县中医院 · 患者自带"
            self.assessment_text(assessment) if assessment else "",
            self.decision_text(decided),
            result.mark.mark if result.mark else "",
            self.category_text(result),
        ]

    def source_text(self, result: Result) -> str:
        """Where ``result`` came from, as its row names it: the platform's or PACS's name,
        "patient's own" for a disc."""
        return self._source_name(self.rows.sources.of(result))

    def shown_source_text(self, result: Result) -> str:
        """``source_text`` while rows name their source (several are present), else ""."""
        return self.source_text(result) if self._sources_shown else ""

    def _source_name(self, source: RowSource) -> str:
        return source_name(source)  # the words the viewer's corner uses too

    def _row_colours(self, result: Result) -> list[str | None]:
        colours: list[str | None] = [None] * _COLUMNS
        assessment = self.assessments.get(result.id)
        if assessment is not None:
            colours[COL_BADGE] = _BADGE_COLOURS[assessment.eligibility]
        if result.paper is not None:
            colours[COL_ITEM] = _PAPER_COLOUR
        return colours

    def assessment_text(self, assessment: Assessment) -> str:
        """The badge of one result, with the hours of an hour-scale item: "有效（有效期24小时，
        已过3小时）"."""
        text = self.badge_text(assessment.eligibility)
        hours = hourly_badge(assessment)
        if hours is None:
            return text
        if hours.elapsed_hours is None:
            detail = self.tr("valid for %1 h").replace("%1", str(hours.validity_hours))
        else:
            detail = (
                self.tr("valid for %1 h, %2 h elapsed")
                .replace("%1", str(hours.validity_hours))
                .replace("%2", str(hours.elapsed_hours))
            )
        return self.tr("%1 (%2)").replace("%1", text).replace("%2", detail)

    def badge_text(self, eligibility: Eligibility) -> str:
        """Localized badge."""
        return {
            Eligibility.VALID: self.tr("Valid"),
            Eligibility.EXPIRED: self.tr("Expired"),
            Eligibility.NOT_RECOGNIZED: self.tr("Not a recognized item"),
            Eligibility.NO_MARK: self.tr("No HR mark"),
            Eligibility.OUT_OF_REGION: self.tr("Out of region"),
            Eligibility.BELOW_LEVEL: self.tr("Hospital level too low"),
        }[eligibility]

    def category_text(self, result: Result) -> str:
        """Lab, or imaging with its modality."""
        if result.category is Category.LAB:
            return self.tr("Lab")
        if result.category is Category.IMAGING:
            return self.tr("Imaging") + (f" · {result.modality}" if result.modality else "")
        return self.tr("Other")

    def decision_text(self, kind: DecisionKind | None) -> str:
        """Localized decision in force."""
        if kind is DecisionKind.ACCEPTED:
            return self.tr("✓ accepted")
        if kind is DecisionKind.REPEAT_ORDERED:
            return self.tr("↻ repeat")
        return ""

    def set_decisions(self, in_force: Mapping[str, Decision]) -> None:
        """The decisions in force already in the journal, per result id."""
        self.rows.set_decisions(in_force)

    def set_decision(self, result_id: str, in_force: Decision | None) -> None:
        """Update one row's decision column to the decision in force (None: no decision)."""
        self.rows.set_decision(result_id, in_force)

    # --- selection -------------------------------------------------------------------------
    def selected_result(self) -> Result | None:
        """The result of the current row."""
        value = self.table.currentIndex().data(RESULT_ROLE)
        return value if isinstance(value, Result) else None

    def visible_results(self) -> list[Result]:
        """The results rows currently shown, top to bottom."""
        return self.rows.visible_results()

    def show_row_start(self) -> None:
        """Back to the first columns (date, item, hospital), the current row in view: a list
        narrowed beside the images shows where each row begins, not the column she last
        clicked (the date headings were cut to "19", "22"). Once the splitter has laid the
        list out anew."""
        QTimer.singleShot(0, self, self._scroll_to_row_start)

    def _scroll_to_row_start(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(self.model.index(current.row(), 0))
        self.table.horizontalScrollBar().setValue(0)

    def select(self, result_id: str) -> bool:
        """Select the row of a result; False when it is not shown."""
        row = self.rows.row_of(result_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _reselect(self) -> None:
        """After a rebuild, the result she was on is current again when still shown; when
        a filter hides it, the first result shown takes its place (the panes must not go
        on showing, and offering decisions on, a result the list no longer shows)."""
        if not self._shown_id:
            return
        if self.rows.row_of(self._shown_id) is not None:
            self.select(self._shown_id)
            return
        first = self.rows.first_result()
        if first is not None:
            self.select(first.id)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(RESULT_ROLE)
        if not isinstance(value, Result):
            return
        self.this_item.setEnabled(True)
        if value.id == self._shown_id:
            return
        self._shown_id = value.id
        self.result_selected.emit(value)
