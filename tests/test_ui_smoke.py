"""The main window opens on the sign-in form, in Simplified Chinese by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.i18n import install_language
from ui.main_window import MainWindow, WindowDeps
from workstation.audit import AuditLog
from workstation.config import PlatformEntry, Settings
from workstation.third_party import Notice, build_commit, load_notices

pytestmark = pytest.mark.ui


def test_sign_in_window_in_chinese(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    translator = install_language(qapp, "zh_CN")
    assert translator is not None, "compiled Chinese catalogue (make translations) is missing"
    try:
        settings = Settings().with_platform(PlatformEntry("Sandbox", "http://127.0.0.1:9"))
        window = MainWindow(WindowDeps(settings, None, AuditLog(tmp_path)))
        qtbot.addWidget(window)
        window.show()
        assert window.sign_in.platform_box.count() == 1
        assert "http://127.0.0.1:9" in window.sign_in.platform_box.currentText()
        assert window.sign_in.sign_in_button.text() == "登录"
        assert window.windowTitle() == "检查检验结果互认工作站"
        assert not window.sign_in.remember_box.isEnabled()  # no keyring: fail closed
    finally:
        qapp.removeTranslator(translator)


def test_about_lists_bundled_licences_and_language_is_kept(qtbot: QtBot, tmp_path: Path) -> None:
    from ui.about_dialog import AboutDialog

    saved: list[Settings] = []
    window = MainWindow(
        WindowDeps(Settings(), None, AuditLog(tmp_path), save_settings=saved.append)
    )
    qtbot.addWidget(window)
    notices = [
        Notice("python-gdcm", "3.2.6", "Apache-2.0", "GDCM: BSD-3-Clause"),
        Notice("pydicom", "3.0.2", "MIT"),
    ]
    about = AboutDialog(window, notices, "0123abcd")
    qtbot.addWidget(about)
    text = about.licences.toPlainText()
    assert "python-gdcm" in text
    assert "GDCM: BSD-3-Clause" in text
    assert "pydicom" in text
    assert "Droid Sans Fallback" in text
    assert "0123abcd" in about.build.text()
    unknown = AboutDialog(window, [], "")
    qtbot.addWidget(unknown)
    assert "not generated" in unknown.licences.toPlainText()
    window.set_language("en")
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved[-1].language == "en"
    menus = [action.text() for action in window.menuBar().actions()]
    assert len(menus) == 2


def test_language_follows_the_system_unless_chosen() -> None:
    from PySide6.QtCore import QLocale

    from ui.i18n import resolve_language

    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    posix = QLocale(QLocale.Language.C)
    assert resolve_language("", english) == "en"
    assert resolve_language("", chinese) == "zh_CN"
    assert resolve_language("", posix) == "zh_CN"
    assert resolve_language("zh_CN", english) == "zh_CN"
    assert resolve_language("en", chinese) == "en"


def test_window_level_button_is_chosen_in_the_menu_and_kept(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    saved: list[Settings] = []
    window = MainWindow(
        WindowDeps(Settings(), None, AuditLog(tmp_path), save_settings=saved.append)
    )
    qtbot.addWidget(window)
    assert window.window_button_actions["right"].isChecked()
    window.window_button_actions["middle"].trigger()
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved[-1].window_drag_button == "middle"
    assert not window.window_button_actions["right"].isChecked()
    for cell in window.patient_page.grid.cells:
        assert cell.view.window_buttons == (Qt.MouseButton.MiddleButton,)


def test_notices_and_commit_written_at_build_time_are_read(tmp_path: Path) -> None:
    from devtools.licences import check, runtime_closure, write_build_info, write_notices

    notices = tmp_path / "third_party.json"
    write_notices(check(runtime_closure()), notices)
    names = [n.name for n in load_notices(notices)]
    assert "pyside6-essentials" in names
    assert "pylibjpeg-libjpeg" not in names
    info = tmp_path / "build_info.json"
    write_build_info(info)
    assert len(build_commit(info).removesuffix("+dirty")) == 12  # tests run in a checkout
    assert load_notices(tmp_path / "missing.json") == []
    assert build_commit(tmp_path / "missing.json") == ""
