"""SMART App Launch discovery: a platform configured by its FHIR base URL.

``{fhir}/.well-known/smart-configuration`` names the authorization server (which may be
another origin: a Keycloak, a CAS or 统一身份认证 gateway); the issuer's own
``/.well-known/openid-configuration`` fills in what SMART's document leaves out (userinfo,
end-session, the ID-token algorithms). Where the platform's other services are is taken from
the FHIR server, never from the identity provider: the DICOMweb base from the key
``dicomweb_base_url`` of the smart-configuration (else the FHIR server's own origin; each
ImagingStudy's Endpoint still names its own), the recognition catalog from the key
``recognition_catalog_url`` (else ``{fhir}/Binary/recognition-catalog``).
"""

from __future__ import annotations

from typing import Any

import httpx

from workstation.http import ErrorKind, PlatformError, error_from_response, origin, send
from workstation.sign_in_errors import SignInError, SignInProblem

SMART_PATH = "/.well-known/smart-configuration"
OIDC_PATH = "/.well-known/openid-configuration"
CATALOG_KEY = "recognition_catalog_url"
DICOMWEB_KEY = "dicomweb_base_url"
DEFAULT_CATALOG_PATH = "/Binary/recognition-catalog"


def fetch_json(
    client: httpx.Client, url: str, what: str, unreachable: SignInProblem
) -> dict[str, Any] | None:
    """GET a JSON object; None for 404 (not served there). Raises PlatformError naming
    ``what`` when the server answers otherwise or sends no JSON object, and a SignInError
    (``unreachable``) when it cannot be reached."""
    try:
        response = send(client, "GET", url, headers={"Accept": "application/json"})
    except PlatformError as exc:
        if exc.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT):
            host = origin(url)
            raise SignInError(
                exc.kind,
                unreachable,
                f"{what} at {host[1]}:{host[2]} cannot be reached ({exc.detail})",
            ) from exc
        raise
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        error = error_from_response(response)
        raise PlatformError(error.kind, f"{what}: {error.detail}", response.status_code)
    try:
        body = response.json()
    except ValueError as exc:
        raise PlatformError(ErrorKind.BAD_RESPONSE, f"{what} is not JSON") from exc
    if not isinstance(body, dict):
        raise PlatformError(ErrorKind.BAD_RESPONSE, f"{what} is not a JSON object")
    return body


def issuer_metadata(client: httpx.Client, issuer: str) -> dict[str, Any]:
    """The issuer's OpenID provider metadata, checked to name that same issuer (OIDC
    Discovery §4.3). Raises PlatformError."""
    issuer = issuer.rstrip("/")
    doc = fetch_json(
        client, issuer + OIDC_PATH, "the sign-in provider", SignInProblem.PROVIDER_UNREACHABLE
    )
    if doc is None:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "the sign-in provider has no OpenID metadata")
    if str(doc.get("issuer", "")).rstrip("/") != issuer:
        raise PlatformError(
            ErrorKind.BAD_RESPONSE, "the sign-in provider's metadata names another issuer"
        )
    return doc


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def smart_fields(fhir_base: str, smart: dict[str, Any], oidc: dict[str, Any]) -> dict[str, Any]:
    """The PlatformEndpoints fields for a FHIR server's SMART configuration ``smart`` and its
    issuer's metadata ``oidc`` (SMART's keys win). Raises PlatformError(BAD_RESPONSE) when
    the authorization or token endpoint is missing."""

    def pick(key: str) -> str:
        return str(smart.get(key) or oidc.get(key) or "")

    if not pick("authorization_endpoint") or not pick("token_endpoint"):
        raise PlatformError(
            ErrorKind.BAD_RESPONSE, "the SMART configuration names no authorization server"
        )
    methods = _strings(smart.get("code_challenge_methods_supported")) or _strings(
        oidc.get("code_challenge_methods_supported")
    )
    return {
        "base_url": fhir_base,
        "issuer": pick("issuer"),
        "token": pick("token_endpoint"),
        "revocation": pick("revocation_endpoint"),
        "userinfo": str(oidc.get("userinfo_endpoint") or ""),
        "authorization": pick("authorization_endpoint"),
        "fhir_base": fhir_base,
        "dicomweb_base": str(smart.get(DICOMWEB_KEY) or fhir_base),
        "catalog": str(smart.get(CATALOG_KEY) or fhir_base + DEFAULT_CATALOG_PATH),
        "supports_pkce": "S256" in methods,
        "jwks_uri": pick("jwks_uri"),
        "end_session": pick("end_session_endpoint"),
        "introspection": pick("introspection_endpoint"),
        "scopes_supported": _strings(smart.get("scopes_supported"))
        or _strings(oidc.get("scopes_supported")),
        "capabilities": _strings(smart.get("capabilities")),
        "grant_types": _strings(smart.get("grant_types_supported"))
        or _strings(oidc.get("grant_types_supported")),
        "smart": True,
    }
