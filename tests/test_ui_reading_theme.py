"""The dark reading pane's dropdowns (对比, 布局, window presets) are readable when open:
every item's text stands out from the popup's background, measured on the grabbed pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from ui.study_images import StudyImages
from ui.workers import TaskRunner

pytestmark = pytest.mark.ui


def _luminance(image: QImage) -> np.ndarray:
    """Relative luminance (0–1, sRGB) of every pixel."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    rgb = raw.reshape(height, image.bytesPerLine())[:, : width * 3].reshape(height, width, 3)
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.asarray(linear @ np.array([0.2126, 0.7152, 0.0722]))


def _contrast(a: float, b: float) -> float:
    """WCAG contrast ratio of two luminances."""
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def _item_contrasts(qtbot: QtBot, box: QComboBox) -> list[float]:
    """Open the box and measure, row by row, the text's contrast against the row's
    background (the row's most common luminance vs the one farthest from it)."""
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    grabbed = view.viewport().grab().toImage()
    luminance = _luminance(grabbed)
    ratio = grabbed.width() / max(view.viewport().width(), 1)  # device pixels
    contrasts = []
    for row in range(box.count()):
        if not box.itemText(row):
            continue  # a separator line
        rect = view.visualRect(box.model().index(row, 0))
        top, bottom = int(rect.top() * ratio), int(rect.bottom() * ratio)
        band = luminance[top:bottom, : int(rect.right() * ratio)]
        background = float(np.median(band))
        text = float(band.flat[np.argmax(np.abs(band - background))])
        contrasts.append(_contrast(text, background))
    box.hidePopup()
    return contrasts


# an open popup asks the offscreen plugin for window-manager features it lacks
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_every_item_of_the_reading_toolbar_dropdowns_is_readable(qtbot: QtBot) -> None:
    from tests.test_ui_viewer import _image

    runner = TaskRunner()
    pane = StudyImages(runner)
    qtbot.addWidget(pane)
    pane.resize(1200, 700)
    pane.show()
    pane.viewer.add_image(_image())
    for label in ("2026-04-01 胸部CT平扫 · 外院", "2025-11-20 胸部CT平扫 · 本院"):
        pane.compare_box.addItem(label, None)
    boxes = {
        "presets": pane.viewer.preset_box,
        "layout": pane.grid.layout_box,
        "compare": pane.compare_box,
    }
    try:
        for name, box in boxes.items():
            assert box.count() >= 2, name
            contrasts = _item_contrasts(qtbot, box)
            # WCAG AA for normal text is 4.5:1; every row, not only the highlighted one
            assert min(contrasts) >= 4.5, (name, contrasts)
    finally:
        runner.shutdown()
