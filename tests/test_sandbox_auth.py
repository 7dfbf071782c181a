"""The sandbox's OAuth2/OIDC endpoints over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import CLIENT_ID, DEMO_PASSWORD, Sandbox

pytestmark = pytest.mark.e2e


def test_discovery_document(sandbox: Sandbox) -> None:
    doc = httpx.get(f"{sandbox.base_url}/.well-known/openid-configuration").json()
    assert doc["issuer"] == sandbox.base_url
    assert doc["token_endpoint"] == f"{sandbox.base_url}/oauth/token"
    assert "S256" in doc["code_challenge_methods_supported"]
    assert {"password", "refresh_token", "authorization_code"} <= set(doc["grant_types_supported"])
    jwks = httpx.get(doc["jwks_uri"]).json()
    assert jwks["keys"][0]["kty"] == "RSA"


def test_password_grant_and_wrong_password(sandbox: Sandbox) -> None:
    tokens = sandbox.tokens("dr.li")
    assert tokens["token_type"] == "Bearer"
    assert int(tokens["expires_in"]) == 600
    bad = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={
            "grant_type": "password",
            "username": "dr.li",
            "password": "wrong",
            "client_id": CLIENT_ID,
        },
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant"
    assert "access_token" not in bad.text


def _refresh(sandbox: Sandbox, token: str) -> httpx.Response:
    return httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={"grant_type": "refresh_token", "client_id": CLIENT_ID, "refresh_token": token},
    )


def test_refresh_tokens_rotate_and_a_replay_in_the_grace_voids_the_lost_pair(
    sandbox: Sandbox,
) -> None:
    first = sandbox.tokens("dr.wang")
    second = _refresh(sandbox, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    # The answer was lost: the spent token comes back within the grace and gets a new pair.
    replay = _refresh(sandbox, first["refresh_token"])
    assert replay.status_code == 200
    third = replay.json()
    assert third["refresh_token"] not in (first["refresh_token"], second["refresh_token"])
    assert third["scope"] == second["scope"]
    # The pair it replaced is void; whoever presents it ends the family (theft detection).
    assert _refresh(sandbox, second["refresh_token"]).status_code == 400
    assert _refresh(sandbox, third["refresh_token"]).status_code == 400
    # After a later refresh has been used, the old token is no longer a lost answer.
    fourth = sandbox.tokens("dr.wang")
    fifth = _refresh(sandbox, fourth["refresh_token"]).json()
    assert _refresh(sandbox, fifth["refresh_token"]).status_code == 200
    assert _refresh(sandbox, fourth["refresh_token"]).status_code == 400


def test_revocation_of_access_and_refresh_tokens(sandbox: Sandbox) -> None:
    tokens = sandbox.tokens("dr.li")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.get(f"{sandbox.base_url}/oauth/userinfo", headers=headers).status_code == 200
    for token in (tokens["access_token"], tokens["refresh_token"]):
        response = httpx.post(
            f"{sandbox.base_url}/oauth/revoke", data={"token": token, "client_id": CLIENT_ID}
        )
        assert response.status_code == 200
    assert httpx.get(f"{sandbox.base_url}/oauth/userinfo", headers=headers).status_code == 401
    refreshed = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert refreshed.status_code == 400


def test_authorization_code_with_pkce(sandbox: Sandbox) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect = "http://127.0.0.1:53682/callback"
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s1",
        "scope": "openid",
    }
    page = httpx.get(f"{sandbox.base_url}/oauth/authorize", params=params)
    assert page.status_code == 200
    assert "<form" in page.text
    posted = httpx.post(
        f"{sandbox.base_url}/oauth/authorize",
        data={**params, "username": "dr.li", "password": DEMO_PASSWORD},
    )
    assert posted.status_code == 303
    location = urlsplit(posted.headers["location"])
    query = parse_qs(location.query)
    assert query["state"] == ["s1"]
    url = f"{sandbox.base_url}/oauth/token"
    wrong = httpx.post(
        url,
        data={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": query["code"][0],
            "redirect_uri": redirect,
            "code_verifier": "not-the-verifier",
        },
    )
    assert wrong.status_code == 400
    # a failed redemption spends the code
    again = httpx.post(
        url,
        data={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": query["code"][0],
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
    )
    assert again.status_code == 400


def test_authorization_code_success(sandbox: Sandbox) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect = "http://127.0.0.1:53682/callback"
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "xyz",
    }
    posted = httpx.post(
        f"{sandbox.base_url}/oauth/authorize",
        data={**params, "username": "dr.wang", "password": DEMO_PASSWORD},
    )
    code = parse_qs(urlsplit(posted.headers["location"]).query)["code"][0]
    tokens = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": CLIENT_ID,
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
    )
    assert tokens.status_code == 200
    info = httpx.get(
        f"{sandbox.base_url}/oauth/userinfo",
        headers={"Authorization": f"Bearer {tokens.json()['access_token']}"},
    )
    assert info.json()["sub"] == "dr.wang"


def test_non_loopback_redirect_is_refused(sandbox: Sandbox) -> None:
    response = httpx.get(
        f"{sandbox.base_url}/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": "https://evil.example/cb",
            "code_challenge": "x",
            "code_challenge_method": "S256",
        },
    )
    assert response.status_code == 400


def test_expired_tokens_are_refused_with_a_challenge(clean_faults: Sandbox) -> None:
    sandbox = clean_faults
    token = sandbox.token()
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{sandbox.base_url}/fhir/Patient", headers=headers).status_code == 200
    httpx.post(
        f"{sandbox.base_url}/_sandbox/expire-tokens",
        headers={"X-Sandbox-Control-Key": sandbox.control_key},
    ).raise_for_status()
    response = httpx.get(f"{sandbox.base_url}/fhir/Patient", headers=headers)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json()["resourceType"] == "OperationOutcome"
