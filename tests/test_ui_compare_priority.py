"""A prior opened beside the current study over a slow link (the real window, the sandbox
with its link model): the second cell covers the prior's whole series from the start, a slice
she moves to there is fetched next and shows that instance's own pixels, and when the series
is complete no place is left waiting."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from sandbox.store import Store
from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window
from ui.viewer import Waiting
from workstation.imaging.decode import load

pytestmark = pytest.mark.ui


def test_a_prior_beside_the_current_study_loads_where_she_looks(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    cts = sorted(
        (r for r in page.timeline.visible_results() if r.modality == "CT"),
        key=lambda r: r.effective,
        reverse=True,
    )
    assert len(cts) >= 2
    assert page.timeline.select(cts[0].id)
    qtbot.waitUntil(lambda: not window.runner.busy and len(page.viewer.slices) > 0, timeout=30000)
    page.images.stop_prefetch()  # the current study's other series would share the link
    clean_faults.set_faults(bandwidth_mbit=1, latency_ms=40)
    try:
        prior = next(
            i
            for i in range(page.compare_box.count())
            if (data := page.compare_box.itemData(i)) is not None and data.id == cts[1].id
        )
        page.compare_box.setCurrentIndex(prior)
        page.compare_box.activated.emit(prior)
        cell = page.compare_viewer
        qtbot.waitUntil(lambda: cell.loaded_images >= 1, timeout=30000)
        order = page.images.download_order(1)
        assert order is not None
        total = len(order)
        # every place of the prior's series at once, most of it still on its way
        assert len(cell.slices) == total
        assert cell.loaded_images < total - 2
        # ticked or not, nothing is tied until the prior has arrived: the corner says so
        assert page.images.grid.sync_text(1) == "Not synced while loading"
        assert "Not synced while loading" in cell.top_right.text()

        cell.setFocus()
        qtbot.keyClick(cell, Qt.Key.Key_End)
        assert cell.index == total - 1
        place = cell.slices[cell.index]
        assert isinstance(place, Waiting)
        uid = place.sop_instance_uid
        assert cell.current() is None  # never another slice's pixels in its place
        assert order.focus_position == order.position_of(uid)  # fetched next

        qtbot.waitUntil(lambda: cell.current() is not None, timeout=30000)
        shown = cell.current()
        assert shown is not None
        assert shown.image.sop_instance_uid == uid
        assert cell.loaded_images < total  # it came before the slices in between
        (row,) = Store(clean_faults.data_dir / "sandbox.sqlite").instances(sop_uid=uid)
        own = load(clean_faults.data_dir / row["path"])
        assert np.array_equal(shown.image.pixels[0], own.pixels[0])
    finally:
        clean_faults.reset_faults()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60000)
    assert all(not isinstance(entry, Waiting) for entry in page.compare_viewer.slices)
    assert page.images.download_order(1) is None  # done: nothing follows her any more
    # the slice she chose while it loaded stays on screen (never moved under her eyes)
    assert page.compare_viewer.index == total - 1
    shown = page.compare_viewer.current()
    assert shown is not None
    assert shown.image.sop_instance_uid == uid
    assert "not synced" in page.images.grid.sync_text(1).lower()
    window.sign_out()
