"""Regression guard: the Qt binding must not leak references to True/False.

PySide6 6.12.0 released one reference to Py_True per move of a pyqtgraph graphics object;
dragging measurements then aborted the program once the count reached zero."""

from __future__ import annotations

import gc
import sys

import pyqtgraph as pg
import pytest
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.ui


def test_moving_a_measurement_does_not_release_true(qtbot: QtBot) -> None:
    view = pg.GraphicsView()
    qtbot.addWidget(view)
    box = pg.ViewBox()
    view.setCentralItem(box)
    roi = pg.RectROI([0, 0], [1, 1])
    box.addItem(roi)
    gc.collect()
    gc.disable()  # collecting other tests' garbage would release references legitimately
    try:
        before = sys.getrefcount(True)
        for step in range(2000):
            roi.setPos(step % 7, 3)
        after = sys.getrefcount(True)
    finally:
        gc.enable()
    box.removeItem(roi)
    assert after - before > -200  # the leak showed as about −4000
