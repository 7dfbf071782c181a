"""The viewer drives the retrieval order: over a slow link, the slice she moves to is where
the download continues from (the real window, the sandbox with its link model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window

pytestmark = pytest.mark.ui


def test_moving_in_the_viewer_refocuses_the_download(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    clean_faults.set_faults(bandwidth_mbit=2, latency_ms=20)
    try:
        assert page.timeline.select(ct.id)
        qtbot.waitUntil(lambda: page.viewer.loaded_images >= 2, timeout=20000)
        priority = page.images.download_order(0)
        assert priority is not None
        assert page.viewer.loaded_images < len(priority)  # still loading
        qtbot.keyClick(page.viewer, Qt.Key.Key_End)
        shown = page.viewer.entry_uid()  # arrived or not: that one is fetched next
        assert shown is not None
        assert priority.focus_position == priority.position_of(shown)
        assert priority.jumps >= 1
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
        assert len(page.viewer.slices) == page.viewer.expected
    finally:
        clean_faults.reset_faults()
    window.sign_out()
