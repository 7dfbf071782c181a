"""What goes wrong with a platform of its own identity provider, each a clear message with
nothing lost and no token sent to an origin it is not for: the provider down while the FHIR
server is up and the reverse, a token of another issuer or for another audience, clocks a
few minutes apart (tolerated) and far apart (refused), a provider without PKCE."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.oidc_peer import (
    Peer,
    ScriptedBrowser,
    browser_sign_in,
    provider_tokens,
    running_peer,
    running_provider,
)
from ui.messages import describe
from workstation.config import PlatformEntry
from workstation.http import ErrorKind, PlatformError
from workstation.journal import Journal
from workstation.model import Category
from workstation.recognition.decisions import DecisionKind, new_decision
from workstation.recognition.outbox import send_pending
from workstation.services import sign_in_with_browser
from workstation.sign_in_errors import SignInError, SignInProblem

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sandbox.generate.dataset import generate

    data_dir = tmp_path_factory.mktemp("bad-case-data")
    generate(data_dir, seed=7, small=True)
    return data_dir


@pytest.fixture(scope="module")
def peer(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    with running_peer(data, tmp_path_factory.mktemp("oidc")) as running:
        yield running


def _unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fhir_server_down_names_the_fhir_server(peer: Peer) -> None:
    browser = ScriptedBrowser("li.jing")
    with pytest.raises(PlatformError) as caught:
        browser_sign_in(f"http://127.0.0.1:{_unused_port()}/fhir", browser)
    assert caught.value.kind is ErrorKind.NETWORK
    assert "the FHIR server at 127.0.0.1" in caught.value.detail
    assert isinstance(caught.value, SignInError)
    assert caught.value.problem is SignInProblem.FHIR_UNREACHABLE
    assert "FHIR server" in describe(caught.value)
    assert not browser.pages  # no browser was opened


def test_provider_down_while_the_fhir_server_is_up(data: Path, tmp_path: Path) -> None:
    with running_provider(tmp_path) as issuer:
        from devtools.sandbox_launcher import start_sandbox

        sandbox = start_sandbox(data, extra_args=("--external-issuer", issuer), timeout_s=120)
        fhir = f"{sandbox.base_url}/fhir"
        try:
            assert httpx.get(f"{fhir}/.well-known/smart-configuration").status_code == 200
        except BaseException:
            sandbox.stop()
            raise
    try:  # the provider has stopped; the FHIR server still answers
        browser = ScriptedBrowser("li.jing")
        with pytest.raises(PlatformError) as caught:
            browser_sign_in(fhir, browser)
        assert caught.value.kind is ErrorKind.NETWORK
        assert "the sign-in provider at 127.0.0.1" in caught.value.detail
        assert isinstance(caught.value, SignInError)
        assert caught.value.problem is SignInProblem.PROVIDER_UNREACHABLE
        assert "identity provider" in describe(caught.value)
        assert not browser.pages
    finally:
        sandbox.stop()


def test_signed_in_then_the_fhir_server_goes_down_keeps_her_decision(
    data: Path, tmp_path: Path
) -> None:
    with running_peer(data, tmp_path) as peer:
        connection = browser_sign_in(peer.fhir, ScriptedBrowser("li.jing"))
        results = [r for page in connection.platform.results("p0002") for r in page.results]
        catalog = connection.platform.catalog()
        peer.sandbox.stop()
        journal = Journal(tmp_path / "journal")
        lab = next(r for r in results if r.category is Category.LAB)
        saved = journal.record(
            new_decision(
                lab,
                DecisionKind.ACCEPTED,
                username=connection.user.username,
                practitioner=connection.user.practitioner,
                catalog_version=catalog.version,
                eligibility="valid",
                now=dt.datetime.now(dt.UTC),
            )
        )
        report = send_pending(journal, connection.platform)
        assert report.sent == []
        assert [e.decision.id for e in journal.pending()] == [saved.id]  # kept, sent later
        connection.sign_out()


def test_a_token_of_another_issuer_is_refused_by_the_fhir_server(
    peer: Peer, tmp_path: Path
) -> None:
    with running_provider(tmp_path) as other_issuer:
        tokens = provider_tokens(other_issuer, "li.jing", peer.fhir)
    answer = httpx.get(
        f"{peer.fhir}/Patient/p0001",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert answer.status_code == 401
    assert "another issuer" in answer.headers["www-authenticate"]


def test_a_token_for_another_audience_is_refused_by_the_fhir_server(peer: Peer) -> None:
    tokens = provider_tokens(peer.issuer, "li.jing", f"http://127.0.0.1:{_unused_port()}/fhir")
    answer = httpx.get(
        f"{peer.fhir}/Patient/p0001",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert answer.status_code == 401
    assert "another audience" in answer.headers["www-authenticate"]
    right = provider_tokens(peer.issuer, "li.jing", peer.fhir)
    answer = httpx.get(
        f"{peer.fhir}/Patient/p0001",
        headers={"Authorization": f"Bearer {right['access_token']}"},
    )
    assert answer.status_code == 200


def test_an_id_token_of_another_issuer_is_refused_by_the_workstation(peer: Peer) -> None:
    from workstation.http import make_client
    from workstation.id_token import verify_id_token

    tokens = provider_tokens(peer.issuer, "li.jing", peer.fhir)
    with make_client() as client, pytest.raises(PlatformError) as caught:
        verify_id_token(
            client,
            tokens["id_token"],
            issuer="http://127.0.0.1:1",
            jwks_uri=f"{peer.issuer}/jwks",
            client_id="hr-workstation",
            nonce="n",
        )
    assert caught.value.kind is ErrorKind.AUTH
    assert "another issuer" in caught.value.detail
    with make_client() as client, pytest.raises(PlatformError) as caught:
        verify_id_token(
            client,
            tokens["id_token"],
            issuer=peer.issuer,
            jwks_uri=f"{peer.issuer}/jwks",
            client_id="hr-workstation",
            nonce="another sign-in",
        )
    assert "nonce" in caught.value.detail


def test_the_bearer_token_never_goes_to_the_identity_provider(peer: Peer) -> None:
    connection = browser_sign_in(peer.fhir, ScriptedBrowser("li.jing"))
    try:
        for url in (f"{peer.issuer}/me", f"{peer.issuer}/token"):
            with pytest.raises(PlatformError) as caught:
                connection.session.get(url)
            assert caught.value.kind is ErrorKind.FOREIGN_ORIGIN
    finally:
        connection.sign_out()


def test_clocks_minutes_apart_are_tolerated(data: Path, tmp_path: Path) -> None:
    with running_peer(data, tmp_path, clock_offset_s=150) as peer:
        connection = browser_sign_in(peer.fhir, ScriptedBrowser("li.jing"))
        try:
            assert connection.platform.patient("p0001").id == "p0001"
        finally:
            connection.sign_out()


@pytest.mark.parametrize(
    ("offset_s", "words"), [(900, "dated in the future"), (-1200, "has expired")]
)
def test_clocks_far_apart_are_refused_with_the_reason(
    data: Path, tmp_path: Path, offset_s: int, words: str
) -> None:
    # ID tokens of 10 minutes: 20 minutes behind, hers has expired when it arrives.
    with running_peer(data, tmp_path, clock_offset_s=offset_s, id_token_ttl_s=600) as peer:
        with pytest.raises(PlatformError) as caught:
            browser_sign_in(peer.fhir, ScriptedBrowser("li.jing"))
        assert caught.value.kind is ErrorKind.AUTH
        assert words in caught.value.detail
        assert "clock" in caught.value.detail
        assert isinstance(caught.value, SignInError)
        assert "clock" in describe(caught.value)


class _NoPkcePlatform(http.server.BaseHTTPRequestHandler):
    """A FHIR server whose SMART configuration advertises no code_challenge_methods."""

    asked: list[str] = []  # noqa: RUF012 - the test reads what was asked

    def do_GET(self) -> None:
        self.asked.append(self.path)
        port = self.server.server_address[1]
        body = json.dumps(
            {
                "authorization_endpoint": f"http://127.0.0.1:{port}/authorize",
                "token_endpoint": f"http://127.0.0.1:{port}/token",
                "grant_types_supported": ["authorization_code"],
                "capabilities": ["launch-standalone", "client-public"],
            }
        ).encode()
        self.send_response(200 if self.path.endswith("smart-configuration") else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_provider_without_pkce_is_refused_before_anything_is_opened() -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _NoPkcePlatform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    opened: list[str] = []
    try:
        with pytest.raises(PlatformError) as caught:
            sign_in_with_browser(
                PlatformEntry("No PKCE", f"http://127.0.0.1:{server.server_address[1]}/fhir"),
                opened.append,
                remember=False,
                secrets=None,
                timeout_s=5,
            )
    finally:
        server.shutdown()
        server.server_close()
    assert caught.value.kind is ErrorKind.REJECTED
    assert "PKCE" in caught.value.detail
    assert isinstance(caught.value, SignInError)
    assert caught.value.problem is SignInProblem.NO_PKCE
    assert opened == []
    assert _NoPkcePlatform.asked == ["/fhir/.well-known/smart-configuration"]
