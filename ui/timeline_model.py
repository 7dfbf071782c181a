"""The Qt item model over the timeline's rows (``workstation.session.timeline_rows``): a flat
table of day headings and result rows that a view draws only where it is visible. It keeps
no rows of its own; it forwards the rows' events to Qt and caches each row's texts until the
row changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from workstation.model import Result
from workstation.session.timeline_rows import TimelineRows

ModelIndex = QModelIndex | QPersistentModelIndex
RESULT_ROLE = Qt.ItemDataRole.UserRole
_HEADING_FLAGS = Qt.ItemFlag.ItemIsEnabled
_RESULT_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class TimelineModel(QAbstractTableModel):
    """Rows of ``rows`` as a table of ``len(headers)`` columns.

    ``row_texts(result)`` gives a result row's column texts; ``row_colours(result)`` the
    foreground colour per column (None: the view's own); both are asked once per row until
    the row changes. ``heading_text(day)`` labels a day's heading row (column 0).
    """

    def __init__(
        self,
        rows: TimelineRows,
        headers: Sequence[str],
        row_texts: Callable[[Result], list[str]],
        row_colours: Callable[[Result], list[str | None]],
        heading_text: Callable[[Any], str],
    ) -> None:
        super().__init__()
        self.timeline_rows = rows
        self.headers = list(headers)
        self.row_texts, self.row_colours, self.heading_text = row_texts, row_colours, heading_text
        self._texts: dict[str, list[str]] = {}
        self._colours: dict[str, list[QBrush | None]] = {}
        self.bold_font = QFont()
        self.bold_font.setBold(True)
        self._heading_background = QBrush(QColor("#eef1f5"))
        rows.inserting.connect(self._inserting)
        rows.inserted.connect(lambda _first, _count: self.endInsertRows())
        rows.resetting.connect(self.beginResetModel)
        rows.reset.connect(self._reset)
        rows.changed.connect(self._changed)

    # --- events ----------------------------------------------------------------------------
    def _inserting(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)

    def _reset(self) -> None:
        self._texts, self._colours = {}, {}
        self.endResetModel()

    def _changed(self, first: int, last: int) -> None:
        for row in self.timeline_rows.rows[first : last + 1]:
            if row.result is not None:
                self._texts.pop(row.result.id, None)
                self._colours.pop(row.result.id, None)
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.headers) - 1))

    def forget_texts(self) -> None:
        """Texts are read again (the language or the badges' wording changed)."""
        self._texts, self._colours = {}, {}
        if self.timeline_rows.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, len(self.headers) - 1)
            )

    def set_header(self, column: int, title: str) -> None:
        """Retitle one column."""
        if self.headers[column] != title:
            self.headers[column] = title
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, column, column)

    def texts_of(self, result: Result) -> list[str]:
        """A result row's column texts (kept until the row changes)."""
        texts = self._texts.get(result.id)
        if texts is None:
            texts = self._texts[result.id] = self.row_texts(result)
        return texts

    # --- the model -------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Rows shown (none under a row: the table is flat)."""
        return 0 if parent.isValid() else len(self.timeline_rows.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        """Columns."""
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802 - Qt API
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Results can be selected; day headings cannot."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            _HEADING_FLAGS if self.timeline_rows.rows[index.row()].result is None else _RESULT_FLAGS
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Texts, the badge's colour, the heading's font, and the result (``RESULT_ROLE``)."""
        if not index.isValid() or not 0 <= index.row() < len(self.timeline_rows.rows):
            return None
        row = self.timeline_rows.rows[index.row()]
        column = index.column()
        result = row.result
        if result is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.heading_text(row.day) if column == 0 else None
            if role == Qt.ItemDataRole.FontRole:
                return self.bold_font
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._heading_background
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts_of(result)[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            colours = self._colours.get(result.id)
            if colours is None:
                colours = self._colours[result.id] = [
                    QBrush(QColor(c)) if c else None for c in self.row_colours(result)
                ]
            return colours[column]
        if role == Qt.ItemDataRole.ToolTipRole:  # an elided hospital or item reads in full
            return self.data(index, Qt.ItemDataRole.DisplayRole) or None
        if role == RESULT_ROLE:
            return result
        return None
