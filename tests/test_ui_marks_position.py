"""Marks saved earlier and shown again when she reopens the study say which image they are
on ("第 6/24 幅", the viewer's own count) and a click on their row shows that image
(through the real window against the real sandbox, in Chinese)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_study, signed_in_window

pytestmark = [pytest.mark.ui, pytest.mark.e2e]
SCREENSHOT = Path("/tmp/hr-marks-position.png")  # looked at by hand


def test_reopened_marks_name_their_image_and_a_click_shows_it(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0001")
    total = len(page.viewer.slices)
    assert total > 8
    page.viewer.go_to(5)  # the sixth image, not where a study opens
    page.viewer.add_length()
    qtbot.mouseClick(page.images.save_marks_button, Qt.MouseButton.LeftButton)
    assert window.annotation_outbox is not None
    qtbot.waitUntil(lambda: bool(window.annotation_outbox.pending()), timeout=20000)
    qtbot.waitUntil(lambda: window.annotation_outbox.pending() == [], timeout=30000)
    window.sign_out()

    again = signed_in_window(qtbot, private_sandbox, tmp_path)  # the same workstation
    page = open_study(qtbot, again, "p0001")
    qtbot.waitUntil(lambda: bool(page.viewer.marks.all_marks()), timeout=20000)
    qtbot.waitUntil(lambda: len(page.viewer.slices) == total, timeout=20000)
    page.images.annotations_button.setChecked(True)
    objects = page.images.annotations.model.objects
    report = next(i for i, o in enumerate(objects) if o.editable)
    rows = page.images.annotation_list.rows
    item = rows.item(report)
    assert f"第 6/{total} 幅" in item.text()
    assert "单击转到" in item.toolTip()
    page.viewer.go_to(total - 1)
    rect = rows.visualItemRect(item)
    qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.viewer.index == 5  # her mark's image is on screen
    assert page.viewer.marks.marks(page.viewer.slice_key())  # with her mark on it
    assert objects[report].visible  # a click on the text does not turn it off
    qtbot.wait(50)
    again.grab().save(str(SCREENSHOT))
    again.sign_out()
