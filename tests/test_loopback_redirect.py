"""The loopback listener of the browser sign-in (RFC 8252), over real sockets: only the
redirect of this sign-in ends the wait (other paths, methods, a missing or another state are
answered 404 and ignored), an idle connection neither blocks the redirect nor lingers, it
listens on 127.0.0.1 only, and cancelling ends the wait at once and frees the port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from workstation.auth import LoopbackRedirect
from workstation.sign_in_errors import SignInError, SignInProblem

pytestmark = pytest.mark.e2e

STATE = "this-sign-in-7Jq"


def _port(listener: LoopbackRedirect) -> int:
    port = urlsplit(listener.redirect_uri).port
    assert port is not None
    return port


def _refused(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        try:
            sock.connect((host, port))
        except ConnectionRefusedError:
            return True
    return False


@contextmanager
def _waiting(listener: LoopbackRedirect, timeout_s: float = 15) -> Iterator[list[object]]:
    """Runs ``listener.wait`` on a thread; the list gets its result or error once it ends."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(listener.wait(timeout_s))
        except SignInError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield outcome
    finally:
        listener.close()
        thread.join(timeout_s + 5)


def test_only_this_sign_ins_redirect_ends_the_wait() -> None:
    listener = LoopbackRedirect(STATE)
    base = listener.redirect_uri.removesuffix("/callback")
    with _waiting(listener) as outcome, httpx.Client(timeout=5) as client:
        probes = [
            client.get(f"{base}/"),
            client.get(f"{base}/favicon.ico"),
            client.get(f"{base}/other?code=c&state={STATE}"),
            client.get(f"{listener.redirect_uri}?code=c"),  # no state
            client.get(f"{listener.redirect_uri}?code=c&state=another-sign-in"),
            client.post(listener.redirect_uri, params={"code": "c", "state": STATE}),
            client.head(f"{listener.redirect_uri}?code=c&state={STATE}"),
        ]
        assert [p.status_code for p in probes] == [404] * len(probes)
        time.sleep(0.2)
        assert outcome == []  # still waiting for the real redirect
        real = client.get(f"{listener.redirect_uri}?code=the-code&state={STATE}&iss=x")
        assert real.status_code == 200
        assert "登录完成" in real.text
        deadline = time.monotonic() + 5
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.02)
    assert outcome == [{"code": "the-code", "state": STATE, "iss": "x"}]
    assert _refused("127.0.0.1", _port(listener))  # the port is given back


def test_an_idle_connection_neither_blocks_the_redirect_nor_lingers() -> None:
    listener = LoopbackRedirect(STATE)
    port = _port(listener)
    with (
        _waiting(listener) as outcome,
        socket.create_connection(("127.0.0.1", port)) as idle,
        httpx.Client(timeout=3) as client,
    ):
        idle.sendall(b"GET /callback?state=")  # and then nothing more
        started = time.monotonic()
        real = client.get(f"{listener.redirect_uri}?code=c&state={STATE}")
        assert real.status_code == 200
        assert time.monotonic() - started < 2
        deadline = time.monotonic() + 5
        while not outcome and time.monotonic() < deadline:
            time.sleep(0.02)
        assert outcome == [{"code": "c", "state": STATE}]
    lingering = LoopbackRedirect(STATE)
    try:
        with socket.create_connection(("127.0.0.1", _port(lingering))) as idle:
            idle.settimeout(15)
            started = time.monotonic()
            assert idle.recv(1024) == b""  # closed by the listener, not by us
            assert 3 < time.monotonic() - started < 10
    finally:
        lingering.close()


def test_it_listens_on_the_loopback_address_only() -> None:
    listener = LoopbackRedirect(STATE)
    try:
        assert urlsplit(listener.redirect_uri).hostname == "127.0.0.1"
        # 127.0.1.1 reaches this machine too (all of 127/8 is loopback): a listener bound to
        # every address would answer there.
        assert _refused("127.0.1.1", _port(listener))
    finally:
        listener.close()


def test_cancelling_ends_the_wait_at_once_and_frees_the_port() -> None:
    listener = LoopbackRedirect(STATE)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(SignInError) as caught:
        listener.wait(60, cancel.is_set)
    assert time.monotonic() - started < 1.5
    assert caught.value.problem is SignInProblem.CANCELLED
    assert _refused("127.0.0.1", _port(listener))


def test_no_redirect_in_time_is_a_timeout_and_frees_the_port() -> None:
    listener = LoopbackRedirect(STATE)
    with pytest.raises(SignInError) as caught:
        listener.wait(0.3)
    assert caught.value.problem is SignInProblem.TIMED_OUT
    assert _refused("127.0.0.1", _port(listener))
