"""OIDC discovery, JWKS, token, authorize (PKCE), revocation and userinfo endpoints."""

from __future__ import annotations

import html
import math
from typing import Any
from urllib.parse import urlencode, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import scopes
from sandbox.auth import CLIENT_ID, AuthError, Authority, TokenPair, User
from sandbox.login_guard import Locked, LoginGuard
from sandbox.responses import require_user

SCOPES_SUPPORTED = [
    *scopes.IDENTITY,
    scopes.STATISTICS,
    *sorted(
        {
            f"user/{t}.{a}"
            for access in scopes.ROLE_ACCESS.values()
            for t in access
            for a in access[t]
        }
    ),
]


def _authority(request: Request) -> Authority:
    authority: Authority = request.app.state.authority
    return authority


def discovery_document(base: str) -> dict[str, Any]:
    """The OpenID provider metadata, plus where this platform's FHIR and DICOMweb live."""
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "userinfo_endpoint": f"{base}/oauth/userinfo",
        "jwks_uri": f"{base}/oauth/jwks",
        "grant_types_supported": ["password", "refresh_token", "authorization_code"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": SCOPES_SUPPORTED,
        # Platform extensions (allowed by OIDC Discovery §3): where the services are.
        "fhir_base_url": f"{base}/fhir",
        "dicomweb_base_url": f"{base}/dicomweb",
        "recognition_catalog_url": f"{base}/catalog/recognition",
    }


CAPABILITIES = [
    "launch-standalone",
    "client-public",
    "sso-openid-connect",
    "permission-offline",
    "permission-user",
    "permission-v1",
    "permission-v2",
]


def platform_services(base: str) -> dict[str, str]:
    """Where this platform's other services are (keys the workstation documents for the
    FHIR server's smart-configuration; served by the FHIR server, not the identity provider)."""
    return {
        "dicomweb_base_url": f"{base}/dicomweb",
        "recognition_catalog_url": f"{base}/catalog/recognition",
    }


def smart_configuration_document(base: str) -> dict[str, Any]:
    """SMART App Launch configuration for the built-in provider (``{fhir}/.well-known/…``)."""
    doc = discovery_document(base)
    keys = (
        "issuer",
        "jwks_uri",
        "authorization_endpoint",
        "token_endpoint",
        "revocation_endpoint",
        "grant_types_supported",
        "response_types_supported",
        "code_challenge_methods_supported",
        "token_endpoint_auth_methods_supported",
        "scopes_supported",
    )
    return {
        **{k: doc[k] for k in keys},
        "capabilities": CAPABILITIES,
        **platform_services(base),
    }


async def openid_configuration(request: Request) -> Response:
    return JSONResponse(discovery_document(request.app.state.settings.base_url))


async def smart_configuration(request: Request) -> Response:
    base: str = request.app.state.settings.base_url
    external = request.app.state.external_issuer
    if external is None:
        return JSONResponse(smart_configuration_document(base))
    try:
        metadata = await anyio.to_thread.run_sync(external.metadata)
    except AuthError as exc:
        return _oauth_error(exc, 503)
    return JSONResponse(
        {
            **smart_configuration_for(metadata),
            "capabilities": CAPABILITIES,
            **platform_services(base),
        }
    )


def smart_configuration_for(metadata: dict[str, Any]) -> dict[str, Any]:
    """The SMART keys taken from an external issuer's OpenID metadata."""
    keys = (
        "issuer",
        "jwks_uri",
        "authorization_endpoint",
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "end_session_endpoint",
        "grant_types_supported",
        "response_types_supported",
        "code_challenge_methods_supported",
        "token_endpoint_auth_methods_supported",
    )
    doc = {k: metadata[k] for k in keys if k in metadata}
    doc["scopes_supported"] = [*scopes.IDENTITY, *scopes.smart_v2_scopes()]
    return doc


async def jwks(request: Request) -> Response:
    return JSONResponse(_authority(request).key.jwks())


def _oauth_error(exc: AuthError, status: int = 400, **headers: str) -> Response:
    return JSONResponse(
        {"error": exc.code, "error_description": exc.description},
        status_code=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache", **headers},
    )


def _locked_error(exc: Locked) -> Response:
    seconds = max(1, math.ceil(exc.retry_after_s))
    message = (
        f"too many failed sign-ins for this {exc.what}; it is locked for {seconds} s"
        f" (try again after that)"
    )
    return _oauth_error(AuthError("invalid_grant", message), 400, **{"Retry-After": str(seconds)})


async def check_password(request: Request, username: str, password: str) -> User:
    """The user if the password matches, hashed in a worker thread (a few at a time) so the
    event loop keeps serving. Raises Locked while the account or client address is locked
    after repeated failures, AuthError(invalid_grant) for a wrong password."""
    guard: LoginGuard = request.app.state.login_guard
    address = request.client.host if request.client else ""
    guard.check(username, address)
    try:
        user = await anyio.to_thread.run_sync(
            _authority(request).check_password,
            username,
            password,
            limiter=request.app.state.hash_limiter,
        )
    except AuthError:
        guard.failed(username, address)
        raise
    guard.succeeded(username)
    return user


def _token_response(pair: TokenPair) -> Response:
    body: dict[str, Any] = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "scope": pair.scope,
        "id_token": pair.id_token,
    }
    if pair.refresh_token:  # only with offline_access
        body["refresh_token"] = pair.refresh_token
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def token(request: Request) -> Response:
    form = await request.form()
    authority = _authority(request)
    grant = str(form.get("grant_type", ""))
    client_id = str(form.get("client_id", ""))
    if client_id != CLIENT_ID:
        return _oauth_error(AuthError("invalid_client", "unknown client"), 401)
    try:
        if grant == "password":
            user = await check_password(
                request, str(form.get("username", "")), str(form.get("password", ""))
            )
            scope = _granted(user, str(form.get("scope") or ""))
            return _token_response(authority.issue(user, client_id, scope))
        if grant == "refresh_token":
            return _token_response(
                authority.refresh(
                    str(form.get("refresh_token", "")), client_id, str(form.get("scope") or "")
                )
            )
        if grant == "authorization_code":
            return _token_response(
                authority.redeem_code(
                    str(form.get("code", "")),
                    client_id,
                    str(form.get("redirect_uri", "")),
                    str(form.get("code_verifier", "")),
                )
            )
    except Locked as exc:
        return _locked_error(exc)
    except AuthError as exc:
        return _oauth_error(exc)
    return _oauth_error(AuthError("unsupported_grant_type", "this grant type is not supported"))


def _granted(user: User, requested: str) -> str:
    try:
        return scopes.grant(user.role, requested)
    except scopes.ScopeError as exc:
        raise AuthError("invalid_scope", str(exc)) from exc


async def revoke(request: Request) -> Response:
    form = await request.form()
    if str(form.get("client_id", "")) != CLIENT_ID:
        return _oauth_error(AuthError("invalid_client", "unknown client"), 401)
    _authority(request).revoke(str(form.get("token", "")))
    return Response(status_code=200)  # RFC 7009: 200 whether or not the token was known


async def userinfo(request: Request) -> Response:
    user = require_user(request, scope="openid")
    return JSONResponse(
        {
            "sub": user.username,
            "name": user.display,
            "role": user.role,
            "fhirUser": user.practitioner,
            "organization": user.organization,
            "department": user.department,
        }
    )


def _is_loopback_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


_FORM = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>登录 · 互认平台（沙箱）</title></head><body>
<h1>互认平台（沙箱）登录</h1><p>{error}</p>
<form method="post" action="/oauth/authorize">{hidden}
<label>用户名 <input name="username" autofocus></label>
<label>密码 <input name="password" type="password"></label>
<button type="submit">登录</button></form></body></html>"""

_AUTHORIZE_KEYS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "state",
    "scope",
    "nonce",
)


async def authorize(request: Request) -> Response:
    params = (
        dict(request.query_params)
        if request.method == "GET"
        else {k: str(v) for k, v in (await request.form()).items()}
    )
    redirect_uri = params.get("redirect_uri", "")
    if params.get("client_id") != CLIENT_ID or not _is_loopback_redirect(redirect_uri):
        return HTMLResponse("<p>unknown client or redirect URI not on loopback</p>", 400)
    if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
        return HTMLResponse("<p>only response_type=code with PKCE S256 is supported</p>", 400)
    hidden = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(params.get(k, ""))}">'
        for k in _AUTHORIZE_KEYS
    )
    if request.method == "GET":
        return HTMLResponse(_FORM.format(error="", hidden=hidden))
    authority = _authority(request)
    try:
        user = await check_password(request, params.get("username", ""), params.get("password", ""))
        scope = _granted(user, params.get("scope", ""))
    except Locked as exc:
        seconds = max(1, math.ceil(exc.retry_after_s))
        error = f"登录失败次数过多，已锁定 {seconds} 秒，请稍后再试"
        return HTMLResponse(
            _FORM.format(error=error, hidden=hidden), 429, headers={"Retry-After": str(seconds)}
        )
    except AuthError as exc:
        error = "用户名或密码错误" if exc.code == "invalid_grant" else "请求的权限范围无效"
        return HTMLResponse(_FORM.format(error=error, hidden=hidden), 401)
    code = authority.new_code(
        user,
        CLIENT_ID,
        redirect_uri,
        params.get("code_challenge", ""),
        scope,
        params.get("nonce", "")[:256],
    )
    query = urlencode({"code": code, "state": params.get("state", "")})
    return RedirectResponse(f"{redirect_uri}?{query}", status_code=303)


ROUTES = [
    Route("/.well-known/openid-configuration", openid_configuration),
    Route("/fhir/.well-known/smart-configuration", smart_configuration),
    Route("/oauth/jwks", jwks),
    Route("/oauth/token", token, methods=["POST"]),
    Route("/oauth/revoke", revoke, methods=["POST"]),
    Route("/oauth/userinfo", userinfo),
    Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
]
