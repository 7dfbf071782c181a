"""The sign-in page names the platform chosen in its drop-down (a city's platform is not
"the provincial platform"), follows her choice, and signs in to the platform it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from devtools.sandbox_launcher import DEMO_PASSWORD, RunningSandbox
from ui.main_window import MainWindow, WindowDeps
from ui.sign_in import SignInWidget
from workstation.audit import AuditLog
from workstation.config import PlatformEntry, Settings

pytestmark = pytest.mark.ui

# named as `make run` names the sandbox's city platforms
CHENGDU, MIANYANG = "Sandbox · 成都市 (510100)", "Sandbox · 绵阳市 (510700)"


def test_the_subtitle_names_the_chosen_platform_and_follows_her_choice(
    qtbot: QtBot, chinese: None, cities: dict[str, RunningSandbox], tmp_path: Path
) -> None:
    settings = (
        Settings()
        .with_platform(PlatformEntry(CHENGDU, cities["成都"].base_url), make_default=True)
        .with_platform(PlatformEntry(MIANYANG, cities["绵阳"].base_url))
    )
    window = MainWindow(
        WindowDeps(settings, None, AuditLog(tmp_path), journal_root=tmp_path / "journal")
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    form = window.sign_in
    assert form.subtitle.text() == f"登录 {CHENGDU}"
    assert "省级" not in form.subtitle.text()
    window.grab().save(str(tmp_path / "sign_in_chengdu_1366.png"))

    form.platform_box.setCurrentIndex(
        form.platform_box.findText(MIANYANG, Qt.MatchFlag.MatchStartsWith)
    )
    assert form.subtitle.text() == f"登录 {MIANYANG}"
    window.grab().save(str(tmp_path / "sign_in_mianyang_1366.png"))

    # and the platform it names is the one she signs in to
    qtbot.keyClicks(form.user_edit, "dr.li")
    qtbot.keyClicks(form.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(form.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    assert window.signed is not None
    assert window.signed.connection.entry.base_url == cities["绵阳"].base_url
    window.sign_out()
    window.close()


def test_without_a_platform_the_subtitle_is_neutral(qtbot: QtBot, chinese: None) -> None:
    form = SignInWidget((), "")
    qtbot.addWidget(form)
    assert form.subtitle.text() == "登录检查检验结果互认平台"
    form.set_platforms((PlatformEntry("成都市全民健康信息平台", "https://127.0.0.1:1"),), "")
    assert form.subtitle.text() == "登录 成都市全民健康信息平台"
    form.set_platforms((), "")
    assert form.subtitle.text() == "登录检查检验结果互认平台"
