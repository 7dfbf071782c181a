"""The client against a platform that misbehaves on purpose (issue 19, "the client must not"):
the real sandbox behind a loopback proxy that sends foreign-origin links, answers 429/408/
425/503 with Retry-After, and cuts a refresh answer in transit; a second loopback server
records whether the platform's token ever reached it."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.conftest import DEMO_PASSWORD, Sandbox
from tests.memory_keyring import MemoryKeyring
from tests.misbehaving_proxy import MisbehavingProxy, RecordingServer, Reply, Rewrite, Seen
from tests.ui_helpers import signed_in_window
from workstation.config import PlatformEntry
from workstation.http import MAX_RETRY_AFTER_S, ErrorKind, PlatformError, retry_after_s
from workstation.journal import Journal, OutboxState
from workstation.recognition.decisions import Decision, DecisionKind, new_decision
from workstation.recognition.outbox import next_delay_s, send_pending
from workstation.services import Connection, LoadedImage, load_series, sign_in
from workstation.user_folder import user_key

pytestmark = pytest.mark.e2e


@pytest.fixture
def proxy(clean_faults: Sandbox) -> Iterator[MisbehavingProxy]:
    """The sandbox behind a proxy that behaves until a test tells it otherwise."""
    running = MisbehavingProxy(clean_faults.base_url)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def elsewhere() -> Iterator[RecordingServer]:
    """Another server, on another loopback port, that records what it receives."""
    running = RecordingServer()
    try:
        yield running
    finally:
        running.close()


def _connect(
    proxy: MisbehavingProxy, user: str = "dr.li", keyring: MemoryKeyring | None = None
) -> Connection:
    return sign_in(
        PlatformEntry("Proxy", proxy.base_url),
        user,
        DEMO_PASSWORD,
        remember=keyring is not None,
        secrets=keyring,
    )


def _json_rewrite(path_prefix: str, change: Callable[[dict[str, Any]], None]) -> Rewrite:
    def rewrite(seen: Seen, data: bytes) -> bytes:
        if not seen.path.startswith(path_prefix):
            return data
        body = json.loads(data)
        change(body)
        return json.dumps(body).encode("utf-8")

    return rewrite


# --- 1. the bearer token stays on the platform's own origin ------------------------------------


def test_a_next_link_to_another_origin_is_refused_and_gets_no_token(
    proxy: MisbehavingProxy, elsewhere: RecordingServer
) -> None:
    connection = _connect(proxy)
    try:

        def foreign_next(bundle: dict[str, Any]) -> None:
            bundle["link"] = [
                {"relation": "next", "url": f"{elsewhere.base_url}/fhir/Organization?page=2"}
            ]

        proxy.rewrites.append(_json_rewrite("/fhir/Organization", foreign_next))
        with pytest.raises(PlatformError) as caught:
            connection.platform.hospitals()
        assert caught.value.kind is ErrorKind.FOREIGN_ORIGIN
        assert "127.0.0.1" in caught.value.detail
        assert elsewhere.received == []  # not followed at all, with or without the token
        # the same page with a same-origin next link is still followed (the check is no
        # blanket refusal of paging)
        proxy.rewrites.clear()
        assert len(connection.platform.hospitals()) >= 6
    finally:
        connection.sign_out()


def test_a_results_page_linking_to_another_port_is_refused(
    proxy: MisbehavingProxy, elsewhere: RecordingServer
) -> None:
    connection = _connect(proxy)
    try:

        def foreign_next(bundle: dict[str, Any]) -> None:
            # Same host, other port: another origin (RFC 6454), so another server.
            bundle["link"] = [{"relation": "next", "url": f"{elsewhere.base_url}/fhir/x"}]

        proxy.rewrites.append(_json_rewrite("/fhir/DiagnosticReport", foreign_next))
        pages = connection.platform.results("p0001", page_size=2)
        first = next(pages)
        assert first.results
        with pytest.raises(PlatformError) as caught:
            next(pages)
        assert caught.value.kind is ErrorKind.FOREIGN_ORIGIN
        assert elsewhere.tokens_received == []
        assert elsewhere.received == []
    finally:
        connection.sign_out()


def test_an_imaging_endpoint_on_another_origin_gets_no_token(
    proxy: MisbehavingProxy, elsewhere: RecordingServer
) -> None:
    connection = _connect(proxy)
    try:
        results = [r for page in connection.platform.results("p0001") for r in page.results]
        ct = next(r for r in results if r.modality == "CT")

        def foreign_address(endpoint: dict[str, Any]) -> None:
            endpoint["address"] = f"{elsewhere.base_url}/dicomweb"

        proxy.rewrites.append(_json_rewrite("/fhir/Endpoint/", foreign_address))
        study = connection.platform.imaging_study(ct.imaging_study_ids[0])
        assert study.dicomweb_url.startswith(elsewhere.base_url)
        client = connection.dicomweb(study.dicomweb_url)
        with pytest.raises(PlatformError) as caught:
            client.search_series(study.study_uid)
        assert caught.value.kind is ErrorKind.FOREIGN_ORIGIN
        with pytest.raises(PlatformError):
            client.retrieve_series(
                study.study_uid, study.series[0].uid, lambda part: "", ["x"], None
            )
        with pytest.raises(PlatformError):
            client.thumbnail(study.study_uid, study.series[0].uid)
        assert elsewhere.received == []
        # the platform's own DICOMweb service still gets the token and answers
        own = connection.dicomweb(f"{proxy.base_url}/dicomweb")
        assert own.search_series(study.study_uid)
    finally:
        connection.sign_out()


# --- 2. temporary refusals are retried, with Retry-After honoured -----------------------------


def _pending_decisions(connection: Connection, journal: Journal, count: int) -> list[Decision]:
    results = [r for page in connection.platform.results("p0002") for r in page.results]
    decisions = []
    for result in results[:count]:
        decision = new_decision(
            result,
            DecisionKind.ACCEPTED,
            username=connection.user.username,
            practitioner=connection.user.practitioner,
            catalog_version="2026.11-1",
            eligibility="valid",
            now=dt.datetime.now(dt.UTC),
        )
        decisions.append(journal.record(decision))
    return decisions


class _Refuse:
    """Answers the first ``times`` Task creations itself with ``status`` (and Retry-After)."""

    def __init__(self, status: int, times: int, retry_after: str = "") -> None:
        self.status, self.left, self.retry_after = status, times, retry_after
        self.answered_at: list[float] = []

    def __call__(self, seen: Seen) -> Reply | None:
        if seen.method != "POST" or not seen.path.startswith("/fhir/Task") or self.left <= 0:
            return None
        self.left -= 1
        self.answered_at.append(time.monotonic())
        headers = {"Content-Type": "application/fhir+json"}
        if self.retry_after:
            headers["Retry-After"] = self.retry_after
        body = {"resourceType": "OperationOutcome", "issue": [{"code": "throttled"}]}
        return Reply(self.status, headers, json.dumps(body).encode())


def test_429_then_201_delivers_the_decision_once_after_the_asked_wait(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path
) -> None:
    connection = _connect(proxy)
    try:
        journal = Journal(tmp_path)
        [decision] = _pending_decisions(connection, journal, 1)
        refuse = _Refuse(429, 1, retry_after="1")
        proxy.rules.append(refuse)
        report = send_pending(journal, connection.platform)
        assert report.sent == [decision.id]
        assert journal.rejected() == []
        posts = [s for s in proxy.requests_to("/fhir/Task") if s.method == "POST"]
        assert len(posts) == 2  # the 429 and the one that went through
        waited = time.monotonic() - refuse.answered_at[0]
        assert waited >= 0.95  # Retry-After: 1 was honoured, not the 0.25 s back-off
        assert clean_faults.task_total(decision.id) == 1
    finally:
        connection.sign_out()


@pytest.mark.parametrize("status", [429, 503])
def test_a_long_retry_after_keeps_the_decision_pending_and_sets_the_next_pass(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path, status: int
) -> None:
    connection = _connect(proxy)
    try:
        journal = Journal(tmp_path)
        [decision] = _pending_decisions(connection, journal, 1)
        later = email.utils.format_datetime(
            dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120), usegmt=True
        )
        proxy.rules.append(_Refuse(status, 1, retry_after=later))
        started = time.monotonic()
        report = send_pending(journal, connection.platform)
        assert time.monotonic() - started < 5  # no worker thread held for two minutes
        assert report.sent == []
        assert report.rejected == []
        assert report.failed == ("busy" if status == 429 else "server")
        assert report.retry_after_s is not None
        assert 100 <= report.retry_after_s <= 121
        assert [e.decision.id for e in journal.pending()] == [decision.id]
        assert next_delay_s(1, retry_after_s=report.retry_after_s) >= 100
        # the next pass (the platform has calmed down) delivers it, once
        report = send_pending(journal, connection.platform)
        assert report.sent == [decision.id]
        assert clean_faults.task_total(decision.id) == 1
    finally:
        connection.sign_out()


@pytest.mark.parametrize(("status", "kind"), [(408, "timeout"), (425, "busy"), (429, "busy")])
def test_408_425_429_are_passing_never_rejections(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path, status: int, kind: str
) -> None:
    connection = _connect(proxy)
    try:
        journal = Journal(tmp_path)
        decisions = _pending_decisions(connection, journal, 2)
        proxy.rules.append(_Refuse(status, 3))  # every attempt of the first pass
        report = send_pending(journal, connection.platform)
        assert report.failed == kind
        assert report.rejected == []
        assert journal.rejected() == []
        pending = journal.pending()
        assert [e.decision.id for e in pending] == [d.id for d in decisions]
        assert pending[0].state is OutboxState.PENDING
        assert pending[0].attempts == 1
        report = send_pending(journal, connection.platform)
        assert report.sent == [d.id for d in decisions]
        assert [clean_faults.task_total(d.id) for d in decisions] == [1, 1]
    finally:
        connection.sign_out()


def test_a_read_answered_429_is_retried_after_the_wait(proxy: MisbehavingProxy) -> None:
    connection = _connect(proxy)
    try:
        left = [1]

        def busy_once(seen: Seen) -> Reply | None:
            if seen.path.startswith("/fhir/Patient/p0001") and left[0] > 0:
                left[0] -= 1
                return Reply(429, {"Retry-After": "1"}, b"")
            return None

        proxy.rules.append(busy_once)
        assert connection.platform.patient("p0001").id == "p0001"
        assert len(proxy.requests_to("/fhir/Patient/p0001")) == 2
    finally:
        connection.sign_out()


def test_an_image_download_answered_429_waits_and_completes(proxy: MisbehavingProxy) -> None:
    connection = _connect(proxy)
    try:
        results = [r for page in connection.platform.results("p0001") for r in page.results]
        ct = next(r for r in results if r.modality == "CT")
        study = connection.platform.imaging_study(ct.imaging_study_ids[0])
        series = study.series[0]
        path = f"/dicomweb/studies/{study.study_uid}/series/{series.uid}"
        answered: list[float] = []

        def busy_once(seen: Seen) -> Reply | None:
            if seen.path == path and not answered:
                answered.append(time.monotonic())
                return Reply(429, {"Retry-After": "1"}, b"")
            return None

        proxy.rules.append(busy_once)
        images: list[LoadedImage] = []
        count = load_series(
            connection.dicomweb(study.dicomweb_url), study, series, images.append, None
        )
        assert count == len(series.instances)
        assert all(i.image is not None for i in images)
        assert len(proxy.requests_to(path)) == 2  # the whole series again, not one by one
        assert time.monotonic() - answered[0] >= 0.95
    finally:
        connection.sign_out()


@pytest.mark.unit
def test_retry_after_reads_seconds_and_dates_and_is_bounded() -> None:
    now = 1_800_000_000.0
    assert retry_after_s("3", now=lambda: now) == 3.0
    date = email.utils.formatdate(now + 90, usegmt=True)
    assert retry_after_s(date, now=lambda: now) == pytest.approx(90.0)
    assert retry_after_s(email.utils.formatdate(now - 90, usegmt=True), now=lambda: now) == 0.0
    assert retry_after_s("86400", now=lambda: now) == MAX_RETRY_AFTER_S
    assert retry_after_s("soon", now=lambda: now) is None
    assert retry_after_s("", now=lambda: now) is None
    assert retry_after_s(None, now=lambda: now) is None
    assert next_delay_s(1, retry_after_s=1e9) == 300.0  # the outbox's own cap holds


# --- 3. a lost refresh answer ------------------------------------------------------------------


class _LoseRefreshAnswer:
    """Cuts the answer of the first refresh in transit (the platform has spent the token);
    optionally answers the retry as a platform with a reuse grace (the same new pair) or as
    one without (invalid_grant)."""

    def __init__(self, proxy: MisbehavingProxy, retry: str) -> None:
        self.refresh_tokens: list[str] = []
        self.retry = retry
        proxy.cut = self.cut
        proxy.rules.append(self.rule)

    @staticmethod
    def _is_refresh(seen: Seen) -> bool:
        return seen.path.startswith("/oauth/token") and (
            seen.form().get("grant_type") == "refresh_token"
        )

    def cut(self, seen: Seen) -> bool:
        return self._is_refresh(seen) and len(self.refresh_tokens) == 1

    def rule(self, seen: Seen) -> Reply | None:
        if not self._is_refresh(seen):
            return None
        self.refresh_tokens.append(seen.form()["refresh_token"])
        if len(self.refresh_tokens) == 2 and self.retry == "refused":
            body = {"error": "invalid_grant", "error_description": "refresh token already used"}
            return Reply(400, {"Content-Type": "application/json"}, json.dumps(body).encode())
        return None  # forwarded to the sandbox (the first one is then cut)


def _expire_tokens(sandbox: Sandbox) -> None:
    httpx.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens",
        headers={"X-Sandbox-Control-Key": sandbox.control_key},
    ).raise_for_status()


def test_a_lost_refresh_answer_refused_on_retry_asks_to_sign_in_and_keeps_the_work(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path
) -> None:
    keyring = MemoryKeyring()
    connection = _connect(proxy, keyring=keyring)
    journal = Journal(tmp_path)
    try:
        assert any(k.endswith("#refresh") for _s, k in keyring.items)
        decisions = _pending_decisions(connection, journal, 2)
        lose = _LoseRefreshAnswer(proxy, retry="refused")
        _expire_tokens(clean_faults)
        report = send_pending(journal, connection.platform)
        assert report.failed == "auth"  # the UI asks her to sign in again
        assert len(lose.refresh_tokens) == 2
        assert lose.refresh_tokens[0] == lose.refresh_tokens[1]  # retried once, same token
        assert [e.decision.id for e in journal.pending()] == [d.id for d in decisions]
        with pytest.raises(PlatformError) as caught:
            connection.session.bearer()
        assert caught.value.kind is ErrorKind.AUTH
        assert not connection.session.signed_in  # the spent token is not kept
        assert not any(k.endswith("#refresh") for _s, k in keyring.items)  # nor remembered
    finally:
        connection.sign_out()
    # she signs in again: the work she had not sent goes out, exactly once
    again = _connect(proxy)
    try:
        assert send_pending(journal, again.platform).sent == [d.id for d in decisions]
        assert [clean_faults.task_total(d.id) for d in decisions] == [1, 1]
    finally:
        again.sign_out()


def test_a_lost_refresh_answer_is_recovered_within_the_platforms_reuse_grace(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path
) -> None:
    connection = _connect(proxy)
    journal = Journal(tmp_path)
    try:
        decisions = _pending_decisions(connection, journal, 1)
        answers: list[Reply] = []

        def grace(seen: Seen, data: bytes) -> bytes:
            # What the cut answer held; a platform with a reuse grace gives it again.
            if _LoseRefreshAnswer._is_refresh(seen):
                answers.append(Reply(200, {"Content-Type": "application/json"}, data))
            return data

        lose = _LoseRefreshAnswer(proxy, retry="grace")
        proxy.rewrites.append(grace)
        proxy.rules.insert(
            0,
            lambda seen: (
                answers[0]
                if answers and _LoseRefreshAnswer._is_refresh(seen) and len(answers) == 1
                else None
            ),
        )
        _expire_tokens(clean_faults)
        report = send_pending(journal, connection.platform)
        assert report.sent == [d.id for d in decisions]
        assert len(lose.refresh_tokens) == 1  # the retry got the grace answer from the rule
        token_posts = [
            s for s in proxy.requests_to("/oauth/token") if s.form().get("refresh_token")
        ]
        assert len(token_posts) == 2
        assert token_posts[0].form()["refresh_token"] == token_posts[1].form()["refresh_token"]
        assert clean_faults.task_total(decisions[0].id) == 1
    finally:
        connection.sign_out()


def test_a_lost_refresh_answer_against_the_sandbox_itself_loses_no_work(
    proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path
) -> None:
    """Whatever the sandbox does with the reused token (a reuse grace, or revoking the family),
    the client ends signed in or asking to sign in again, and nothing unsent is lost."""
    connection = _connect(proxy)
    journal = Journal(tmp_path)
    try:
        decisions = _pending_decisions(connection, journal, 2)
        lose = _LoseRefreshAnswer(proxy, retry="forward")
        _expire_tokens(clean_faults)
        report = send_pending(journal, connection.platform)
        assert len(lose.refresh_tokens) == 2
        assert report.failed in ("", "auth")
        unsent = [e.decision.id for e in journal.pending()]
        assert unsent == ([] if report.clean else [d.id for d in decisions])
    finally:
        connection.sign_out()
    again = _connect(proxy)
    try:
        send_pending(journal, again.platform)
        assert journal.pending() == []
        assert [clean_faults.task_total(d.id) for d in decisions] == [1, 1]
    finally:
        again.sign_out()


@pytest.mark.ui
def test_at_the_window_a_lost_refresh_answer_asks_her_to_sign_in_and_her_decision_goes_out(
    qtbot: QtBot, proxy: MisbehavingProxy, clean_faults: Sandbox, tmp_path: Path
) -> None:
    window = signed_in_window(qtbot, replace(clean_faults, base_url=proxy.base_url), tmp_path)
    assert window.signed is not None
    assert window.journal is not None
    qtbot.waitUntil(lambda: not window._outbox_running, timeout=10000)
    [decision] = _pending_decisions(window.signed.connection, window.journal, 1)
    _LoseRefreshAnswer(proxy, retry="refused")
    _expire_tokens(clean_faults)
    window.flush_outbox()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.sign_in, timeout=15000)
    assert window.sign_in.error_label.text()  # "Your session has ended. Please sign in again."
    # the window's journal: this user on the platform she signed in to (through the proxy)
    journal = Journal(tmp_path / "journal" / user_key(proxy.base_url, "dr.li"))
    assert [e.decision.id for e in journal.pending()] == [decision.id]
    # the platform behaves again; she signs in and the decision goes out by itself, once
    proxy.rules.clear()
    proxy.cut = lambda seen: False
    qtbot.keyClicks(window.sign_in.password_edit, DEMO_PASSWORD)
    qtbot.mouseClick(window.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.search, timeout=15000)
    qtbot.waitUntil(lambda: journal.pending() == [], timeout=15000)
    assert clean_faults.task_total(decision.id) == 1
    window.sign_out()
