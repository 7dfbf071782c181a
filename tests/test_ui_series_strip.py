"""Series thumbnails: the caption under each icon is readable whole."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from ui.series_strip import SeriesStrip

pytestmark = pytest.mark.ui


def test_each_caption_line_fits_its_item(qtbot: QtBot) -> None:
    strip = SeriesStrip()
    qtbot.addWidget(strip)
    strip.resize(800, 84)
    strip.show()
    labels = ["1 US (1)\n甲状腺 横切面", "2 CT (120)\n胸部 肺窗 薄层", "3 DX (1)\nPA"]
    strip.set_series(labels)
    metrics = strip.fontMetrics()
    for row, label in enumerate(labels):
        rect = strip.visualItemRect(strip.item(row))
        widest = max(metrics.horizontalAdvance(line) for line in label.splitlines())
        assert rect.width() >= widest + 8, label  # not elided ("甲状腺 横切面..." was)
        # both lines under the icon (in Chinese the description's line was cut off)
        caption = metrics.boundingRect(QRect(0, 0, 200, 1000), Qt.TextFlag.TextWordWrap, label)
        assert rect.height() >= strip.iconSize().height() + caption.height(), label
        assert strip.viewport().rect().contains(rect), label
        assert strip.item(row).toolTip() == label
