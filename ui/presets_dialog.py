"""Settings → window presets: the user's own window/level presets, edited in a table."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.imaging import presets as core
from workstation.imaging.presets import (
    DEFAULT_PRESETS,
    MAX_NAME_LENGTH,
    WindowPreset,
    normalize_modality,
    validate_preset,
)

MODALITY, NAME, CENTER, WIDTH = range(4)
_INVALID_BACKGROUND = QColor("#fde7ea")
_ModelIndex = QModelIndex | QPersistentModelIndex


# One literal per text so that lupdate can extract it (hence the long lines).
# fmt: off
def preset_display_name(name: str) -> str:
    """A preset's name as shown: the built-in English names in the interface language,
    anything the user typed as typed."""
    built_in = {
        "Brain": QCoreApplication.translate("PresetsDialog", "Brain"),
        "Subdural": QCoreApplication.translate("PresetsDialog", "Subdural"),
        "Stroke": QCoreApplication.translate("PresetsDialog", "Stroke"),
        "Lung": QCoreApplication.translate("PresetsDialog", "Lung"),
        "Mediastinum": QCoreApplication.translate("PresetsDialog", "Mediastinum"),
        "Bone": QCoreApplication.translate("PresetsDialog", "Bone"),
        "Abdomen": QCoreApplication.translate("PresetsDialog", "Abdomen"),
        "Liver": QCoreApplication.translate("PresetsDialog", "Liver"),
        "Soft tissue": QCoreApplication.translate("PresetsDialog", "Soft tissue"),
    }
    return built_in.get(name, name)


def _problem_text(problem: str) -> str:
    return {
        core.NAME_EMPTY: QCoreApplication.translate("PresetsDialog", "The preset has no name."),
        core.NAME_TOO_LONG: QCoreApplication.translate("PresetsDialog", "The name is longer than 40 characters."),
        core.NOT_A_NUMBER: QCoreApplication.translate("PresetsDialog", "Centre and width must be numbers."),
        core.WIDTH_TOO_SMALL: QCoreApplication.translate("PresetsDialog", "The width must be at least 1."),
    }.get(problem, problem)


def _header_text(column: int) -> str:
    return (
        QCoreApplication.translate("PresetsDialog", "Modality"),
        QCoreApplication.translate("PresetsDialog", "Name"),
        QCoreApplication.translate("PresetsDialog", "Centre"),
        QCoreApplication.translate("PresetsDialog", "Width"),
    )[column]
# fmt: on


def _number_text(value: float) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _parse_number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class _Row:
    """One table row as typed (numbers stay text until they are valid)."""

    modality: str
    name: str
    center: str
    width: str

    @staticmethod
    def of(preset: WindowPreset) -> _Row:
        return _Row(
            preset.modality, preset.name, _number_text(preset.center), _number_text(preset.width)
        )

    def problem(self) -> str:
        """What is wrong with this row, in the interface language ("" when nothing)."""
        if not normalize_modality(self.modality):
            return QCoreApplication.translate(
                "PresetsDialog", "The preset has no modality (such as CT)."
            )
        center, width = _parse_number(self.center), _parse_number(self.width)
        if center is None or width is None:
            if not self.name.strip():
                return _problem_text(core.NAME_EMPTY)
            return _problem_text(core.NOT_A_NUMBER)
        return _problem_text(validate_preset(self.name, center, width))

    def preset(self) -> WindowPreset:
        """The preset of a row without problems."""
        center, width = _parse_number(self.center), _parse_number(self.width)
        if center is None or width is None:
            raise ValueError("row is not a valid preset")
        return WindowPreset(self.name.strip(), normalize_modality(self.modality), center, width)


class PresetTableModel(QAbstractTableModel):
    """Presets as rows (modality, name, centre, width), all editable in place."""

    def __init__(self, presets: Sequence[WindowPreset], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = [_Row.of(p) for p in presets]

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return _header_text(section)

    def flags(self, index: _ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            column = index.column()
            if column == NAME:
                return preset_display_name(row.name)
            return (row.modality, row.name, row.center, row.width)[column]
        problem = row.problem()
        if role == Qt.ItemDataRole.ToolTipRole and problem:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return _INVALID_BACKGROUND
        return None

    def setData(  # noqa: N802
        self, index: _ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        text = _number_text(float(value)) if isinstance(value, int | float) else str(value)
        column = index.column()
        if column == MODALITY:
            row.modality = normalize_modality(text)
        elif column == NAME:
            # Confirming a translated built-in name unchanged keeps the built-in name.
            if text.strip() != preset_display_name(row.name):
                row.name = text.strip()
        elif column == CENTER:
            row.center = text.strip()
        else:
            row.width = text.strip()
        first, last = self.index(index.row(), 0), self.index(index.row(), 3)
        self.dataChanged.emit(first, last)
        return True

    def append(self, modality: str) -> int:
        """Add an empty row (to be filled in); returns its number."""
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(_Row(modality, "", "", ""))
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        """Drop one row."""
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()

    def reset_to(self, presets: Sequence[WindowPreset]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = [_Row.of(p) for p in presets]
        self.endResetModel()

    def first_problem(self) -> tuple[int, str] | None:
        """The first invalid row and what is wrong with it (including a repeated name)."""
        seen: set[tuple[str, str]] = set()
        for number, row in enumerate(self.rows):
            problem = row.problem()
            if problem:
                return number, problem
            key = (normalize_modality(row.modality), row.name.strip())
            if key in seen:
                text = QCoreApplication.translate(
                    "PresetsDialog", "Another %1 preset already has this name."
                )
                return number, text.replace("%1", key[0])
            seen.add(key)
        return None


class PresetsDialog(QDialog):
    """Edits window presets; ``presets()`` gives the edited list after Accept."""

    def __init__(self, presets: Sequence[WindowPreset], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Window presets"))
        self.resize(560, 420)
        self.model = PresetTableModel(presets, self)
        self.table = QTableView()
        self.table.setObjectName("presetsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        hint = QLabel(
            self.tr(
                "Centre and width are in the modality's units (HU for CT). Names may have up to %1 characters."
            ).replace("%1", str(MAX_NAME_LENGTH))
        )
        hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("presetsError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.restore_button = QPushButton(self.tr("Restore defaults"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.restore_button.clicked.connect(self.restore_defaults)
        for button in (self.add_button, self.remove_button, self.restore_button):
            button.setAutoDefault(False)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.restore_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.model.dataChanged.connect(self._recheck)
        self.model.rowsRemoved.connect(self._recheck)
        self.model.modelReset.connect(self._recheck)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addLayout(buttons_row)
        layout.addWidget(self.buttons)

    def add_row(self) -> None:
        """A new row for the modality of the selected one (CT when none), name in edit."""
        current = self.table.currentIndex()
        modality = self.model.rows[current.row()].modality if current.isValid() else "CT"
        row = self.model.append(modality or "CT")
        index = self.model.index(row, NAME)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_row(self) -> None:
        """Drop the selected row."""
        current = self.table.currentIndex()
        if current.isValid():
            self._commit_open_editor()
            self.model.remove(current.row())

    def restore_defaults(self) -> None:
        """Replace the list with the built-in presets (Cancel still undoes it)."""
        self._commit_open_editor()
        self.model.reset_to(DEFAULT_PRESETS)

    def accept(self) -> None:
        """Close only when every row is a valid preset; otherwise say what is wrong."""
        self._commit_open_editor()
        found = self.model.first_problem()
        if found is not None:
            row, problem = found
            self.error.setText(
                self.tr("Row %1: %2").replace("%1", str(row + 1)).replace("%2", problem)
            )
            self.table.selectRow(row)
            return
        self.error.clear()
        super().accept()

    def presets(self) -> tuple[WindowPreset, ...]:
        """The edited presets (all rows are valid once the dialog was accepted)."""
        return tuple(row.preset() for row in self.model.rows)

    def _commit_open_editor(self) -> None:
        # Moving the current index makes the view commit and close an open cell editor, so
        # text typed but not yet confirmed with Enter counts (e.g. OK pressed mid-edit).
        current = self.table.currentIndex()
        if self.table.state() == QAbstractItemView.State.EditingState and current.isValid():
            self.table.setCurrentIndex(QModelIndex())
            self.table.setCurrentIndex(current)

    def _recheck(self) -> None:
        if not self.error.text():
            return
        found = self.model.first_problem()
        if found is None:
            self.error.clear()
        else:
            row, problem = found
            self.error.setText(
                self.tr("Row %1: %2").replace("%1", str(row + 1)).replace("%2", problem)
            )
