"""Response helpers shared by the sandbox's routes: FHIR JSON, OperationOutcome, auth checks."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox import scopes
from sandbox.auth import AuthError, Authority, User

FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_response(body: dict[str, Any], status: int = 200, **headers: str) -> Response:
    """A FHIR JSON response."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status_code=status, media_type=FHIR_JSON, headers=headers or None)


def outcome(status: int, code: str, diagnostics: str, **headers: str) -> Response:
    """An OperationOutcome error response (FHIR issue type ``code``)."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
    return fhir_response(body, status, **headers)


class Denied(Exception):
    """Raised by ``require_user``; turned into a response by the app's exception handler."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def require_user(request: Request, *roles: str, scope: str = "") -> User:
    """The user of the request's bearer token, optionally limited to ``roles`` and to tokens
    granted ``scope`` (``openid``, ``<Type>.read``, ``<Type>.write``, see sandbox.scopes).

    Raises Denied with 401 (no/invalid token, with a WWW-Authenticate challenge) or 403
    (role not allowed, or ``insufficient_scope``).
    """
    authority: Authority = request.app.state.authority
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Denied(
            outcome(
                401,
                "login",
                "a bearer token is required",
                **{"WWW-Authenticate": 'Bearer realm="hr-platform"'},
            )
        )
    try:
        user, claims = authority.verify_access(token.strip())
    except AuthError as exc:
        challenge = f'Bearer realm="hr-platform", error="invalid_token", error_description="{exc}"'
        raise Denied(
            outcome(401, "login", exc.description, **{"WWW-Authenticate": challenge})
        ) from exc
    if roles and user.role not in roles:
        raise Denied(outcome(403, "forbidden", f"role {user.role} may not do this"))
    if scope and not scopes.allows(str(claims.get("scope", "")).split(), scope):
        challenge = f'Bearer realm="hr-platform", error="insufficient_scope", scope="{scope}"'
        raise Denied(
            outcome(
                403,
                "forbidden",
                f"the token was not granted the scope this needs ({scope})",
                **{"WWW-Authenticate": challenge},
            )
        )
    return user


def granted_scopes(request: Request) -> list[str]:
    """The scopes of the request's (already verified) bearer token; [] without one."""
    header = request.headers.get("authorization", "")
    _, _, token = header.partition(" ")
    authority: Authority = request.app.state.authority
    try:
        _user, claims = authority.verify_access(token.strip())
    except AuthError:
        return []
    return str(claims.get("scope", "")).split()
