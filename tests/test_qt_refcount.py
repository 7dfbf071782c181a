"""Regression guard: the Qt binding must not leak references to True/False.

PySide6 6.12.0 released one reference to Py_True per move of a pyqtgraph graphics object;
dragging measurements then aborted the program once the count reached zero."""

from __future__ import annotations

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
    before = sys.getrefcount(True)
    for step in range(2000):
        roi.setPos(step % 7, 3)
    box.removeItem(roi)
    assert sys.getrefcount(True) - before > -50  # a leak shows as about −4000
