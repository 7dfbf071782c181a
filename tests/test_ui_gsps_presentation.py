"""A presentation state with a VOI LUT table and a Presentation LUT Shape INVERSE, through
the real window against the real sandbox (in Chinese, as she reads): shown, the screen holds
what DCMTK's dcmp2pgm draws for the same image and state (within one grey level: the two
round the same real values to 8 bits in their own steps); her list row says what of it is in
use; one click on the row gives the image's own display back."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.gsps_builders import complete_state, dcmp2pgm, hospital_gsps, lut_item, voi_table_item
from tests.ui_helpers import open_study, reopen, signed_in_window
from ui.snapshot import grey_if_neutral, qimage_pixels
from ui.viewer import ImageViewer, Slice
from workstation.annotations.service import part10
from workstation.dicomweb.stow import store_instances

pytestmark = [pytest.mark.ui, pytest.mark.e2e]
SCREENSHOT = Path("/tmp/hr-gsps-presentation.png")  # looked at by hand
TOLERANCE = 1  # grey levels: see the module's docstring


def _screen(viewer: ImageViewer) -> np.ndarray:
    """The cell's image area as drawn, one image pixel per screen pixel from the image's
    top-left corner, without corner text or marks: rows × columns grey."""
    current = viewer.current()
    assert current is not None
    viewer.set_annotations_visible(False)
    row_mm, col_mm = current.image.pixel_spacing or (1.0, 1.0)
    width, height = viewer.view.width(), viewer.view.height()
    viewer.view.setRange(xRange=(0.0, width * col_mm), yRange=(0.0, height * row_mm), padding=0.0)
    QApplication.processEvents()
    pixels = grey_if_neutral(qimage_pixels(viewer.graphics.grab().toImage()))
    viewer.set_annotations_visible(True)
    assert pixels.ndim == 2, "grey on screen"
    return pixels


def test_a_shown_state_with_a_voi_lut_table_and_inverse_is_on_screen_as_dcmtk_draws_it(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0001")
    study = page.images.study
    assert study is not None
    assert window.signed is not None
    images = [s.image.identity for s in page.viewer.slices if isinstance(s, Slice)]
    named = [(i.series_instance_uid, i.sop_class_uid, i.sop_instance_uid) for i in images if i]
    before = _screen(page.viewer)
    # the state's own rescale (slope 1, −1024) gives HU; its VOI LUT table maps −1100 …
    # 1099 HU (a negative first value mapped, written as its 16-bit pattern) on a curve
    entries = 2200
    curve = [round(4095 * (i / (entries - 1)) ** 0.6) for i in range(entries)]
    table = voi_table_item(lut_item(curve, -1100, 12, "SOFT CURVE"))
    first = page.viewer.current()
    assert first is not None
    state = hospital_gsps(
        study.study_uid, named, [table], (1.0, -1024.0), images[0].patient_id if images[0] else ""
    )
    state = complete_state(state, first.image.rows, first.image.columns, shape="INVERSE")
    client = window.signed.connection.dicomweb(study.dicomweb_url)
    assert len(store_instances(client, study.study_uid, [part10(state)]).stored) == 1
    reopen(page)
    qtbot.waitUntil(lambda: bool(page.images.annotations.model.objects), timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    current = page.viewer.current()
    assert current is not None
    assert page.viewer.view_state.state_voi is not None  # its table, not a window
    shown = _screen(page.viewer)
    page.images.annotations_button.setChecked(True)
    row = page.images.annotation_list.rows.item(0)
    assert "正在使用其 VOI LUT 表" in row.text()
    assert "按其要求黑白反相显示" in row.text()
    assert "VOI LUT（显示状态）" in page.viewer.bottom_left.text()
    qtbot.wait(50)
    window.grab().save(str(SCREENSHOT))

    # DCMTK draws the same slice, fetched from the platform as it is stored, with the state
    uid = current.image.sop_instance_uid
    image_path, state_path = tmp_path / "slice.dcm", tmp_path / "state.dcm"

    def keep(stream: BinaryIO) -> str:
        image_path.write_bytes(stream.read())
        return uid

    series = current.image.identity
    assert series is not None
    path = f"/studies/{study.study_uid}/series/{series.series_instance_uid}/instances/{uid}"
    assert client.retrieve(path, keep) == [uid]
    state_path.write_bytes(part10(state))
    dcmtk = dcmp2pgm(image_path, state_path, tmp_path / "dcmtk.pgm")
    rows, columns = min(shown.shape[0], dcmtk.shape[0]), min(shown.shape[1], dcmtk.shape[1])
    assert rows > 100
    assert columns > 100
    on_screen = shown[:rows, :columns].astype(np.int16)
    reference = dcmtk[:rows, :columns].astype(np.int16)
    assert int(np.abs(on_screen - reference).max()) <= TOLERANCE
    assert int(np.abs(before[:rows, :columns].astype(np.int16) - reference).max()) > 50

    row.setCheckState(Qt.CheckState.Unchecked)  # one click: the image's own display again
    assert page.viewer.view_state.state_steps is None
    assert "正在使用" not in page.images.annotation_list.rows.item(0).text()
    again = _screen(page.viewer)  # the list now takes room: the part both show
    rows, columns = min(again.shape[0], before.shape[0]), min(again.shape[1], before.shape[1])
    assert np.array_equal(again[:rows, :columns], before[:rows, :columns])
    window.sign_out()
