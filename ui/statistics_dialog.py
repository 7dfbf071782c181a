"""The doctor's own statistics: reviewed, acceptance by category and hospital, repeat reasons
as a bar chart, yuan saved; over a date range; CSV export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.bar_chart import BarChart
from ui.save_dialog import ask_save_path
from ui.workers import TaskRunner
from workstation.atomic import write_bytes_atomic
from workstation.clock import china_today
from workstation.journal import Journal
from workstation.model import Catalog, Hospital
from workstation.recognition.stats import Statistics, compute, to_csv
from workstation.session.lanes import Lane


class StatisticsDialog(QDialog):
    """Computes on the task runner; never blocks the window."""

    def __init__(
        self,
        journal: Journal,
        catalog: Catalog | None,
        runner: TaskRunner,
        hospitals: dict[str, Hospital],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("My recognition statistics"))
        self.resize(900, 640)
        self.journal, self.catalog, self.runner, self.hospitals = (
            journal,
            catalog,
            runner,
            hospitals,
        )
        day = china_today()  # the Beijing day, whatever the computer's zone
        today = QDate(day.year, day.month, day.day)
        self.start_edit = QDateEdit(today.addMonths(-1))
        self.end_edit = QDateEdit(today)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.dateChanged.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("statsSummary")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("statsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Group"), self.tr("Decided"), self.tr("Accepted %")]
        )
        self.table.setMinimumWidth(300)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.plot = BarChart(self.tr("Repeat reasons"), "#c62828")
        self.plot.setObjectName("reasonChart")
        self.plot.setMinimumWidth(360)
        export = QPushButton(self.tr("Export CSV…"))
        export.clicked.connect(self.export_csv)
        self.message = QLabel()
        self.message.setObjectName("statsMessage")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From")))
        top.addWidget(self.start_edit)
        top.addWidget(QLabel(self.tr("to")))
        top.addWidget(self.end_edit)
        top.addStretch(1)
        top.addWidget(export)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.plot, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        self.refresh()

    def _range(self) -> tuple[dt.date, dt.date]:
        return (self.start_edit.date().toPython(), self.end_edit.date().toPython())  # type: ignore[return-value]

    def refresh(self) -> None:
        """Recompute for the chosen range."""
        start, end = self._range()
        journal, catalog = self.journal, self.catalog
        self.runner.start(
            lambda: compute(journal.all(), catalog, start, end),
            on_result=self.show_statistics,
            lane=Lane.JOURNAL,
        )

    def show_statistics(self, stats: Any) -> None:
        """Fill the summary, table and chart."""
        assert isinstance(stats, Statistics)
        self.stats = stats
        self.summary.setText(
            self.tr("Reviewed %1 · accepted %2 · repeats %3 (refusals %4) · saved for patients ¥%5")
            .replace("%1", str(stats.reviewed))
            .replace("%2", str(stats.accepted))
            .replace("%3", str(stats.repeated))
            .replace("%4", str(stats.refusals))
            .replace("%5", f"{stats.saved_yuan:,.2f}")
        )
        rows: list[tuple[str, int, float]] = []
        names = {"lab": self.tr("Laboratory"), "imaging": self.tr("Imaging")}
        for key, rate in sorted(stats.by_category.items()):
            rows.append((names.get(key, key), rate.decided, rate.percent))
        for key, rate in sorted(stats.by_hospital.items()):
            hospital = self.hospitals.get(key)
            rows.append((hospital.name if hospital else key, rate.decided, rate.percent))
        self.table.setRowCount(len(rows))
        for row, (name, decided, percent) in enumerate(rows):
            for column, text in enumerate((name, str(decided), f"{percent:.0f}")):
                self.table.setItem(row, column, QTableWidgetItem(text))
        reasons = stats.reasons.most_common()
        self.plot.show_bars(
            [label for label, _ in reasons],
            [count for _, count in reasons],
            empty_text=self.tr("No repeats in this period"),
        )
        # never an empty view: say why nothing is counted
        self.message.setText(
            ""
            if stats.reviewed
            else self.tr(
                "You recorded no decision on this computer between these dates. Decisions "
                "are counted from the day they are made; choose an earlier start date to "
                "see older ones."
            )
        )

    def export_csv(self) -> None:
        """Save the decisions of the range as CSV (written on a worker)."""
        start, end = self._range()
        title = self.tr("My recognition decisions")
        path = ask_save_path(
            self,
            self.tr("Export CSV"),
            self.tr("CSV files (*.csv)"),
            "csv",
            f"{title}_{start}_{end}.csv",
        )
        if path is not None:
            self.write_csv(path)

    def write_csv(self, path: Path) -> None:
        """Write the CSV for the chosen range to ``path``."""
        start, end = self._range()
        journal = self.journal
        self.runner.start(
            lambda: write_bytes_atomic(path, to_csv(journal.all(), start, end).encode("utf-8")),
            on_result=lambda _none: self.message.setText(
                self.tr("Saved %1").replace("%1", str(path))
            ),
            on_error=lambda exc: self.message.setText(
                self.tr("Not saved: %1").replace("%1", str(exc))
            ),
            lane=Lane.JOURNAL,
        )
