"""The doctor's daily path through the real window against the real sandbox: sign in,
search, open a patient, open a CT and change window/level, open a lab report, sign out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from ui.main_window import MainWindow, WindowDeps
from ui.timeline import COL_BADGE
from workstation.audit import AuditLog
from workstation.clock import CHINA
from workstation.config import PlatformEntry, Settings
from workstation.model import Category

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


@pytest.fixture
def window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path) -> MainWindow:
    settings = Settings().with_platform(PlatformEntry("Sandbox", sandbox.base_url))
    deps = WindowDeps(settings, None, AuditLog(tmp_path))
    win = MainWindow(deps)
    qtbot.addWidget(win)
    win.resize(1366, 820)
    win.show()
    return win


def _sign_in(
    qtbot: QtBot, win: MainWindow, user: str = "dr.li", password: str = DEMO_PASSWORD
) -> None:
    qtbot.keyClicks(win.sign_in.user_edit, user)
    qtbot.keyClicks(win.sign_in.password_edit, password)
    qtbot.mouseClick(win.sign_in.sign_in_button, Qt.MouseButton.LeftButton)


def test_wrong_password_shows_a_message_and_keeps_the_form(
    qtbot: QtBot, window: MainWindow
) -> None:
    _sign_in(qtbot, window, password="wrong")
    qtbot.waitUntil(lambda: window.sign_in.error_label.isVisible(), timeout=10000)
    assert window.pages.currentWidget() is window.sign_in
    assert window.sign_in.sign_in_button.isEnabled()
    assert window.sign_in.password_edit.text() == ""


def test_daily_path(qtbot: QtBot, window: MainWindow, sandbox: Sandbox, tmp_path: Path) -> None:
    _sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    assert "李静" in window.user_label.text()

    patient = window.signed.connection.platform.patient("p0001")  # type: ignore[union-attr]
    qtbot.keyClicks(window.search.query_edit, patient.id_card)
    assert "✓" in window.search.hint_label.text()
    qtbot.waitUntil(lambda: window.search.table.rowCount() == 1, timeout=10000)
    assert window.search.table.item(0, 0).text() == patient.name
    assert patient.id_card not in window.search.table.item(0, 4).text()  # masked
    window.search.table.cellDoubleClicked.emit(0, 0)

    page = window.patient_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=5000)
    qtbot.waitUntil(
        lambda: "result" in page.count_label.text() or "项" in page.count_label.text(),
        timeout=15000,
    )
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=15000)
    shown = page.timeline.visible_results()
    assert shown
    assert shown == sorted(shown, key=lambda r: r.effective, reverse=True)
    model = page.timeline.model
    assert model.index(0, 0).data() == shown[0].effective.astimezone(CHINA).date().isoformat()
    assert model.index(1, COL_BADGE).data() != ""  # the first result's badge

    ct = next(r for r in shown if r.modality == "CT")
    assert page.timeline.select(ct.id)
    qtbot.waitUntil(lambda: len(page.viewer.slices) > 0, timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    assert len(page.viewer.slices) == page.viewer.expected
    assert "W 400" in page.viewer.bottom_left.text()
    before = page.viewer.effective_window()
    # right-drag to the right widens the window
    page.viewer.view.window_dragged.emit(0.0, 120.0)
    assert page.viewer.chosen_window is not None
    assert before is not None
    assert page.viewer.chosen_window.width > before.width
    assert f"W {page.viewer.chosen_window.width:.0f}" in page.viewer.bottom_left.text()
    qtbot.keyClick(page.viewer, Qt.Key.Key_Home)
    assert page.viewer.index == 0
    qtbot.keyClick(page.viewer, Qt.Key.Key_Down)
    assert page.viewer.index == 1
    assert "2 /" in page.viewer.top_right.text()
    lung = next(
        i
        for i in range(page.viewer.preset_box.count())
        if "-600/1500" in page.viewer.preset_box.itemText(i)
    )
    page.viewer.preset_box.setCurrentIndex(lung)
    page.viewer.preset_box.activated.emit(lung)
    assert page.viewer.chosen_window.center == -600

    lab = next(r for r in shown if r.category is Category.LAB)
    assert page.timeline.select(lab.id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() == len(lab.observation_ids), timeout=10000)
    assert page.labs.table.item(0, 2).text()  # a unit is shown
    # the CT's images do not stay, shrunken, beside a lab result: the cell says why it is empty
    assert not page.viewer.slices
    assert page.viewer.message.isVisible()
    assert page.viewer.message.text()
    assert page.grid.shape == (1, 1)

    grab = window.grab()
    assert not grab.isNull()
    window.sign_out()
    assert window.pages.currentWidget() is window.sign_in
    assert page.timeline.model.rowCount() == 0
    records = AuditLog(tmp_path).records()
    qtbot.waitUntil(lambda: len(AuditLog(tmp_path).records()) >= 1, timeout=5000)
    records = AuditLog(tmp_path).records()
    assert records[0].patient_id == "p0001"
    assert dt.datetime.fromisoformat(records[0].recorded)


def test_compare_with_a_prior_study_from_another_hospital(qtbot: QtBot, window: MainWindow) -> None:
    _sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    window.open_patient(window.signed.connection.platform.patient("p0001"))  # type: ignore[union-attr]
    page = window.patient_page
    qtbot.waitUntil(lambda: not window.runner.busy and bool(page.timeline.results), timeout=20000)
    cts = sorted(
        (r for r in page.timeline.results if r.modality == "CT"),
        key=lambda r: r.effective,
        reverse=True,
    )
    assert len(cts) >= 2
    assert cts[0].hospital_id != cts[1].hospital_id
    page.timeline.select(cts[0].id)
    qtbot.waitUntil(lambda: not window.runner.busy and len(page.viewer.slices) > 0, timeout=30000)
    prior = next(
        i
        for i in range(page.compare_box.count())
        if page.compare_box.itemData(i) is not None and page.compare_box.itemData(i).id == cts[1].id
    )
    page.compare_box.setCurrentIndex(prior)
    page.compare_box.activated.emit(prior)
    qtbot.waitUntil(
        lambda: not window.runner.busy and len(page.compare_viewer.slices) > 0, timeout=30000
    )
    assert page.compare_viewer.isVisible()
    assert cts[1].id in page.viewed  # she read the prior too: the summary offers it ticked
    # another hospital, other coordinates: the prior opens at the place within its scan
    # that the current shows within its own, and scrolling waits for her to confirm
    assert not page.sync_scroll.isChecked()
    assert "not synced" in page.compare_viewer.top_right.text().lower()
    here, there = page.viewer, page.compare_viewer
    assert abs(here.index / len(here.slices) - there.index / len(there.slices)) < 0.05
    page.sync_scroll.setChecked(True)
    assert "Synced" in page.compare_viewer.top_right.text()
    assert "mm" in page.compare_viewer.top_right.text()
    a0 = page.viewer.current().position  # type: ignore[union-attr]
    b0 = page.compare_viewer.current().position  # type: ignore[union-attr]
    page.viewer.go_to(len(page.viewer.slices) // 2)
    a = page.viewer.current().position  # type: ignore[union-attr]
    b = page.compare_viewer.current().position  # type: ignore[union-attr]
    assert a is not None
    assert a0 is not None
    assert b is not None
    assert b0 is not None
    assert a != a0
    spacing = abs(
        (page.compare_viewer.slices[1].position or 0)
        - (page.compare_viewer.slices[0].position or 0)
    )
    assert abs((b - b0) - (a - a0)) <= spacing  # followed by position, keeping the offset
    page.sync_scroll.setChecked(False)
    page.viewer.go_to(0)
    assert page.compare_viewer.current().position == b  # type: ignore[union-attr]
    page.sync_scroll.setChecked(True)
    page.compare_viewer.mark_key_image()  # kept with the prior study, not the current one
    assert len(page.key_images.get(cts[1].id, [])) == 1
    assert cts[0].id not in page.key_images
    page.viewer.view.window_dragged.emit(0.0, 90.0)
    assert page.compare_viewer.chosen_window == page.viewer.chosen_window
    window.sign_out()


def test_series_strip_thumbnails_and_drop_into_a_second_cell(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtCore import QMimeData

    _sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    window.open_patient(window.signed.connection.platform.patient("p0002"))  # type: ignore[union-attr]
    page = window.patient_page
    qtbot.waitUntil(lambda: not window.runner.busy and bool(page.timeline.results), timeout=20000)
    for result in (r for r in page.timeline.results if r.imaging_study_ids):
        page.timeline.select(result.id)  # find the study with many series (one per syntax)
        qtbot.waitUntil(lambda: page.strip.count() > 0 and not window.runner.busy, timeout=30000)
        if page.strip.count() >= 4:
            break
    assert page.strip.count() == len(page.images.study.series)  # type: ignore[union-attr]
    study = page.images.study
    assert study is not None
    # the study's other series arrive in memory in the background
    qtbot.waitUntil(
        lambda: all((study.study_uid, s.uid) in page.series_cache for s in study.series),
        timeout=60000,
    )
    qtbot.waitUntil(lambda: not page.strip.item(0).icon().isNull(), timeout=10000)
    # a cell whose series is replaced at once shows only the new one (the first download's
    # images, already queued from memory, are dropped)
    page.images._series_into_cell(1, 1)
    page.images._series_into_cell(1, 2)
    qtbot.waitUntil(lambda: not window.runner.busy and bool(page.compare_viewer.slices))
    shown = {s.image.series_instance_uid for st in page.compare_viewer.stacks.values() for s in st}
    assert shown == {study.series[2].uid}
    mime = page.strip.mimeData([page.strip.item(page.strip.count() - 1)])
    assert isinstance(mime, QMimeData)
    page.grid.series_dropped.emit(1, page.strip.count() - 1)  # what a drop on cell 2 sends
    qtbot.waitUntil(
        lambda: not window.runner.busy and len(page.compare_viewer.slices) > 0, timeout=30000
    )
    assert page.compare_viewer.isVisible()
    assert page.grid.shape == (1, 2)
    # 2×2: the two new cells fill with the study's next series not yet shown
    page.grid.layout_box.setCurrentIndex(3)
    page.grid.layout_box.activated.emit(3)
    assert page.grid.shape == (2, 2)
    qtbot.waitUntil(
        lambda: not window.runner.busy and all(cell.slices for cell in page.grid.visible_cells()),
        timeout=30000,
    )
    uids = {cell.current().image.series_instance_uid for cell in page.grid.visible_cells()}  # type: ignore[union-attr]
    assert len(uids) == 4
    # the strip acts on the active cell; the toolbar follows it
    page.grid.activate(3)
    assert page.grid.toolbars.currentWidget() is page.grid.cells[3].toolbar
    page.strip.series_chosen.emit(0)
    qtbot.waitUntil(
        lambda: not window.runner.busy and bool(page.grid.cells[3].slices), timeout=30000
    )
    first_uid = page.images.study.series[0].uid  # type: ignore[union-attr]
    assert page.grid.cells[3].current().image.series_instance_uid == first_uid  # type: ignore[union-attr]
    window.sign_out()
    assert page.grid.shape == (1, 1)
