"""The lab panel and the trend plot on the sandbox's mixed-unit data."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from ui.main_window import MainWindow, WindowDeps
from workstation.audit import AuditLog
from workstation.config import PlatformEntry, Settings
from workstation.model import Category

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_lab_panel_normalizes_and_trends_span_hospitals(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = Settings().with_platform(PlatformEntry("Sandbox", sandbox.base_url))
    window = MainWindow(WindowDeps(settings, None, AuditLog(tmp_path)))
    qtbot.addWidget(window)
    window.resize(1366, 820)
    window.show()
    qtbot.keyClicks(window.sign_in.user_edit, "dr.wang")
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    platform = window.signed.connection.platform  # type: ignore[union-attr]
    window.open_patient(platform.patient("p0003"))
    page = window.patient_page
    qtbot.waitUntil(lambda: not window.runner.busy and bool(page.timeline.results), timeout=20000)
    labs = [r for r in page.timeline.results if r.category is Category.LAB]
    # a report from a hospital that prints conventional units, if the data has one
    conventional = {"cdtf", "mybo"}
    chosen = next((r for r in labs if r.hospital_id in conventional), labs[0])
    assert page.timeline.select(chosen.id)
    qtbot.waitUntil(lambda: page.labs.table.rowCount() > 0, timeout=10000)
    table = page.labs.table
    reported_units = [table.item(row, 2).text() for row in range(table.rowCount())]
    assert page.labs.table.isColumnHidden(5)
    page.labs.normalized_box.setChecked(True)
    assert not table.isColumnHidden(5)
    for row in range(table.rowCount()):
        assert table.item(row, 5).text()  # the value as reported stays visible
    normalized_units = [table.item(row, 2).text() for row in range(table.rowCount())]
    if chosen.hospital_id in conventional:
        assert normalized_units != reported_units
    assert "·" in page.labs.title.text()
    page.lab_tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.trends.point_count > 0, timeout=20000)
    assert len(page.trends.plots) >= 1
    assert page.trends.band_count >= 1
    legend = page.trends.legend.text()
    assert legend.count("●") >= 2  # several hospitals on one time axis
    window.sign_out()
