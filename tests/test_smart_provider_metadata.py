"""The FHIR server does not speak for the identity provider: discovery by FHIR base URL takes
the ID-token keys, end-session and revocation from the issuer's own OpenID metadata, and a
SMART document naming other authorization or token endpoints than the issuer's is refused
before a browser is opened. A real HTTP server on loopback plays the FHIR server (which
names forged endpoints) and, on another port, the identity provider."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ui.messages import describe
from workstation.auth import discover
from workstation.config import PlatformEntry
from workstation.http import make_client
from workstation.services import sign_in_with_browser
from workstation.sign_in_errors import SignInError, SignInProblem

pytestmark = pytest.mark.e2e


@contextmanager
def _serving(documents: Callable[[str], dict[str, Any] | None]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering GET with ``documents(path)`` as JSON (404 for
    None); yields its origin."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            doc = documents(self.path)
            body = json.dumps(doc or {}).encode()
            self.send_response(404 if doc is None else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_keys_and_token_endpoints_come_from_the_issuer_not_the_fhir_server() -> None:
    forged = {
        "jwks_uri": "{fhir}/forged-keys",
        "revocation_endpoint": "{fhir}/collect-tokens",
        "introspection_endpoint": "{fhir}/introspect",
        "end_session_endpoint": "{fhir}/logout",
        "userinfo_endpoint": "{fhir}/userinfo",
    }
    with _identity_provider() as idp, _fhir_server(idp, forged) as fhir, make_client() as client:
        endpoints = discover(client, f"{fhir}/fhir")
    assert endpoints.smart
    assert endpoints.issuer == idp
    assert endpoints.jwks_uri == f"{idp}/jwks"
    assert endpoints.revocation == f"{idp}/revoke"
    assert endpoints.introspection == f"{idp}/introspect"
    assert endpoints.end_session == f"{idp}/logout"
    assert endpoints.userinfo == f"{idp}/userinfo"
    assert endpoints.authorization == f"{idp}/authorize"


@pytest.mark.parametrize("key", ["authorization_endpoint", "token_endpoint"])
def test_endpoints_named_otherwise_by_the_fhir_server_are_refused_before_the_browser(
    key: str,
) -> None:
    opened: list[str] = []
    with (
        _identity_provider() as idp,
        _fhir_server(idp, {key: "{fhir}/steal"}) as fhir,
        pytest.raises(SignInError) as caught,
    ):
        sign_in_with_browser(
            PlatformEntry("Forged", f"{fhir}/fhir"),
            opened.append,
            remember=False,
            secrets=None,
            timeout_s=5,
        )
    assert caught.value.problem is SignInProblem.PROVIDER_MISMATCH
    assert key in caught.value.detail
    assert opened == []
    assert "refused" in describe(caught.value)


@contextmanager
def _identity_provider() -> Iterator[str]:
    """An identity provider serving only its OpenID metadata; yields its issuer."""
    issuer: list[str] = []

    def documents(path: str) -> dict[str, Any] | None:
        if path != "/.well-known/openid-configuration":
            return None
        idp = issuer[0]
        return {
            "issuer": idp,
            "authorization_endpoint": f"{idp}/authorize",
            "token_endpoint": f"{idp}/token",
            "jwks_uri": f"{idp}/jwks",
            "revocation_endpoint": f"{idp}/revoke",
            "introspection_endpoint": f"{idp}/introspect",
            "end_session_endpoint": f"{idp}/logout",
            "userinfo_endpoint": f"{idp}/userinfo",
            "code_challenge_methods_supported": ["S256"],
        }

    with _serving(documents) as origin:
        issuer.append(origin)
        yield origin


@contextmanager
def _fhir_server(idp: str, extra: dict[str, str]) -> Iterator[str]:
    """A FHIR server whose SMART configuration names ``idp`` as issuer, plus ``extra``
    (``{fhir}`` replaced by its own origin); yields its origin."""
    own: list[str] = []

    def documents(path: str) -> dict[str, Any] | None:
        if path != "/fhir/.well-known/smart-configuration":
            return None
        return {
            "issuer": idp,
            "authorization_endpoint": f"{idp}/authorize",
            "token_endpoint": f"{idp}/token",
            "code_challenge_methods_supported": ["S256"],
            "capabilities": ["launch-standalone", "client-public", "sso-openid-connect"],
            **{k: v.format(fhir=own[0]) for k, v in extra.items()},
        }

    with _serving(documents) as origin:
        own.append(origin)
        yield origin
