"""SMART App Launch discovery: a platform configured by its FHIR base URL.

``{fhir}/.well-known/smart-configuration`` names the authorization server (which may be
another origin: a Keycloak, a CAS or 统一身份认证 gateway). The FHIR server is not the
identity provider, so what decides who she is and where her tokens go is taken from the
issuer's own ``/.well-known/openid-configuration`` only (OIDC Discovery): the keys that sign
ID tokens (``jwks_uri``, hence whose ``fhirUser`` is believed), userinfo, end-session,
revocation and introspection. The authorization and token endpoints may be named by both
documents; then they must agree, else the sign-in is refused. Where the platform's other
services are is taken from the FHIR server, never from the identity provider: the DICOMweb
base from the key ``dicomweb_base_url`` of the smart-configuration (else the FHIR server's
own origin; each ImagingStudy's Endpoint still names its own), the recognition catalog from
the key ``recognition_catalog_url`` (else ``{fhir}/Binary/recognition-catalog``).
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


def _agreed(key: str, smart: dict[str, Any], oidc: dict[str, Any]) -> str:
    """The endpoint ``key`` both documents may name: the same in each, or in one only.
    Raises SignInError(PROVIDER_MISMATCH) when the FHIR server names another one than the
    issuer's own metadata (a FHIR server could otherwise send her code or password to a
    server of its choosing)."""
    named_by_fhir = str(smart.get(key) or "")
    named_by_issuer = str(oidc.get(key) or "")
    if (
        named_by_fhir
        and named_by_issuer
        and named_by_fhir.rstrip("/") != named_by_issuer.rstrip("/")
    ):
        raise SignInError(
            ErrorKind.BAD_RESPONSE,
            SignInProblem.PROVIDER_MISMATCH,
            f"the FHIR server's SMART configuration names {key} {named_by_fhir},"
            f" the identity provider's own metadata {named_by_issuer}: refused",
        )
    return named_by_fhir or named_by_issuer


def smart_fields(fhir_base: str, smart: dict[str, Any], oidc: dict[str, Any]) -> dict[str, Any]:
    """The PlatformEndpoints fields for a FHIR server's SMART configuration ``smart`` and its
    issuer's metadata ``oidc``. Keys and token-handling endpoints come from ``oidc`` only;
    the authorization and token endpoints must agree where both name them. Raises
    SignInError(PROVIDER_MISMATCH) when they do not, PlatformError(BAD_RESPONSE) when the
    authorization or token endpoint is missing."""

    def issuers(key: str) -> str:
        return str(oidc.get(key) or "")

    authorization = _agreed("authorization_endpoint", smart, oidc)
    token = _agreed("token_endpoint", smart, oidc)
    if not authorization or not token:
        raise PlatformError(
            ErrorKind.BAD_RESPONSE, "the SMART configuration names no authorization server"
        )
    methods = _strings(smart.get("code_challenge_methods_supported")) or _strings(
        oidc.get("code_challenge_methods_supported")
    )
    return {
        "base_url": fhir_base,
        "issuer": str(smart.get("issuer") or oidc.get("issuer") or ""),
        "token": token,
        "revocation": issuers("revocation_endpoint"),
        "userinfo": issuers("userinfo_endpoint"),
        "authorization": authorization,
        "fhir_base": fhir_base,
        "dicomweb_base": str(smart.get(DICOMWEB_KEY) or fhir_base),
        "catalog": str(smart.get(CATALOG_KEY) or fhir_base + DEFAULT_CATALOG_PATH),
        "supports_pkce": "S256" in methods,
        "jwks_uri": issuers("jwks_uri"),
        "end_session": issuers("end_session_endpoint"),
        "introspection": issuers("introspection_endpoint"),
        "scopes_supported": _strings(smart.get("scopes_supported"))
        or _strings(oidc.get("scopes_supported")),
        "capabilities": _strings(smart.get("capabilities")),
        "grant_types": _strings(smart.get("grant_types_supported"))
        or _strings(oidc.get("grant_types_supported")),
        "smart": True,
    }
