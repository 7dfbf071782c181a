"""The timeline's "hospital · source" cell: when the column is too narrow for both, each is
shortened on its own, so the row still says which hospital and which source ("绵阳博爱国际
医… · 成都市全民健…"), never one of them alone. The whole text is the cell's tooltip."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

SEPARATOR = " · "
_SOURCE_SHARE = 0.4  # of a squeezed cell, at most, for the source: the hospital comes first


def fit_pair(
    first: str, second: str, metrics: QFontMetrics, room: int, *, first_short: str = ""
) -> str:
    """``first · second`` in ``room`` pixels: whole when it fits; else ``second`` shortened
    to at most 40 % of the room (less when it is shorter) and ``first`` to what is left:
    ``first_short`` (the hospital without its level) when given and it fits, else that
    shortened with "…". ``second`` "" gives ``first`` alone, shortened in the same way."""
    elide = Qt.TextElideMode.ElideRight
    if second:
        whole = first + SEPARATOR + second
        if metrics.horizontalAdvance(whole) <= room:
            return whole
        second_room = min(metrics.horizontalAdvance(second), int(room * _SOURCE_SHARE))
        second = metrics.elidedText(second, elide, second_room)
        room = max(room - metrics.horizontalAdvance(SEPARATOR + second), 0)
    if metrics.horizontalAdvance(first) > room:
        first = metrics.elidedText(first_short or first, elide, room)
    return first + SEPARATOR + second if second else first


class PairDelegate(QStyledItemDelegate):
    """Draws a cell as ``fit_pair`` of the parts ``parts(index)`` gives: (first, its
    shorter form, second); None draws the cell's own text, as usual."""

    def __init__(
        self,
        parts: Callable[[QModelIndex | QPersistentModelIndex], tuple[str, str, str] | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._parts = parts

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The cell, its two parts each shortened to their share of its width."""
        parts = self._parts(index)
        if parts is None:
            super().paint(painter, option, index)
            return
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        widget: QWidget | None = shown.widget  # None when drawn without a view
        if widget is None:
            super().paint(painter, option, index)
            return
        style = widget.style()
        # the style's text margins, as it draws an item's text (QCommonStyle)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        room = shown.rect.width() - 2 * margin
        first, first_short, second = parts
        shown.text = fit_pair(first, second, shown.fontMetrics, room, first_short=first_short)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, shown, painter, widget)
