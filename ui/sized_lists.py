"""Lists that size themselves for a scrolling column: one as tall as its rows (every choice
on screen), one that asks for little and takes what is left."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QListWidget, QSizePolicy, QWidget


class FittedList(QListWidget):
    """A word-wrapped QListWidget whose height follows its rows at its current width (the
    repeat reasons: the seventh and eighth were hidden behind an inner scroll bar)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self._fit_pending = False
        self._rows_height = 0  # of all rows at the current width, frame included
        self.model().rowsInserted.connect(self.refit)
        self.model().rowsRemoved.connect(self.refit)
        self.model().modelReset.connect(self.refit)

    def refit(self) -> None:
        """Fit the height to the rows once the list has laid them out at its width."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        self._fit_pending = False
        self.doItemsLayout()
        rows = sum(self.visualItemRect(self.item(row)).height() for row in range(self.count()))
        height = max(rows, self.fontMetrics().height()) + 2 * self.frameWidth() + 2
        if height != self._rows_height:
            self._rows_height = height
            self.setFixedHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802
        # the layouts above ask for hints, not for the fixed height, when they work out
        # the height of a word-wrapped column for its width
        hint = super().sizeHint()
        return QSize(hint.width(), self._rows_height or hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(hint.width(), self._rows_height or hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # rows wrap anew
            self.refit()


class FillingList(QListWidget):
    """A list that asks its layout for ``least`` pixels of height and grows into whatever the
    column has left (the decision history: its usual preferred height would push the
    buttons below a laptop's screen; an ignored one made the column's height-for-width
    too short, and a scroll area squeezed the widgets above over each other)."""

    def __init__(self, least: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._least = least
        self.setMinimumHeight(least)
        policy = self.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self._least)
