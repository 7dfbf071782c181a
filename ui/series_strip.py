"""A strip of series thumbnails: click to show a series, drag one into the second viewer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QMimeData, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

SERIES_MIME = "application/x-hr-series-index"
CAPTION_MAX_PX = 200
ICON_PX = 48
_TWO_LINES = "12 CT (300)\n肺窗 薄层"


class SeriesStrip(QListWidget):
    """Emits ``series_chosen(index)``; dragging an item carries its index."""

    series_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seriesStrip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the icon and two caption lines in the font's own line height: a fixed 78 px cut
        # the second line (the description) off in Chinese ("1 CT (2)…")
        self.setFixedHeight(self.item_height() + 2 * self.frameWidth() + 4)
        self.setMovement(QListView.Movement.Static)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setToolTip(
            self.tr("Click to show a series; drag it into the second viewer to compare")
        )
        self.itemClicked.connect(lambda item: self.series_chosen.emit(self.row(item)))

    def item_height(self) -> int:
        """Pixels an item needs for its icon and two caption lines, measured on Chinese
        text (its fallback font's lines are taller than the interface font's)."""
        caption = self.fontMetrics().boundingRect(
            QRect(0, 0, CAPTION_MAX_PX, 1000), Qt.TextFlag.TextWordWrap, _TWO_LINES
        )
        return ICON_PX + caption.height() + 12

    def set_series(self, labels: Sequence[str]) -> None:
        """One item per series (icons arrive later)."""
        self.clear()
        metrics = self.fontMetrics()
        for label in labels:
            item = QListWidgetItem(label)
            # as wide as the caption's longest line (a series description such as
            # "甲状腺 横切面" was cut at 96 px), within reason; the tooltip has it all
            widest = max(
                (metrics.horizontalAdvance(line) for line in label.splitlines()), default=0
            )
            item.setSizeHint(QSize(min(max(96, widest + 16), CAPTION_MAX_PX), self.item_height()))
            item.setToolTip(label)
            self.addItem(item)

    def set_thumbnail(self, index: int, data: bytes) -> None:
        """The rendered thumbnail of series ``index``."""
        pixmap = QPixmap()
        if 0 <= index < self.count() and pixmap.loadFromData(data):
            self.item(index).setIcon(QIcon(pixmap))

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        mime = QMimeData()
        if items:
            mime.setData(SERIES_MIME, str(self.row(items[0])).encode("ascii"))
        return mime

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [SERIES_MIME]


class SeriesDropTarget(QObject):
    """Lets a widget accept series dragged from a SeriesStrip; emits ``dropped(index)``."""

    dropped = Signal(int)

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        entering = event.type() == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent)
        if entering and event.mimeData().hasFormat(SERIES_MIME):  # type: ignore[attr-defined]
            event.acceptProposedAction()  # type: ignore[attr-defined]
            return True
        if event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            data = event.mimeData().data(SERIES_MIME)
            if data:
                self.dropped.emit(int(bytes(data.data()).decode("ascii")))
                event.acceptProposedAction()
                return True
        return False
