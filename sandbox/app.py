"""The sandbox platform as one Starlette application."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import (
    dicomweb_routes,
    fhir_routes,
    oauth_routes,
    paper_routes,
    region_report,
    scopes,
    stow_routes,
)
from sandbox.auth import Authority, SigningKey
from sandbox.config import ServerSettings
from sandbox.faults import FaultMiddleware
from sandbox.limits import BodyLimitMiddleware, json_depth_ok
from sandbox.login_guard import LoginGuard
from sandbox.responses import Denied, outcome, require_user
from sandbox.statistics import region_statistics
from sandbox.store import CATALOG_META_KEY, Store


def _catalog_bytes(store: Store) -> bytes:
    text = store.get_meta(CATALOG_META_KEY) or "{}"
    return text.encode("utf-8")


async def catalog(request: Request) -> Response:
    require_user(request)
    body = _catalog_bytes(request.app.state.store)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=0, must-revalidate"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json; charset=utf-8", headers=headers)


async def statistics(request: Request) -> Response:
    require_user(request, "admin", scope=scopes.STATISTICS)
    store: Store = request.app.state.store
    catalog_doc: dict[str, Any] = json.loads(_catalog_bytes(store))
    return JSONResponse(region_statistics(store, catalog_doc))


def _control_allowed(request: Request) -> bool:
    key: str = request.app.state.settings.control_key
    given = request.headers.get("x-sandbox-control-key", "")
    return bool(key) and hmac.compare_digest(key, given)


async def control_faults(request: Request) -> Response:
    if not _control_allowed(request):
        return outcome(403, "forbidden", "control key required")
    settings: ServerSettings = request.app.state.settings
    if request.method == "POST":
        try:
            raw = await request.body()
            if not json_depth_ok(raw):
                raise ValueError("nested too deeply")
            values = json.loads(raw)
            if not isinstance(values, dict):
                raise ValueError("expected a JSON object")
            settings.faults.update(values)
        except (ValueError, OverflowError, UnicodeDecodeError) as exc:
            return outcome(400, "invalid", str(exc))
    faults = settings.faults
    return JSONResponse({k: getattr(faults, k) for k in faults.__dataclass_fields__})


async def control_expire_tokens(request: Request) -> Response:
    if not _control_allowed(request):
        return outcome(403, "forbidden", "control key required")
    authority: Authority = request.app.state.authority
    authority.generation += 1
    return JSONResponse({"generation": authority.generation})


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    return exc.response


def create_app(settings: ServerSettings, store: Store | None = None) -> Starlette:
    """The ASGI application serving one data directory (which must already hold data)."""
    store = store or Store(settings.db_path)
    key = SigningKey(settings.data_dir / "signing-key.pem")
    authority = Authority(
        store,
        key,
        settings.base_url,
        settings.access_token_ttl_s,
        settings.refresh_token_ttl_s,
        settings.refresh_reuse_grace_s,
    )
    routes = [
        *oauth_routes.ROUTES,
        *fhir_routes.ROUTES,
        *stow_routes.ROUTES,
        *paper_routes.ROUTES,
        *dicomweb_routes.ROUTES,
        Route("/catalog/recognition", catalog),
        Route("/admin/statistics", statistics),
        Route("/admin/statistics/breakdown", region_report.breakdown),
        Route("/_sandbox/faults", control_faults, methods=["GET", "POST"]),
        Route("/_sandbox/expire-tokens", control_expire_tokens, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(FaultMiddleware, faults=settings.faults),
            Middleware(BodyLimitMiddleware, larger={"/fhir": paper_routes.MAX_BODY_BYTES}),
        ],
        exception_handlers={Denied: _denied},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.authority = authority
    app.state.external_issuer = None
    if settings.external_issuer:
        from sandbox.external_issuer import ExternalIssuer

        external = ExternalIssuer(
            settings.external_issuer, settings.fhir_base, settings.external_leeway_s
        )
        authority.external = external
        app.state.external_issuer = external
    app.state.login_guard = LoginGuard(settings.login_limits)
    # Password hashing (PBKDF2) runs in worker threads, at most this many at once, so a burst
    # of sign-ins queues there instead of starving the event loop of CPU.
    app.state.hash_limiter = anyio.CapacityLimiter(settings.hash_threads)
    return app
