"""Privacy at the workstation: idle auto-lock hides patient data until the password is
entered again; logs of a full session contain no identifiers or secrets."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from tests.memory_keyring import MemoryKeyring
from tests.ui_helpers import signed_in_window
from ui.main_window import MainWindow
from workstation.config import Settings
from workstation.logs import setup_logging, shutdown_logging
from workstation.recognition.decisions import DecisionKind, new_decision

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


def test_her_journal_is_sealed_with_a_key_from_the_keyring_and_a_lost_key_is_reported(
    qtbot: QtBot, sandbox: Sandbox, tmp_path: Path
) -> None:
    keyring = MemoryKeyring()
    window = signed_in_window(qtbot, sandbox, tmp_path, secrets=keyring)
    journal = window.journal
    assert journal is not None
    assert journal.cipher is not None
    assert journal.cipher.name.value == "aes-256-gcm"
    assert any(k.startswith("data-key:aes-256-gcm:journal:dr.li") for _s, k in keyring.items)
    platform = window.signed.connection.platform  # type: ignore[union-attr]
    result = next(r for page in platform.results("p0001") for r in page.results)
    decision = new_decision(
        result,
        DecisionKind.ACCEPTED,
        username="dr.li",
        practitioner="Practitioner/pr001",
        catalog_version="v",
        eligibility="valid",
        now=dt.datetime.now(dt.UTC),
        note="患者自述无不适 unique-note-7f3a",
    )
    journal.record(decision)
    on_disk = b"".join(p.read_bytes() for p in journal.path.parent.iterdir())
    assert "患者自述无不适".encode() not in on_disk
    assert result.patient_id.encode() not in on_disk
    window.sign_out()
    # the keyring was reset: she signs in again and is told, and nothing crashes
    keyring.items.clear()
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    assert window.journal is not None
    assert [u.decision_id for u in window.journal.unreadable()] == [decision.id]
    assert "cannot be read" in window.statusBar().currentMessage()
    window.sign_out()
