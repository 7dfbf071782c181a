"""The main window opens on the sign-in form, in Simplified Chinese by default."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from workstation.config import PlatformEntry, Settings

pytestmark = pytest.mark.ui


def test_sign_in_window_lists_the_platforms(qtbot: QtBot) -> None:
    settings = Settings().with_platform(PlatformEntry("Sandbox", "http://127.0.0.1:9"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    assert window.sign_in.platform_box.count() == 1
    assert "http://127.0.0.1:9" in window.sign_in.platform_box.currentText()
    assert window.sign_in.isVisible()
