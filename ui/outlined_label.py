"""Corner text drawn with a dark outline, legible over white lungs and bone as over air."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QLabel, QWidget

OUTLINE_PX = 3.0


class OutlinedLabel(QLabel):
    """A QLabel (plain or rich text) painted twice: a black outline, then the text in its own
    colours. A 1-pixel drop shadow vanished over a bright radiograph."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContentsMargins(2, 1, 2, 1)  # room for the outline at the edges

    def _document(self) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(self.font())
        option = QTextOption(self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask)
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        document.setDefaultTextOption(option)
        text = self.text()
        if self.textFormat() is Qt.TextFormat.RichText or (
            self.textFormat() is Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
        ):
            document.setHtml(text)
        else:
            document.setPlainText(text)
        document.setTextWidth(self.contentsRect().width())
        return document

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if not self.text():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        outline = self._document()
        painter.translate(self.contentsRect().topLeft())
        if self.alignment() & Qt.AlignmentFlag.AlignBottom:
            # the last line against the bottom (a taller text loses its first lines)
            painter.translate(0, self.contentsRect().height() - outline.size().height())
        cursor = QTextCursor(outline)
        cursor.select(QTextCursor.SelectionType.Document)
        dark = QTextCharFormat()
        pen = QPen(QColor(0, 0, 0, 230), OUTLINE_PX)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        dark.setTextOutline(pen)
        dark.setForeground(QColor(0, 0, 0, 230))
        cursor.mergeCharFormat(dark)
        outline.drawContents(painter)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(
            QPalette.ColorRole.Text, self.palette().color(QPalette.ColorRole.WindowText)
        )
        coloured = self._document()  # kept alive while its layout draws
        coloured.documentLayout().draw(painter, context)
        painter.end()
