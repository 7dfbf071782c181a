"""The patient's results from every hospital on one timeline, newest first, grouped by day,
with filters. Each row shows hospital and level, category, item, HR mark and validity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.clock import china_time
from workstation.model import Catalog, Category, Hospital, Result
from workstation.recognition.decisions import Decision, DecisionKind
from workstation.recognition.validity import (
    Assessment,
    Eligibility,
    assess,
    hourly_badge,
    next_badge_change,
)
from workstation.session.reading import ReadingSession
from workstation.timeline import TimelineFilter, group_by_day

# What a doctor scans first comes first: item, recognition badge, decision.
COL_ITEM, COL_BADGE, COL_DECISION, COL_MARK, COL_CATEGORY, COL_HOSPITAL = range(1, 7)
_BADGE_COLOURS = {
    Eligibility.VALID: "#1b7f3b",
    Eligibility.EXPIRED: "#b26a00",
    Eligibility.NOT_RECOGNIZED: "#666666",
    Eligibility.NO_MARK: "#666666",
    Eligibility.OUT_OF_REGION: "#8e24aa",
    Eligibility.BELOW_LEVEL: "#c62828",
}


class TimelineWidget(QWidget):
    """The open patient's results, as the reading session holds them (this widget keeps no
    copy: it observes ``session.results_added``). Emits ``result_selected(Result)``, and
    ``badges_changed()`` when a badge changed by itself (a window ended while she looked).

    ``clock`` gives the current time (timezone-aware); a timer set to the next moment a
    badge reads differently (``next_badge_change``) re-assesses the badges then.
    """

    result_selected = Signal(object)
    badges_changed = Signal()

    def __init__(
        self,
        session: ReadingSession,
        parent: QWidget | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.clock = clock
        self.badge_timer = QTimer(self)
        self.badge_timer.setSingleShot(True)
        self.badge_timer.timeout.connect(self.reassess)
        session.results_added.connect(self.add_results)
        self.hospitals: dict[str, Hospital] = {}
        self.catalog: Catalog | None = None
        self.here_region = ""
        self.now = dt.datetime.now(dt.UTC)
        self.assessments: dict[str, Assessment] = {}
        self.decisions: dict[str, DecisionKind | None] = {}  # kind in force, per result

        self.hospital_box = QComboBox()
        self.hospital_box.setObjectName("hospitalFilter")
        self.category_box = QComboBox()
        self.category_box.setObjectName("categoryFilter")
        self.category_box.addItem(self.tr("All categories"), None)
        self.category_box.addItem(self.tr("Laboratory"), Category.LAB)
        self.category_box.addItem(self.tr("Imaging"), Category.IMAGING)
        self.modality_box = QComboBox()
        self.modality_box.setObjectName("modalityFilter")
        self.use_dates = QCheckBox(self.tr("From"))
        self.date_from = QDateEdit()
        self.date_from.setCalendarPopup(True)
        self.date_to = QDateEdit()
        self.date_to.setCalendarPopup(True)
        today = QDate.currentDate()
        self.date_from.setDate(today.addYears(-1))
        self.date_to.setDate(today)
        self.text_edit = QLineEdit()
        self.text_edit.setObjectName("timelineText")
        self.text_edit.setPlaceholderText(self.tr("Filter: item, hospital, conclusion…"))
        self.text_edit.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline")
        self.tree.setColumnCount(7)
        self.tree.setHeaderLabels(
            [
                self.tr("Date / time"),
                self.tr("Item"),
                self.tr("Recognition"),
                self.tr("Decision"),
                self.tr("HR mark"),
                self.tr("Category"),
                self.tr("Hospital"),
            ]
        )
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)

        filters = QHBoxLayout()
        for widget in (self.hospital_box, self.category_box, self.modality_box):
            filters.addWidget(widget)
        filters.addStretch(1)
        dates = QHBoxLayout()
        dates.addWidget(self.use_dates)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        dates.addWidget(self.text_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.tree, 1)
        self._fill_filters()
        for box in (self.hospital_box, self.category_box, self.modality_box):
            box.currentIndexChanged.connect(self.refresh)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self.refresh)
        self.use_dates.toggled.connect(self.refresh)
        self.text_edit.textChanged.connect(self.refresh)
        self.tree.currentItemChanged.connect(self._current_changed)

    def set_context(
        self,
        hospitals: dict[str, Hospital],
        catalog: Catalog | None,
        here_region: str,
        now: dt.datetime,
    ) -> None:
        """What the badges are computed against."""
        self.hospitals, self.catalog = hospitals, catalog
        self.here_region, self.now = here_region, now

    @property
    def results(self) -> list[Result]:
        """The open patient's results in arrival order (the session's list)."""
        return self.session.results

    def clear(self) -> None:
        """Forget the patient's badges and rows (the session forgets her results)."""
        self.badge_timer.stop()
        self.assessments = {}
        self.decisions = {}
        self.tree.clear()
        self._fill_filters()

    def add_results(self, results: list[Result]) -> None:
        """Show a page of results the session has just kept (newest first on screen)."""
        self._assess(results)
        self._fill_filters()
        self.refresh()

    def _assess(self, results: list[Result]) -> None:
        if self.catalog is not None:
            for result in results:
                self.assessments[result.id] = assess(
                    result,
                    self.catalog,
                    self.hospitals.get(result.hospital_id),
                    self.here_region,
                    self.now,
                )
        self._schedule()

    def _schedule(self) -> None:
        """Set the timer to the next moment a badge reads differently."""
        self.badge_timer.stop()
        edge = next_badge_change(self.assessments.values(), self.now)
        if edge is None:
            return
        wait = (edge - self.clock()).total_seconds()
        # Qt timers take int milliseconds; a late wake-up only reassesses early again.
        self.badge_timer.start(max(0, min(int(wait * 1000) + 1, 2**31 - 1)))

    def reassess(self) -> None:
        """Recompute every badge at the clock's time (a window may have ended)."""
        self.now = self.clock()
        before = {k: (a.eligibility, hourly_badge(a)) for k, a in self.assessments.items()}
        self._assess(self.results)
        after = {k: (a.eligibility, hourly_badge(a)) for k, a in self.assessments.items()}
        if after != before:
            self.refresh()
            self.badges_changed.emit()

    def _fill_filters(self) -> None:
        hospital = self.hospital_box.currentData()
        modality = self.modality_box.currentData()
        for box in (self.hospital_box, self.modality_box):
            box.blockSignals(True)
            box.clear()
        self.hospital_box.addItem(self.tr("All hospitals"), "")
        for hospital_id in sorted({r.hospital_id for r in self.results}):
            known = self.hospitals.get(hospital_id)
            self.hospital_box.addItem(known.name if known else hospital_id, hospital_id)
        self.modality_box.addItem(self.tr("All modalities"), "")
        for code in sorted({r.modality for r in self.results if r.modality}):
            self.modality_box.addItem(code, code)
        for box, value in ((self.hospital_box, hospital), (self.modality_box, modality)):
            index = box.findData(value)
            box.setCurrentIndex(max(index, 0))
            box.blockSignals(False)

    def current_filter(self) -> TimelineFilter:
        """The filter the controls describe."""
        dates = self.use_dates.isChecked()
        return TimelineFilter(
            hospital_id=self.hospital_box.currentData() or "",
            category=self.category_box.currentData(),
            modality=self.modality_box.currentData() or "",
            date_from=self.date_from.date().toPython() if dates else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dates else None,  # type: ignore[arg-type]
            text=self.text_edit.text().strip(),
        )

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

    def refresh(self) -> None:
        """Rebuild the tree from the results and the filter, keeping the selection."""
        selected = self.selected_result()
        criteria = self.current_filter()
        shown = [r for r in self.results if criteria.matches(r, self.hospitals)]
        self.tree.setUpdatesEnabled(False)
        self.tree.blockSignals(True)
        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        keep: QTreeWidgetItem | None = None
        for day, results in group_by_day(shown):
            group = QTreeWidgetItem([day.isoformat()])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for result in results:
                item = self._row(result)
                group.addChild(item)
                if selected is not None and result.id == selected.id:
                    keep = item
            group.setExpanded(True)
        self.tree.blockSignals(False)
        self.tree.setUpdatesEnabled(True)
        if keep is not None:
            self.tree.setCurrentItem(keep)
        for column in range(7):
            self.tree.resizeColumnToContents(column)
        # Long hospital names are elided so the badge and decision columns stay in view.
        self.tree.setColumnWidth(COL_HOSPITAL, min(self.tree.columnWidth(COL_HOSPITAL), 190))

    def _row(self, result: Result) -> QTreeWidgetItem:
        hospital = self.hospitals.get(result.hospital_id)
        hospital_text = hospital.name if hospital else result.hospital_id
        if hospital and hospital.level_name:
            hospital_text += f"（{hospital.level_name}）"
        mark = result.mark.mark if result.mark else ""
        assessment = self.assessments.get(result.id)
        badge = self.assessment_text(assessment) if assessment else ""
        item = QTreeWidgetItem(
            [
                china_time(result.effective).strftime("%H:%M"),
                result.item_name,
                badge,
                self.decision_text(self.decisions.get(result.id)),
                mark,
                self.category_text(result),
                hospital_text,
            ]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, result)
        if assessment is not None:
            item.setForeground(COL_BADGE, QBrush(QColor(_BADGE_COLOURS[assessment.eligibility])))
        return item

    def decision_text(self, kind: DecisionKind | None) -> str:
        """Localized decision in force."""
        if kind is DecisionKind.ACCEPTED:
            return self.tr("✓ accepted")
        if kind is DecisionKind.REPEAT_ORDERED:
            return self.tr("↻ repeat")
        return ""

    def set_decisions(self, in_force: Mapping[str, Decision]) -> None:
        """The decisions in force already in the journal, per result id."""
        for result_id, decision in in_force.items():
            self.decisions[result_id] = decision.kind
        self.refresh()

    def _result_rows(self) -> Iterator[tuple[QTreeWidgetItem, Result]]:
        """The result rows under the day groups, top to bottom, with their results."""
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is None:
                continue
            for j in range(group.childCount()):
                child = group.child(j)
                result = child.data(0, Qt.ItemDataRole.UserRole) if child is not None else None
                if child is not None and isinstance(result, Result):
                    yield child, result

    def set_decision(self, result_id: str, in_force: Decision | None) -> None:
        """Update one row's decision column to the decision in force (None: no decision)."""
        self.decisions[result_id] = in_force.kind if in_force is not None else None
        for row, result in self._result_rows():
            if result.id == result_id:
                row.setText(COL_DECISION, self.decision_text(self.decisions[result_id]))

    def selected_result(self) -> Result | None:
        """The result of the current row."""
        item = self.tree.currentItem()
        value = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, Result) else None

    def visible_results(self) -> list[Result]:
        """The results rows currently shown, top to bottom."""
        return [result for _row, result in self._result_rows()]

    def select(self, result_id: str) -> bool:
        """Select the row of a result; False when it is not shown."""
        for row, result in self._result_rows():
            if result.id == result_id:
                self.tree.setCurrentItem(row)
                return True
        return False

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        value = current.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(value, Result):
            self.result_selected.emit(value)
