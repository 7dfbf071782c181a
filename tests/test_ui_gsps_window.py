"""A presentation state that names a window, through the real window against the real
sandbox (in Chinese, as she reads): shown, its window is the one on screen (the numbers of
the object, carried through its own modality LUT); one click on its row gives her own
window back, and showing it again puts its window back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import Sandbox
from tests.gsps_builders import hospital_gsps, voi_item
from tests.ui_helpers import open_study, reopen, signed_in_window
from workstation.annotations.service import part10
from workstation.dicomweb.stow import store_instances
from workstation.imaging.voi import Window

pytestmark = [pytest.mark.ui, pytest.mark.e2e]
SCREENSHOT = Path("/tmp/hr-gsps-window.png")  # looked at by hand


def test_a_shown_presentation_state_puts_its_window_on_screen_and_one_click_takes_it_off(
    qtbot: QtBot, private_sandbox: Sandbox, tmp_path: Path, chinese: None
) -> None:
    window = signed_in_window(qtbot, private_sandbox, tmp_path)
    page = open_study(qtbot, window, "p0001")
    study = page.images.study
    assert study is not None
    assert window.signed is not None
    images = [s.image.identity for s in page.viewer.slices]
    assert all(i is not None for i in images)
    named = [(i.series_instance_uid, i.sop_class_uid, i.sop_instance_uid) for i in images if i]
    first = page.viewer.slices[0].image
    slope, intercept = first.rescale_slope, first.rescale_intercept
    # a lung window (−600/1500 HU) written after the state's own modality LUT, which keeps
    # the stored values (slope 1, no intercept): its numbers are not the HU on screen
    lung = voi_item((-600.0 - intercept) / slope, 1500.0 / slope, explanation="LUNG")
    gsps = hospital_gsps(
        study.study_uid, named, [lung], (1.0, 0.0), images[0].patient_id if images[0] else ""
    )
    stored = store_instances(
        window.signed.connection.dicomweb(study.dicomweb_url), study.study_uid, [part10(gsps)]
    )
    assert len(stored.stored) == 1
    page.viewer.set_window(Window(40.0, 400.0))  # her soft-tissue window, then reopened
    reopen(page)
    qtbot.waitUntil(lambda: bool(page.images.annotations.model.objects), timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    (listed,) = page.images.annotations.model.objects
    assert listed.visible
    shown = page.viewer.effective_window()
    assert shown is not None
    assert (shown.center, shown.width) == pytest.approx((-600.0, 1500.0))
    assert "窗宽 1500  窗位 -600" in page.viewer.bottom_left.text()
    page.images.annotations_button.setChecked(True)
    row = page.images.annotation_list.rows.item(0)
    assert "窗位/窗宽 -600/1500 · 正在使用其窗宽窗位" in row.text()  # in HU, as on screen
    assert "取消勾选即回到" in row.toolTip()
    qtbot.wait(50)
    window.grab().save(str(SCREENSHOT))

    own = page.viewer.effective_window()
    row.setCheckState(Qt.CheckState.Unchecked)  # one click: her window again
    assert "正在使用" not in page.images.annotation_list.rows.item(0).text()
    back = page.viewer.effective_window()
    assert back is not None
    assert (back.center, back.width) != (own.center, own.width)  # type: ignore[union-attr]
    assert page.viewer.chosen_window is None  # the file's own, as before the state
    page.viewer.set_window(Window(40.0, 400.0))
    row = page.images.annotation_list.rows.item(0)
    row.setCheckState(Qt.CheckState.Checked)  # shown again: its window again
    again = page.viewer.effective_window()
    assert again is not None
    assert (again.center, again.width) == pytest.approx((-600.0, 1500.0))
    page.images.annotation_list.rows.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert page.viewer.effective_window() == Window(40.0, 400.0)  # hers, as she set it
    page.images.annotation_list.rows.item(0).setCheckState(Qt.CheckState.Checked)
    page.viewer.set_window(Window(-500.0, 1200.0))  # she adjusts it: it stays hers
    page.images.annotations.model.changed.emit()  # (as when more images arrive)
    assert page.viewer.effective_window() == Window(-500.0, 1200.0)
    page.images.annotation_list.rows.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert page.viewer.effective_window() == Window(-500.0, 1200.0)  # not taken from her
    page.images.annotation_list.rows.item(0).setCheckState(Qt.CheckState.Checked)
    page.images.annotation_list.rows.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert page.viewer.effective_window() == Window(-500.0, 1200.0)  # hers again, one click
    window.sign_out()
