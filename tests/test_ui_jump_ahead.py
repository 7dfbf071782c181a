"""She scrolls to a slice that has not arrived (the real window, the sandbox over a slow
link): the stack covers the whole series from the first image, the place she jumped to
says it is loading and shows no image, nothing can be measured or kept on it, the download
fetches that slice next, and when it arrives the screen shows that instance's own pixels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sandbox.store import Store
from tests.conftest import Sandbox
from tests.ui_helpers import open_patient, signed_in_window
from ui.viewer import ImageViewer, Waiting
from workstation.imaging.decode import DicomImage, load

pytestmark = pytest.mark.ui


def _stored_image(sandbox: Sandbox, sop_uid: str) -> DicomImage:
    """The instance as the sandbox stores it, decoded from its own file (not through the
    download under test)."""
    (row,) = Store(sandbox.data_dir / "sandbox.sqlite").instances(sop_uid=sop_uid)
    return load(sandbox.data_dir / row["path"])


def _shown_alone(qtbot: QtBot, image: DicomImage, like: ImageViewer) -> np.ndarray:
    """What a fresh viewer of the same size draws for ``image`` (the array on screen)."""
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.graphics.setFixedSize(like.graphics.size())
    viewer.show()
    QApplication.processEvents()
    viewer.add_image(image)
    QApplication.processEvents()
    shown = viewer.image_item.image
    assert shown is not None
    return np.array(shown)


def test_a_jump_to_a_slice_not_arrived_shows_it_when_it_arrives(
    qtbot: QtBot, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, clean_faults, tmp_path)
    page = open_patient(qtbot, window, "p0001")
    ct = next(r for r in page.timeline.visible_results() if r.modality == "CT")
    viewer = page.viewer
    clean_faults.set_faults(bandwidth_mbit=1, latency_ms=40)
    try:
        assert page.timeline.select(ct.id)
        qtbot.waitUntil(lambda: viewer.current() is not None, timeout=20000)
        study = page.images.study
        assert study is not None
        total = len(study.series[0].instances)
        # the whole series from the first image on, most of it still on its way
        assert len(viewer.slices) == total
        assert viewer.loaded_images < total - 2
        first_shown = np.array(viewer.image_item.image)

        qtbot.keyClick(viewer, Qt.Key.Key_End)
        assert viewer.index == total - 1
        place = viewer.slices[viewer.index]
        assert isinstance(place, Waiting)
        uid = place.sop_instance_uid
        # no image at all (never the one before), a clear word, nothing to measure or keep
        assert viewer.current() is None
        assert viewer.image_item.image is None
        assert viewer.message.isVisible()
        assert viewer.message.text() == f"Loading image {total} / {total}…"
        viewer.add_rectangle()
        viewer.add_arrow("x")
        assert not viewer.marks.marks((uid, 0))
        with qtbot.assertNotEmitted(viewer.key_image_marked):
            viewer.mark_key_image()
        # the download fetches that slice next
        priority = page.images.download_order(0)
        assert priority is not None
        assert priority.focus_position == priority.position_of(uid)

        qtbot.waitUntil(lambda: viewer.current() is not None, timeout=20000)
        shown = viewer.current()
        assert shown is not None
        assert shown.image.sop_instance_uid == uid
        assert viewer.index == total - 1  # the sandbox's numbering follows its geometry
        assert not viewer.message.isVisible()
        assert viewer.loaded_images < total  # it came before the slices in between
        own = _stored_image(clean_faults, uid)
        assert np.array_equal(shown.image.pixels[0], own.pixels[0])
        on_screen = np.array(viewer.image_item.image)
        assert np.array_equal(on_screen, _shown_alone(qtbot, own, viewer))
        assert not np.array_equal(on_screen, first_shown)  # another slice than the first

        # stopped: the places nothing will fill go, she stays on her slice
        page.images.cancel_series()
        assert all(not isinstance(e, Waiting) for e in viewer.slices)
        assert len(viewer.slices) == viewer.loaded_images
        current = viewer.current()
        assert current is not None
        assert current.image.sop_instance_uid == uid
    finally:
        clean_faults.reset_faults()
    window.sign_out()
