"""The browser sign-in path in the real window, against a platform with its own identity
provider (oidc-provider) and the sandbox trusting it: "通过浏览器登录…" opens the provider's
page (a scripted browser here), the window signs her in as the fhirUser practitioner; a
cancelled sign-in is said plainly; a read-only doctor sees why she cannot record; sign-out
opens the provider's end-session page. Screenshots of each step are saved beside the test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.memory_keyring import MemoryKeyring
from tests.oidc_peer import Peer, ScriptedBrowser, running_peer
from ui.main_window import MainWindow, WindowDeps, _browser_and_prepare
from workstation.audit import AuditLog
from workstation.config import PlatformEntry, Settings
from workstation.sign_in_errors import SignInError, SignInProblem

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    from sandbox.generate.dataset import generate

    data_dir = tmp_path_factory.mktemp("ui-peer-data")
    generate(data_dir, seed=7, small=True)
    with running_peer(data_dir, tmp_path_factory.mktemp("oidc")) as running:
        yield running


def _window(qtbot: QtBot, peer: Peer, tmp_path: Path) -> MainWindow:
    settings = Settings().with_platform(PlatformEntry("区域平台", peer.fhir))
    win = MainWindow(WindowDeps(settings, None, AuditLog(tmp_path), journal_root=tmp_path / "j"))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


class _Browser:
    """The system browser: records what the window opened, then signs in (scripted)."""

    def __init__(self, win: MainWindow, tmp_path: Path, login: str, cancel: bool = False) -> None:
        self.win, self.tmp_path = win, tmp_path
        self.login, self.cancel = login, cancel
        self.opened: list[str] = []
        self.scripted: list[ScriptedBrowser] = []
        win.open_url_requested.disconnect()  # no real browser under test
        win.open_url_requested.connect(self.open)

    def open(self, url: str) -> None:
        self.opened.append(url)
        if "/session/end" in url:
            return
        self.win.grab().save(str(self.tmp_path / "1-waiting-for-browser.png"))
        browser = ScriptedBrowser(self.login, cancel=self.cancel)
        self.scripted.append(browser)
        browser.open(url)

    def close(self) -> None:
        for browser in self.scripted:
            browser.done.wait(10)
            browser.close()


def test_browser_sign_in_then_sign_out_at_the_provider(
    qtbot: QtBot, peer: Peer, tmp_path: Path
) -> None:
    win = _window(qtbot, peer, tmp_path)
    browser = _Browser(win, tmp_path, "li.jing")
    try:
        qtbot.mouseClick(win.sign_in.browser_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.pages.currentWidget() is win.search, timeout=30000)
        assert browser.opened[0].startswith(f"{peer.issuer}/auth?")
        assert "李静" in win.user_label.text()
        win.grab().save(str(tmp_path / "2-signed-in.png"))
        win.sign_out()
        qtbot.waitUntil(lambda: len(browser.opened) == 2, timeout=5000)
        assert browser.opened[1].startswith(f"{peer.issuer}/session/end?id_token_hint=")
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        browser.close()


def test_a_cancelled_browser_sign_in_is_said_plainly(
    qtbot: QtBot, peer: Peer, tmp_path: Path
) -> None:
    win = _window(qtbot, peer, tmp_path)
    browser = _Browser(win, tmp_path, "li.jing", cancel=True)
    try:
        qtbot.mouseClick(win.sign_in.browser_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.sign_in.error_label.isVisible(), timeout=30000)
        assert "cancelled" in win.sign_in.error_label.text()
        assert win.sign_in.browser_button.isEnabled()
        win.grab().save(str(tmp_path / "3-cancelled.png"))
    finally:
        browser.close()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_cancelling_the_wait_for_the_browser_frees_the_form_at_once(
    qtbot: QtBot, peer: Peer, tmp_path: Path
) -> None:
    win = _window(qtbot, peer, tmp_path)
    form = win.sign_in
    opened: list[str] = []
    win.open_url_requested.disconnect()
    win.open_url_requested.connect(opened.append)  # a browser in which she does nothing
    assert not form.cancel_button.isVisible()
    qtbot.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=15000)
    redirect = parse_qs(urlsplit(opened[0]).query)["redirect_uri"][0]
    port = urlsplit(redirect).port
    assert port is not None
    assert _listening(port)
    assert form.cancel_button.isVisible()
    assert form.cancel_button.isEnabled()
    assert not form.browser_button.isEnabled()
    assert not form.sign_in_button.isEnabled()
    win.grab().save(str(tmp_path / "5-waiting-with-cancel.png"))

    qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    # At once, not after the 300 s the wait would last.
    assert form.browser_button.isEnabled()
    assert form.sign_in_button.isEnabled()
    assert form.user_edit.isEnabled()
    assert form.platform_box.isEnabled()
    assert not form.cancel_button.isVisible()
    assert not form.error_label.isVisible()
    assert "cancelled" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not _listening(port), timeout=2000)  # the loopback port is closed
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=5000)
    assert win.pages.currentWidget() is form
    assert win.signed is None
    win.grab().save(str(tmp_path / "6-cancelled-in-the-workstation.png"))

    browser = _Browser(win, tmp_path, "li.jing")  # and the form signs her in next time
    try:
        qtbot.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.pages.currentWidget() is win.search, timeout=30000)
        assert "李静" in win.user_label.text()
        win.sign_out()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        browser.close()


class _KeyringWithHistory(MemoryKeyring):
    """The in-memory keyring, also keeping every secret it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[tuple[str, str]] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        self.given.append((username, password))
        super().set_password(service, username, password)


@pytest.mark.parametrize("by", ["her", "the closing window"])
def test_a_redirect_arriving_as_she_cancels_keeps_nothing(peer: Peer, by: str) -> None:
    keyring = _KeyringWithHistory()
    abandoned, cancel = threading.Event(), threading.Event()
    browser = ScriptedBrowser("li.jing")

    def open_browser(url: str) -> None:
        browser.sign_in(url)  # the provider's redirect has reached the workstation...
        (abandoned if by == "her" else cancel).set()  # ...just as she or the window cancels

    try:
        with pytest.raises(SignInError) as caught:
            _browser_and_prepare(
                PlatformEntry("区域平台", peer.fhir),
                open_browser,
                True,
                keyring,
                abandoned,
                report=lambda _progress: None,
                cancel=cancel,
            )
    finally:
        browser.close()
    assert caught.value.problem is SignInProblem.CANCELLED
    refresh = [secret for name, secret in keyring.given if name.endswith("#refresh")]
    assert refresh  # the sign-in went through and was remembered...
    assert keyring.items == {}  # ...then forgotten
    after = httpx.post(
        f"{peer.issuer}/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh[-1],
            "client_id": "hr-workstation",
        },
    )
    assert after.status_code == 400  # and revoked at the provider
    assert after.json()["error"] == "invalid_grant"


def test_a_read_only_doctor_sees_why_she_cannot_record(
    qtbot: QtBot, peer: Peer, tmp_path: Path
) -> None:
    win = _window(qtbot, peer, tmp_path)
    browser = _Browser(win, tmp_path, "chen.min")
    try:
        qtbot.mouseClick(win.sign_in.browser_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.pages.currentWidget() is win.search, timeout=30000)
        assert win.signed is not None
        patient = win.signed.connection.platform.patient("p0001")
        qtbot.keyClicks(win.search.query_edit, patient.id_card)
        qtbot.waitUntil(lambda: win.search.table.rowCount() == 1, timeout=10000)
        win.search.table.cellDoubleClicked.emit(0, 0)
        page = win.patient_page
        qtbot.waitUntil(lambda: bool(page.timeline.visible_results()), timeout=20000)
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=20000)
        assert page.timeline.select(page.timeline.visible_results()[0].id)
        panel = page.decision
        qtbot.waitUntil(lambda: panel.refusal_label.isVisible(), timeout=10000)
        assert "user/Task.write" in panel.refusal_label.text()
        assert not panel.accept_button.isEnabled()
        assert not panel.repeat_button.isEnabled()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=20000)
        assert not panel.undo_button.isEnabled()
        win.grab().save(str(tmp_path / "4-read-only.png"))
        win.sign_out()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        browser.close()
