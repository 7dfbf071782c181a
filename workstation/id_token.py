"""Checking an OpenID Connect ID token (OIDC Core §3.1.3.7) and who it names.

The signature is checked with the issuer's published keys (JWKS, fetched from the
``jwks_uri`` of its metadata over the same TLS policy as every platform call), then the
issuer, the audience (this workstation's client id), the expiry and issue time with a few
minutes' allowance for clocks that differ, and the ``nonce`` of the sign-in it answers.
"""

from __future__ import annotations

import hmac
from typing import Any

import httpx
import jwt

from workstation.http import ErrorKind, PlatformError, send
from workstation.sign_in_errors import SignInError, SignInProblem

ALGORITHMS = ("RS256", "PS256", "ES256")
CLOCK_SKEW_S = 300.0  # clocks of a hospital PC and a provider may differ by a few minutes


def _jwks(client: httpx.Client, jwks_uri: str) -> list[dict[str, Any]]:
    if not jwks_uri:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "the sign-in provider publishes no keys")
    response = send(client, "GET", jwks_uri, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "the sign-in provider's keys cannot be read")
    try:
        keys = response.json()["keys"]
    except (ValueError, KeyError, TypeError) as exc:
        raise PlatformError(ErrorKind.BAD_RESPONSE, "the sign-in provider's keys are bad") from exc
    if not isinstance(keys, list):
        raise PlatformError(ErrorKind.BAD_RESPONSE, "the sign-in provider's keys are bad")
    return [k for k in keys if isinstance(k, dict)]


def _signing_key(keys: list[dict[str, Any]], kid: str) -> jwt.PyJWK:
    candidates = [k for k in keys if k.get("use", "sig") == "sig"]
    if kid:
        candidates = [k for k in candidates if k.get("kid") == kid]
    if len(candidates) != 1:
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.BAD_SIGNATURE,
            "the ID token is signed with a key the provider lacks",
        )
    try:
        return jwt.PyJWK(candidates[0])
    except jwt.PyJWTError as exc:
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.BAD_SIGNATURE, "the provider's signing key cannot be used"
        ) from exc


def verify_id_token(
    client: httpx.Client,
    token: str,
    *,
    issuer: str,
    jwks_uri: str,
    client_id: str,
    nonce: str | None,
    leeway_s: float = CLOCK_SKEW_S,
) -> dict[str, Any]:
    """The claims of a valid ID token. ``nonce`` None skips the nonce check (a refreshed
    token, OIDC Core §12.2). Raises PlatformError: AUTH saying what is wrong with the token,
    NETWORK/TLS/BAD_RESPONSE when the keys cannot be had."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise PlatformError(ErrorKind.AUTH, "the sign-in answer holds no valid ID token") from exc
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise PlatformError(ErrorKind.AUTH, "the sign-in answer holds no valid ID token") from exc
    if str(unverified.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.OTHER_ISSUER, "the ID token is from another issuer"
        )
    alg = str(header.get("alg", ""))
    if alg not in ALGORITHMS:
        raise PlatformError(ErrorKind.AUTH, f"the ID token's algorithm {alg!r} is not accepted")
    key = _signing_key(_jwks(client, jwks_uri), str(header.get("kid", "")))
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=leeway_s,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.CLOCK,
            "the ID token has expired: check that this computer's clock is right",
        ) from exc
    except jwt.ImmatureSignatureError as exc:
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.CLOCK,
            "the ID token is dated in the future: check that this computer's clock is right",
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.OTHER_ISSUER, "the ID token is from another issuer"
        ) from exc
    except jwt.InvalidAudienceError as exc:
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.OTHER_AUDIENCE, "the ID token is for another application"
        ) from exc
    except jwt.PyJWTError as exc:
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.BAD_SIGNATURE, "the ID token's signature is not valid"
        ) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SignInError(
            ErrorKind.AUTH, SignInProblem.OTHER_AUDIENCE, "the ID token is for another application"
        )
    if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SignInError(
            ErrorKind.AUTH,
            SignInProblem.NOT_THIS_SIGN_IN,
            "the ID token answers another sign-in (nonce)",
        )
    return claims


def practitioner_reference(fhir_user: str) -> str:
    """``Practitioner/<id>`` from a ``fhirUser`` claim (relative, or an absolute URL);
    "" when it names no Practitioner."""
    marker = fhir_user.rfind("Practitioner/")
    if marker < 0:
        return ""
    reference = fhir_user[marker:]
    return reference if reference.count("/") == 1 and reference.split("/")[1] else ""
