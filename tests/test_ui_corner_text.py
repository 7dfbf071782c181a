"""Corner text over bright anatomy: every letter carries a dark outline, so it reads over a
white film as over air (a 1-pixel drop shadow vanished over bone)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.outlined_label import OutlinedLabel

pytestmark = pytest.mark.ui


def _grey_levels(label: QLabel) -> np.ndarray:
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :width]


@pytest.mark.parametrize("text", ["Zoom 136%\nW 4096  L 2048", "DX <b>calibrated</b><br>50 mm"])
def test_light_text_over_a_white_film_is_outlined_in_black(qtbot: QtBot, text: str) -> None:
    film = QWidget()
    film.setStyleSheet("background: white;")
    film.resize(300, 80)
    qtbot.addWidget(film)
    label = OutlinedLabel(film)
    label.setStyleSheet("color: #e0e0e0; background: transparent; font-size: 11px;")
    label.setText(text)
    label.ensurePolished()  # the style sheet's colour in the palette before painting
    label.adjustSize()
    film.show()
    qtbot.waitExposed(film)
    grey = _grey_levels(label)
    dark = grey < 80
    assert dark.sum() > 0.15 * grey.size  # an outline, not a faint shadow
    # the strokes have dark on every side, above-left as below-right (a drop shadow falls
    # on one side only): no edge of a letter melts into the white film
    rows, columns = np.nonzero((grey > 200) & (grey < 240))  # the text colour, not the film
    assert rows.size > 20
    padded = np.pad(dark, 2)
    for name, (dr, dc) in {"above-left": (0, 0), "below-right": (2, 2)}.items():
        near = [
            padded[r + dr : r + dr + 3, c + dc : c + dc + 3].any()
            for r, c in zip(rows, columns, strict=True)
        ]
        assert np.mean(near) > 0.95, name
