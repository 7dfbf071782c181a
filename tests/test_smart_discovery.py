"""A platform configured by its FHIR base URL: SMART discovery against the sandbox's own
provider (``{fhir}/.well-known/smart-configuration``), password and browser sign-in with the
ID token verified, and the old issuer-address configuration still working."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import DEMO_PASSWORD, Sandbox
from workstation.auth import discover
from workstation.config import PlatformEntry
from workstation.http import ErrorKind, PlatformError, make_client
from workstation.services import sign_in, sign_in_with_browser

pytestmark = pytest.mark.e2e


def test_the_fhir_server_serves_a_smart_configuration(sandbox: Sandbox) -> None:
    doc = httpx.get(f"{sandbox.base_url}/fhir/.well-known/smart-configuration").json()
    assert doc["issuer"] == sandbox.base_url
    assert doc["authorization_endpoint"] == f"{sandbox.base_url}/oauth/authorize"
    assert "S256" in doc["code_challenge_methods_supported"]
    assert {"permission-v2", "sso-openid-connect"} <= set(doc["capabilities"])
    assert doc["recognition_catalog_url"] == f"{sandbox.base_url}/catalog/recognition"


def test_discovery_by_fhir_base_url_names_the_services_of_the_fhir_server(
    sandbox: Sandbox,
) -> None:
    fhir = f"{sandbox.base_url}/fhir"
    with make_client() as client:
        endpoints = discover(client, fhir + "/")
    assert endpoints.smart
    assert endpoints.fhir_base == fhir
    assert endpoints.jwks_uri == f"{sandbox.base_url}/oauth/jwks"
    assert endpoints.dicomweb_base == f"{sandbox.base_url}/dicomweb"
    assert endpoints.supports_pkce
    assert endpoints.offers_password


def test_the_issuer_address_still_discovers_the_old_way(sandbox: Sandbox) -> None:
    with make_client() as client:
        endpoints = discover(client, sandbox.base_url)
    assert not endpoints.smart
    assert endpoints.fhir_base == f"{sandbox.base_url}/fhir"


def test_password_sign_in_by_fhir_base_takes_the_practitioner_from_the_id_token(
    sandbox: Sandbox,
) -> None:
    connection = sign_in(
        PlatformEntry("Sandbox FHIR", f"{sandbox.base_url}/fhir"),
        "dr.li",
        DEMO_PASSWORD,
        remember=False,
        secrets=None,
    )
    try:
        assert connection.user.practitioner == "Practitioner/pr001"
        assert connection.user.organization.startswith("Organization/")
        assert connection.user.display_name == "李静"
        assert connection.session.can_record
        assert "user/Task.cu" in connection.session.granted_scope  # SMART v2 forms asked
        assert connection.platform.hospitals()
    finally:
        connection.sign_out()


def _browser(password: str) -> object:
    def run(url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        page = httpx.post(
            url.split("?")[0], data={**query, "username": "dr.wang", "password": password}
        )
        if page.status_code == 303:
            httpx.get(page.headers["location"])

    return lambda url: threading.Thread(target=run, args=(url,)).start()


def test_browser_sign_in_by_fhir_base_checks_nonce_and_id_token(sandbox: Sandbox) -> None:
    connection = sign_in_with_browser(
        PlatformEntry("Sandbox FHIR", f"{sandbox.base_url}/fhir"),
        _browser(DEMO_PASSWORD),
        remember=False,
        secrets=None,
        timeout_s=20,
    )
    try:
        assert connection.user.username == "dr.wang"
        assert connection.user.practitioner == "Practitioner/pr002"
        assert connection.session.id_token
    finally:
        connection.sign_out()
    assert not connection.session.id_token


def test_nothing_at_the_address_is_a_clear_error(sandbox: Sandbox) -> None:
    with make_client() as client, pytest.raises(PlatformError) as caught:
        discover(client, f"{sandbox.base_url}/nothing-here")
    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert "SMART" in caught.value.detail
