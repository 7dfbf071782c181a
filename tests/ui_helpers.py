"""Driving the real main window in UI tests: sign in through the form, open a patient."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from ui.i18n import install_language
from ui.main_window import MainWindow, WindowDeps
from ui.patient_page import PatientPage
from ui.viewer import ImageViewer
from workstation.audit import AuditLog
from workstation.auth import SecretStore
from workstation.config import PlatformEntry, Settings
from workstation.session.series_stack import Slice


def signed_in_window(
    qtbot: QtBot,
    sandbox: Sandbox,
    tmp_path: Path,
    user: str = "dr.li",
    settings: Settings | None = None,
    secrets: SecretStore | None = None,
    platform: str = "Sandbox",
) -> MainWindow:
    """A shown main window, signed in through its form as ``user`` (``secrets``: the keyring
    it may use; None = no secure keyring on this machine) on the sandbox configured as
    ``platform``."""
    settings = (settings or Settings()).with_platform(PlatformEntry(platform, sandbox.base_url))
    window = MainWindow(
        WindowDeps(settings, secrets, AuditLog(tmp_path), journal_root=tmp_path / "journal")
    )
    qtbot.addWidget(window)
    window.resize(1366, 820)
    window.show()
    qtbot.keyClicks(window.sign_in.user_edit, user)
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    return window


def open_patient(qtbot: QtBot, window: MainWindow, patient_id: str) -> PatientPage:
    """Open a patient and wait until the whole timeline has arrived."""
    assert window.signed is not None
    window.open_patient(window.signed.connection.platform.patient(patient_id))
    page = window.patient_page
    qtbot.waitUntil(lambda: not window.runner.busy and bool(page.timeline.results), timeout=20000)
    return page


@contextmanager
def chinese_interface(app: QCoreApplication) -> Iterator[None]:
    """The interface in Simplified Chinese, as doctors see it, taken back afterwards (the
    compiled catalogue must be built: make translations)."""
    before = QLocale()
    translator = install_language(app, "zh_CN")
    assert translator is not None
    try:
        yield
    finally:
        app.removeTranslator(translator)
        QLocale.setDefault(before)


def arrived(viewer: ImageViewer) -> int:
    """How many of a viewer's slices have their pixels (not places still waiting)."""
    return sum(isinstance(entry, Slice) for entry in viewer.slices)


def confirm_against_rules(page: PatientPage) -> bool:
    """If accepting asked "accept against the rules?", answer "Accept anyway" (True)."""
    shown = [b for b in page.findChildren(QMessageBox, "acceptAgainstRules") if b.isVisible()]
    if not shown:
        return False
    (box,) = shown
    (anyway,) = [b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole]
    anyway.click()
    return True


def accept(qtbot: QtBot, page: PatientPage) -> None:
    """Press 互认 on the selected result, confirming when the rules do not recognize it."""
    qtbot.mouseClick(page.decision.accept_button, Qt.MouseButton.LeftButton)
    confirm_against_rules(page)


def open_study(
    qtbot: QtBot, window: MainWindow, patient_id: str, modality: str | None = "CT"
) -> PatientPage:
    """Open a patient and the first of her results of ``modality`` (None: the first
    imaging result), and wait until its first series is on screen and the window is idle."""
    page = open_patient(qtbot, window, patient_id)
    study = next(
        r
        for r in page.timeline.visible_results()
        if (r.modality == modality if modality else r.category.value == "imaging")
    )
    assert page.timeline.select(study.id)
    qtbot.waitUntil(lambda: arrived(page.viewer) > 0, timeout=20000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30000)
    return page


def reopen(page: PatientPage) -> None:
    """Leave the selected result for another one and select it again (what is saved on the
    platform since is found as when she reopens it)."""
    shown = page.decision.result
    assert shown is not None
    assert page.timeline.select(next(r for r in page.timeline.visible_results() if r != shown).id)
    assert page.timeline.select(shown.id)
