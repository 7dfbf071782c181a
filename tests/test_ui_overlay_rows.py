"""What she sees at the bottom of a cell at 1366 × 768, in Chinese, in 1×1, 1×2 and 2×2: the
window line (窗宽/窗位) drawn at the bottom-left, whole, and never beside the scale bar on
its row, measured on the drawn pixels (with the image hidden, only the overlays are lit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_study, signed_in_window
from ui.viewer import ImageViewer

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _lit(viewer: ImageViewer) -> npt.NDArray[np.bool_]:
    """The cell's overlays alone: where light text or bar is drawn."""
    viewer.image_item.hide()
    viewer.overlay_item.hide()
    try:
        image = viewer.graphics.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    finally:
        viewer.image_item.show()
        viewer.overlay_item.show()
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    grey = data.reshape(height, image.bytesPerLine())[:, :width]
    lit: npt.NDArray[np.bool_] = grey > 150
    return lit


def _drawn(lit: npt.NDArray[np.bool_], box: QRect) -> list[QRect]:
    """The bands of lit rows inside ``box`` (a line of text each), as the rectangles their
    lit pixels cover, top to bottom."""
    part = lit[box.top() : box.bottom() + 1, box.left() : box.right() + 1]
    rows = np.flatnonzero(part.any(axis=1))
    bands: list[QRect] = []
    start = previous = None
    for row in [*rows.tolist(), None]:
        if row is not None and previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None and previous is not None:
            columns = np.flatnonzero(part[start : previous + 1].any(axis=0))
            bands.append(
                QRect(
                    box.left() + int(columns[0]),
                    box.top() + start,
                    int(columns[-1] - columns[0]) + 1,
                    previous - start + 1,
                )
            )
        start = previous = row
    return bands


def _same_rows(a: QRect, b: QRect) -> bool:
    return a.top() <= b.bottom() and b.top() <= a.bottom()


def test_the_window_line_is_whole_and_never_on_the_scale_bars_row(
    qtbot: QtBot, chinese: None, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_study(qtbot, window, "p0001")
    viewer = page.viewer
    bars = 0
    for rows, columns in ((1, 1), (1, 2), (2, 2)):
        page.grid.set_layout(rows, columns)
        qtbot.wait(300)  # laid out at the new size
        window.grab().save(str(tmp_path / f"overlay_{rows}x{columns}_1366.png"))
        label = viewer.bottom_left
        window_text = label.text().splitlines()[-1]
        assert window_text.startswith("窗宽"), label.text()
        # whole: the line fits its box (a cut 窗位 -6… would misstate the window)
        room = label.contentsRect().width()
        assert label.fontMetrics().horizontalAdvance(window_text) <= room, (rows, columns)
        lit = _lit(viewer)
        lines = _drawn(lit, label.geometry())
        assert len(lines) == len(label.text().splitlines()), (rows, columns)
        window_line = lines[-1]
        if viewer.scale_bar.isVisible():
            bars += 1
            bar = viewer.scale_bar.geometry()
            (bar_label,) = _drawn(lit, viewer.scale_label.geometry())
            for name, drawn in (("scale bar", bar), ("its label", bar_label)):
                where = (rows, columns, name, window_line, drawn)
                assert not window_line.intersects(drawn), where
                assert not _same_rows(window_line, drawn), where
        else:
            assert viewer.text_level().value == "minimal", (rows, columns)  # 2×2 on a laptop
        assert window_line.bottom() >= viewer.graphics.height() - 12  # on the bottom row
    assert bars == 2  # 1×1 and 1×2 carry a scale bar
    window.close()
