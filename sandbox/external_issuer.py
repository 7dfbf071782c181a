"""The sandbox as a resource server trusting an external OpenID provider's access tokens.

``python -m sandbox serve --external-issuer URL``: JWT access tokens (RFC 9068) of that issuer
are checked by signature (the issuer's JWKS, fetched again when a token names a key it does
not hold), issuer, audience (this sandbox's FHIR base URL, asked for with an RFC 8707
resource indicator), expiry with a bounded clock skew, and scopes; the token's ``fhirUser``
(else ``sub``) names one of the sandbox's accounts.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import jwt

from sandbox.auth import AuthError

ALGORITHMS = ("RS256", "PS256", "ES256")
_REFETCH_AFTER_S = 10.0


class ExternalIssuer:
    """An external issuer's metadata and keys, fetched when first needed and cached."""

    def __init__(
        self, issuer: str, audience: str, leeway_s: float = 300.0, timeout_s: float = 5.0
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.leeway_s = leeway_s
        self._timeout = timeout_s
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_fetched = 0.0

    def _get(self, url: str, what: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=self._timeout)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise AuthError(
                "temporarily_unavailable", f"the identity provider's {what} cannot be read"
            ) from exc
        if not isinstance(body, dict):
            raise AuthError("temporarily_unavailable", f"the identity provider's {what} is bad")
        return body

    def metadata(self) -> dict[str, Any]:
        """The issuer's OpenID metadata. Raises AuthError(temporarily_unavailable)."""
        with self._lock:
            if self._metadata is None:
                doc = self._get(self.issuer + "/.well-known/openid-configuration", "metadata")
                if str(doc.get("issuer", "")).rstrip("/") != self.issuer:
                    raise AuthError("temporarily_unavailable", "the metadata names another issuer")
                self._metadata = doc
            return self._metadata

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            key = self._keys.get(kid)
            stale = time.monotonic() - self._keys_fetched > _REFETCH_AFTER_S
        if key is not None or not stale:
            if key is None:
                raise AuthError("invalid_token", "the token is signed with an unknown key")
            return key
        jwks_uri = str(self.metadata().get("jwks_uri", ""))
        doc = self._get(jwks_uri, "keys")
        keys: dict[str, jwt.PyJWK] = {}
        for item in doc.get("keys", []):
            if isinstance(item, dict) and item.get("use", "sig") == "sig" and "kid" in item:
                try:
                    keys[str(item["kid"])] = jwt.PyJWK(item)
                except jwt.PyJWTError:
                    continue  # a key type this sandbox cannot use
        with self._lock:
            self._keys, self._keys_fetched = keys, time.monotonic()
        if kid not in keys:
            raise AuthError("invalid_token", "the token is signed with an unknown key")
        return keys[kid]

    def verify(self, token: str) -> dict[str, Any]:
        """The claims of a valid access token of this issuer for this audience.
        Raises AuthError(invalid_token) saying what is wrong."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("invalid_token", "access token is not a JWT") from exc
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise AuthError("invalid_token", "access token is not a JWT") from exc
        if str(unverified.get("iss", "")).rstrip("/") != self.issuer:
            raise AuthError("invalid_token", "access token is from another issuer")
        alg = str(header.get("alg", ""))
        if alg not in ALGORITHMS:
            raise AuthError("invalid_token", "access token algorithm is not accepted")
        key = self._key(str(header.get("kid", "")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("invalid_token", "access token expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise AuthError("invalid_token", "access token is for another audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise AuthError("invalid_token", "access token is from another issuer") from exc
        except jwt.PyJWTError as exc:
            raise AuthError("invalid_token", "access token is not valid") from exc
        return claims


def account_reference(claims: dict[str, Any]) -> tuple[str, str]:
    """(practitioner reference ``Practitioner/<id>`` or "", subject) of an access token:
    ``fhirUser`` may be relative or an absolute URL ending in the reference."""
    fhir_user = str(claims.get("fhirUser", ""))
    marker = fhir_user.rfind("Practitioner/")
    practitioner = fhir_user[marker:] if marker >= 0 else ""
    return practitioner, str(claims.get("sub", ""))
