"""Lab values of one report: item, value, unit, this hospital's range, high/low flag."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.model import Interpretation, LabObservation

_HIGH = QColor("#c62828")
_LOW = QColor("#1565c0")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class LabTable(QWidget):
    """A read-only table of lab values."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("labTitle")
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("labTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Result"),
                self.tr("Unit"),
                self.tr("Reference range"),
                self.tr("Flag"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table)

    def flag_text(self, flag: Interpretation) -> str:
        """Arrow and words for a flag."""
        return {
            Interpretation.HIGH: self.tr("↑ high"),
            Interpretation.LOW: self.tr("↓ low"),
            Interpretation.CRITICAL_HIGH: self.tr("↑↑ critical"),
            Interpretation.CRITICAL_LOW: self.tr("↓↓ critical"),
            Interpretation.ABNORMAL: self.tr("abnormal"),
        }.get(flag, "")

    def show_values(self, title: str, values: list[LabObservation]) -> None:
        """Fill the table."""
        self.title.setText(title)
        self.table.setRowCount(len(values))
        for row, obs in enumerate(values):
            if obs.ref_low is not None and obs.ref_high is not None:
                reference = f"{obs.ref_low:g}–{obs.ref_high:g}"
            elif obs.ref_high is not None:
                reference = f"≤ {obs.ref_high:g}"
            elif obs.ref_low is not None:
                reference = f"≥ {obs.ref_low:g}"
            else:
                reference = ""
            cells = [
                obs.name,
                _number(obs.value) or obs.value_text,
                obs.unit,
                reference,
                self.flag_text(obs.interpretation),
            ]
            colour = {
                Interpretation.HIGH: _HIGH,
                Interpretation.CRITICAL_HIGH: _HIGH,
                Interpretation.LOW: _LOW,
                Interpretation.CRITICAL_LOW: _LOW,
            }.get(obs.interpretation)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(f"LOINC {obs.loinc} · {obs.local_code}")
                if column in (1, 4) and colour is not None:
                    item.setForeground(QBrush(colour))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if column in (1, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def clear(self) -> None:
        """Empty."""
        self.title.clear()
        self.table.setRowCount(0)
