"""The list of results beside the images at 1366×768 shows where each row begins (date,
item, hospital), not the column she last clicked: the date headings were cut to "19", "22"
(a radiologist review)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window

pytestmark = pytest.mark.ui


def test_the_timeline_beside_the_images_shows_its_first_columns(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, sandbox, tmp_path)
    window.resize(1366, 768)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(
        lambda: not window.runner.busy and page.viewer.current() is not None, timeout=30000
    )
    table = page.timeline.table
    bar = table.horizontalScrollBar()
    page.timeline_button.setChecked(False)
    page.timeline_button.setChecked(True)
    QApplication.processEvents()
    assert bar.maximum() > 0  # narrower than its columns: it can be scrolled sideways
    bar.setValue(bar.maximum())  # as a click on the last column leaves it
    page.timeline_button.setChecked(False)
    page.timeline_button.setChecked(True)
    qtbot.waitUntil(lambda: bar.value() == 0, timeout=2000)
    assert table.columnViewportPosition(0) == 0
    window.sign_out()
