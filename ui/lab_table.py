"""Lab values of one report: item (LOINC on hover), value, unit, this hospital's range and
its high/low flags as reported (with where its range reads the value otherwise, see
workstation.labs.flags); switchable between "as reported" and normalized units (the
original value and unit always visible)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.lab_flags import flag_text, flag_tooltip
from workstation.labs.flags import LabFlag, lab_flag
from workstation.labs.normalize import NormalizedValue
from workstation.labs.shown import converted_texts, reported_texts
from workstation.model import LabObservation

_HIGH = QColor("#c62828")
_LOW = QColor("#1565c0")
_QUESTIONED = QColor("#b26a00")  # outside the range, not flagged by the hospital


def _flag_colour(flag: LabFlag) -> QColor | None:
    """Red/blue for the hospital's high/low flags, amber for an unflagged value outside its
    range, none otherwise."""
    if flag.questioned:
        return _QUESTIONED
    return {1: _HIGH, -1: _LOW}.get(flag.direction) if flag.flagged else None


class LabTable(QWidget):
    """A read-only table of lab values with a normalized-units switch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("labTitle")
        self.title.setWordWrap(True)
        self.normalized_box = QCheckBox(self.tr("Normalized units"))
        self.normalized_box.setObjectName("normalizedBox")
        self.normalized_box.setToolTip(
            self.tr("Convert to one unit per analyte; the value as reported stays visible")
        )
        self.normalized_box.toggled.connect(self._redraw)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("labTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Item"),
                self.tr("Result"),
                self.tr("Unit"),
                self.tr("Reference range"),
                self.tr("Flag"),
                self.tr("As reported"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # The value sits next to the item's name: the columns take their contents' width
        # and the last one takes what is left (a stretched name column pushed the value
        # ~1300 px away on a wide screen).
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.normalized_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.values: list[LabObservation] = []
        self.normalized: list[NormalizedValue] = []

    def show_values(
        self, title: str, values: list[LabObservation], normalized: list[NormalizedValue]
    ) -> None:
        """Fill the table (``normalized`` runs parallel to ``values``)."""
        self.title.setText(title)
        self.values, self.normalized = values, normalized
        self._redraw()

    def _redraw(self) -> None:
        normalized_mode = self.normalized_box.isChecked()
        self.table.setColumnHidden(5, not normalized_mode)
        self.table.setRowCount(len(self.values))
        for row, obs in enumerate(self.values):
            norm = self.normalized[row] if row < len(self.normalized) else None
            # The hospital's flag as reported, checked against its own range (whatever
            # units are shown).
            flag = lab_flag(obs)
            reported = reported_texts(obs, gap=" ")
            shown = reported
            problem = ""
            if normalized_mode and norm is not None:
                if norm.problem:
                    problem = (
                        self.tr("⚠ shown as reported: unit cannot be converted")
                        if norm.problem == "unknown_unit"
                        else self.tr("⚠ shown as reported: unknown analyte")
                    )
                else:
                    shown = converted_texts(obs, norm, gap=" ")
            cells = [
                obs.name,
                shown.value,
                shown.unit,
                shown.range,
                " ".join(filter(None, [flag_text(flag), problem])),
                f"{reported.value} {reported.unit}".strip(),
            ]
            colour = _flag_colour(flag)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setToolTip(
                        f"LOINC {obs.loinc} · {obs.local_code}"
                        + (f" · {obs.specimen}" if obs.specimen else "")
                    )
                if column == 4 and flag.disagrees:
                    item.setToolTip(flag_tooltip(flag))
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 260))

    def clear(self) -> None:
        """Empty."""
        self.title.clear()
        self.values, self.normalized = [], []
        self.table.setRowCount(0)
