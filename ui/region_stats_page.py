"""The administrator's page: the region's recognition over a chosen period — acceptance and
repeat rates by issuing hospital and by item, repeats by reason, yuan saved — as charts and
a table, with CSV export. The figures come from the platform (fetched on the task runner)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.bar_chart import BarChart
from ui.messages import describe
from ui.save_dialog import ask_save_path
from ui.workers import TaskRunner
from workstation.atomic import write_bytes_atomic
from workstation.clock import china_today
from workstation.recognition.region_stats import Group, RegionStatistics, region_csv
from workstation.session.scope import Scope

Fetch = Callable[[dt.date | None, dt.date | None], RegionStatistics]
CHART_ROWS = 10  # the groups a chart shows (the table lists them all)


class RegionStatisticsPage(QWidget):
    """Call ``start(fetch)`` once signed in; ``fetch(start, end)`` runs on a worker."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regionStatistics")
        self.runner = runner
        self.fetch: Fetch | None = None
        self.stats: RegionStatistics | None = None
        self._scope = Scope("region statistics")
        title = QLabel(self.tr("Recognition in the region"))
        font = title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        title.setFont(font)
        day = china_today()  # the Beijing day, whatever the computer's zone
        today = QDate(day.year, day.month, day.day)
        self.start_edit = QDateEdit(today.addMonths(-3))
        self.end_edit = QDateEdit(today)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _date: self.refresh())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setObjectName("exportRegionCsv")
        self.export_button.clicked.connect(self.export_csv)
        self.export_button.setEnabled(False)
        self.summary = QLabel()
        self.summary.setObjectName("regionSummary")
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("regionMessage")
        self.message.setWordWrap(True)
        self.hospital_chart = BarChart(self.tr("Acceptance by issuing hospital (%)"), "#2e7d32")
        self.item_chart = BarChart(self.tr("Repeat rate by item (%)"), "#c62828")
        self.reason_chart = BarChart(self.tr("Repeats by reason"), "#b26a00")
        for chart, name in (
            (self.hospital_chart, "hospitalChart"),
            (self.item_chart, "itemChart"),
            (self.reason_chart, "reasonChart"),
        ):
            chart.setObjectName(name)
            chart.setMinimumHeight(200)
        self.table = QTableWidget(0, 8)
        self.table.setObjectName("regionTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Group"),
                self.tr("Name"),
                self.tr("Decided"),
                self.tr("Accepted"),
                self.tr("Accepted %"),
                self.tr("Repeated %"),
                self.tr("Refusals"),
                self.tr("Saved (yuan)"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("From")))
        top.addWidget(self.start_edit)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.end_edit)
        top.addWidget(self.refresh_button)
        top.addWidget(self.export_button)
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.hospital_chart, 0, 0)
        grid.addWidget(self.item_chart, 0, 1)
        grid.addWidget(self.reason_chart, 0, 2)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period (inclusive)."""
        start: dt.date = self.start_edit.date().toPython()  # type: ignore[assignment]
        end: dt.date = self.end_edit.date().toPython()  # type: ignore[assignment]
        return start, end

    def start(self, fetch: Fetch) -> None:
        """Begin showing the platform's figures (after sign-in)."""
        self.fetch = fetch
        self.refresh()

    def stop(self) -> None:
        """Forget the figures and drop late answers (sign-out)."""
        self.fetch = None
        self._scope.close()
        self.stats = None
        self.summary.clear()
        self.message.clear()
        self.table.setRowCount(0)
        self.export_button.setEnabled(False)
        for chart in (self.hospital_chart, self.item_chart, self.reason_chart):
            chart.show_bars([], [])

    def refresh(self) -> None:
        """Fetch the figures of the chosen period; an older answer is dropped."""
        if self.fetch is None:
            return
        start, end = self.period()
        if end < start:
            self.message.setText(self.tr("The period ends before it starts."))
            return
        self._scope.close()
        self._scope = Scope("region statistics")
        self.message.setText(self.tr("Loading the region's figures…"))
        self.runner.start(
            self.fetch,
            start,
            end,
            scope=self._scope,
            on_result=self.show_statistics,
            on_error=lambda exc: self.message.setText(describe(exc)),
        )

    def _paper_text(self, stats: RegionStatistics) -> str:
        """The part of the figures on reports transcribed from paper, shown apart."""
        paper = stats.paper
        if paper is None or not paper.decided:
            return ""
        return (
            self.tr("\nOf these, on paper reports: decided %1 · accepted %2 · repeats %3 · ¥%4")
            .replace("%1", str(paper.decided))
            .replace("%2", str(paper.accepted))
            .replace("%3", str(paper.repeated))
            .replace("%4", f"{paper.saved_yuan:,.2f}")
        )

    def show_statistics(self, value: Any) -> None:
        """Fill the summary, the three charts and the table."""
        assert isinstance(value, RegionStatistics)
        self.stats = stats = value
        self.export_button.setEnabled(True)
        t = stats.totals
        self.summary.setText(
            self.tr(
                "Decided %1 · accepted %2 (%3%) · repeats %4 (%5%), of which refusals %6 · "
                "saved for patients ¥%7"
            )
            .replace("%1", str(t.decided))
            .replace("%2", str(t.accepted))
            .replace("%3", f"{t.acceptance_percent:.0f}")
            .replace("%4", str(t.repeated))
            .replace("%5", f"{t.repeat_percent:.0f}")
            .replace("%6", str(t.refusals))
            .replace("%7", f"{t.saved_yuan:,.2f}")
            + self._paper_text(stats)
        )
        self.message.setText(
            "" if t.decided else self.tr("No decisions were recorded in the region in this period.")
        )
        empty = self.tr("No decisions in this period")
        hospitals = stats.by_hospital[:CHART_ROWS]
        self.hospital_chart.show_bars(
            [g.name or g.key for g in hospitals],
            [g.acceptance_percent for g in hospitals],
            percent=True,
            value_texts=[
                f"{g.acceptance_percent:.0f}%（{g.accepted}/{g.decided}）" for g in hospitals
            ],
            empty_text=empty,
        )
        items = stats.by_item[:CHART_ROWS]
        self.item_chart.show_bars(
            [g.name or g.key for g in items],
            [g.repeat_percent for g in items],
            percent=True,
            value_texts=[f"{g.repeat_percent:.0f}%（{g.repeated}/{g.decided}）" for g in items],
            empty_text=empty,
        )
        reasons = stats.by_reason[:CHART_ROWS]
        self.reason_chart.show_bars(
            [r.label or r.code for r in reasons],
            [r.count for r in reasons],
            empty_text=self.tr("No repeats in this period"),
        )
        rows: list[tuple[str, Group]] = [(self.tr("Region"), t)]
        rows += [(self.tr("Hospital"), g) for g in stats.by_hospital]
        rows += [(self.tr("Item"), g) for g in stats.by_item]
        self.table.setRowCount(len(rows) + len(stats.by_reason))
        for row, (section, g) in enumerate(rows):
            texts = (
                section,
                g.name or g.key,
                str(g.decided),
                str(g.accepted),
                f"{g.acceptance_percent:.0f}",
                f"{g.repeat_percent:.0f}",
                str(g.refusals),
                f"{g.saved_yuan:,.2f}",
            )
            for column, text in enumerate(texts):
                self.table.setItem(row, column, QTableWidgetItem(text))
        for offset, reason in enumerate(stats.by_reason):
            row = len(rows) + offset
            self.table.setItem(row, 0, QTableWidgetItem(self.tr("Repeat reason")))
            self.table.setItem(row, 1, QTableWidgetItem(reason.label or reason.code))
            self.table.setItem(row, 2, QTableWidgetItem(str(reason.count)))
            refusals = reason.count if reason.counts_as_refusal else 0
            self.table.setItem(row, 6, QTableWidgetItem(str(refusals)))
        self.table.resizeColumnsToContents()

    def csv_headings(self) -> dict[str, str]:
        """The words the CSV prints for its sections and columns."""
        return {
            "period": self.tr("Period"),
            "section": self.tr("Group"),
            "name": self.tr("Name"),
            "decided": self.tr("Decided"),
            "accepted": self.tr("Accepted"),
            "repeated": self.tr("Repeated"),
            "refusals": self.tr("Refusals"),
            "acceptance": self.tr("Accepted %"),
            "repeat_rate": self.tr("Repeated %"),
            "saved": self.tr("Saved (yuan)"),
            "total": self.tr("Region"),
            "hospital": self.tr("Hospital"),
            "item": self.tr("Item"),
            "reason": self.tr("Repeat reason"),
        }

    def default_csv_name(self) -> str:
        """区域互认统计_2026-09-01_2026-12-01.csv."""
        start, end = self.period()
        title = self.tr("Region recognition statistics")
        return f"{title}_{start}_{end}.csv"

    def export_csv(self) -> None:
        """Ask where (Qt's own dialog, Documents folder) and save the shown figures."""
        if self.stats is None:
            return
        path = ask_save_path(
            self,
            self.tr("Export CSV"),
            self.tr("CSV files (*.csv)"),
            "csv",
            self.default_csv_name(),
        )
        if path is not None:
            self.write_csv(path)

    def write_csv(self, path: Path) -> None:
        """Write the shown figures to ``path`` as CSV (UTF-8 with BOM, on a worker)."""
        if self.stats is None:
            return
        data = region_csv(self.stats, self.csv_headings()).encode("utf-8")
        self.runner.start(
            write_bytes_atomic,
            path,
            data,
            on_result=lambda _none: self.message.setText(
                self.tr("Saved %1").replace("%1", str(path))
            ),
            on_error=lambda exc: self.message.setText(
                self.tr("Not saved: %1").replace("%1", str(exc))
            ),
        )
