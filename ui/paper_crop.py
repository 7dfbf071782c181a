"""The picture of a paper report in the registration dialog: shown scaled to fit, and a
rectangle dragged over it crops it (reported as fractions of the picture)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

Crop = tuple[float, float, float, float]


class CropView(QWidget):
    """Emits ``crop_changed(object)`` with (left, top, right, bottom) fractions, or None."""

    crop_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperPicture")
        self.setMinimumSize(QSize(260, 260))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.pixmap = QPixmap()
        self.crop: Crop | None = None
        self._start: QPoint | None = None
        self._drag: QRect | None = None
        self.placeholder = ""

    def set_picture(self, pixmap: QPixmap, crop: Crop | None) -> None:
        """Show ``pixmap`` with ``crop`` drawn over it."""
        self.pixmap, self.crop = pixmap, crop
        self.update()

    def _target(self) -> QRect:
        if self.pixmap.isNull():
            return QRect()
        size = self.pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(QPoint(x, y), size)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        """The picture, the kept crop, and the rectangle being dragged."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#f3f3f3"))
        target = self._target()
        if target.isNull():
            painter.setPen(QColor("#666666"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.placeholder)
            return
        painter.drawPixmap(target, self.pixmap)
        box = self._drag or self._crop_rect(target)
        if box is not None:
            shade = QColor(0, 0, 0, 110)
            for part in (
                QRect(target.left(), target.top(), target.width(), box.top() - target.top()),
                QRect(target.left(), box.bottom(), target.width(), target.bottom() - box.bottom()),
                QRect(target.left(), box.top(), box.left() - target.left(), box.height()),
                QRect(box.right(), box.top(), target.right() - box.right(), box.height()),
            ):
                painter.fillRect(part, shade)
            painter.setPen(QPen(QColor("#ffb300"), 2))
            painter.drawRect(box)

    def _crop_rect(self, target: QRect) -> QRect | None:
        if self.crop is None:
            return None
        left, top, right, bottom = self.crop
        return QRect(
            QPoint(
                target.left() + round(left * target.width()),
                target.top() + round(top * target.height()),
            ),
            QPoint(
                target.left() + round(right * target.width()),
                target.top() + round(bottom * target.height()),
            ),
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Start a crop rectangle."""
        if event.button() is Qt.MouseButton.LeftButton and not self._target().isNull():
            self._start = event.position().toPoint()
            self._drag = QRect(self._start, self._start)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Follow the drag."""
        if self._start is not None:
            self._drag = QRect(self._start, event.position().toPoint()).normalized()
            self._drag = self._drag.intersected(self._target())
            self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        """Keep the rectangle as the crop (a click without a drag keeps the old one)."""
        drag, target = self._drag, self._target()
        self._start = self._drag = None
        if drag is None or drag.width() < 8 or drag.height() < 8 or target.isNull():
            self.update()
            return
        self.set_crop(
            (
                (drag.left() - target.left()) / target.width(),
                (drag.top() - target.top()) / target.height(),
                (drag.right() - target.left()) / target.width(),
                (drag.bottom() - target.top()) / target.height(),
            )
        )

    def set_crop(self, crop: Crop | None) -> None:
        """Set (or clear) the crop and say so."""
        self.crop = crop
        self.update()
        self.crop_changed.emit(crop)
