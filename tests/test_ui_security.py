"""Privacy at the workstation: idle auto-lock hides patient data until the password is
entered again; logs of a full session contain no identifiers or secrets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from tests.ui_helpers import signed_in_window
from ui.main_window import MainWindow
from workstation.config import Settings
from workstation.logs import setup_logging, shutdown_logging

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def _window(qtbot: QtBot, sandbox: Sandbox, tmp_path: Path, idle_minutes: float) -> MainWindow:
    settings = replace(Settings(), idle_lock_minutes=idle_minutes)  # type: ignore[arg-type]
    return signed_in_window(qtbot, sandbox, tmp_path, settings=settings)


def test_idle_lock_hides_patient_data_until_the_password(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    window = _window(qtbot, sandbox, tmp_path, idle_minutes=0.02)  # 1.2 s
    patient = window.signed.connection.platform.patient("p0001")  # type: ignore[union-attr]
    window.open_patient(patient)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.lock_page, timeout=10000)
    assert not window.patient_page.isVisible()
    assert not window.toolbar.isVisible()
    qtbot.keyClicks(window.lock_page.password_edit, "wrong")
    qtbot.keyClick(window.lock_page.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.lock_page.error_label.text()), timeout=10000)
    assert window.pages.currentWidget() is window.lock_page
    qtbot.keyClicks(window.lock_page.password_edit, DEMO_PASSWORD)
    qtbot.keyClick(window.lock_page.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.patient_page, timeout=10000)
    window.sign_out()


def test_logs_of_a_session_hold_no_identifiers(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    log_file = setup_logging(tmp_path / "log", to_stderr=False)
    try:
        window = _window(qtbot, sandbox, tmp_path, idle_minutes=10)
        patient = window.signed.connection.platform.patient("p0001")  # type: ignore[union-attr]
        qtbot.keyClicks(window.search.query_edit, patient.id_card)
        qtbot.waitUntil(lambda: window.search.table.rowCount() == 1, timeout=10000)
        window.open_patient(patient)
        qtbot.waitUntil(
            lambda: not window.runner.busy and bool(window.patient_page.timeline.results),
            timeout=20000,
        )
        token = window.signed.connection.session.bearer()  # type: ignore[union-attr]
        window.sign_out()
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    finally:
        shutdown_logging()
    text = log_file.read_text(encoding="utf-8")
    assert "signed in" in text  # the log really recorded the session
    for secret in (patient.id_card, patient.phone, patient.name, DEMO_PASSWORD, token):
        assert secret not in text
