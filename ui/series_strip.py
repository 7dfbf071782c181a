"""A strip of series thumbnails: click to show a series, drag one into the second viewer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QMimeData, QObject, QSize, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

SERIES_MIME = "application/x-hr-series-index"
CAPTION_MAX_PX = 200


class SeriesStrip(QListWidget):
    """Emits ``series_chosen(index)``; dragging an item carries its index."""

    series_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seriesStrip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(48, 48))
        self.setFixedHeight(84)
        self.setMovement(QListView.Movement.Static)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setToolTip(
            self.tr("Click to show a series; drag it into the second viewer to compare")
        )
        self.itemClicked.connect(lambda item: self.series_chosen.emit(self.row(item)))

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
            item.setSizeHint(QSize(min(max(96, widest + 16), CAPTION_MAX_PX), 78))
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
