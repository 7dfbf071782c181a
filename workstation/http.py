"""HTTP plumbing for talking to a platform: TLS policy, timeouts, retries, clear errors."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("workstation.http")

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
RETRY_STATUSES = frozenset({502, 503, 504})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ErrorKind(Enum):
    """What went wrong, in terms the UI can explain."""

    NETWORK = "network"  # cannot connect, connection dropped
    TIMEOUT = "timeout"
    TLS = "tls"  # certificate not trusted
    SERVER = "server"  # 5xx
    AUTH = "auth"  # signed out / session expired / wrong password
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"  # 4xx with the server's reason
    BAD_RESPONSE = "bad_response"  # malformed body
    INSECURE = "insecure"  # plain http to a non-loopback host


class PlatformError(Exception):
    """A failed platform call. ``kind`` says what; ``detail`` is the server's own words."""

    def __init__(self, kind: ErrorKind, detail: str = "", status: int | None = None) -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
        self.status = status

    @property
    def retryable(self) -> bool:
        """Whether trying again later may succeed."""
        return self.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.SERVER)


def check_url_security(url: str) -> None:
    """Refuse plain HTTP except to this machine. Raises PlatformError(INSECURE)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise PlatformError(ErrorKind.INSECURE, f"refusing unencrypted connection to {parts.hostname}")


def make_client(ca_bundle: str = "", timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Client:
    """An httpx client with certificate verification always on (custom CA bundle optional)."""
    verify: ssl.SSLContext | bool = True
    if ca_bundle:
        verify = ssl.create_default_context(cafile=ca_bundle)
    return httpx.Client(
        verify=verify,
        timeout=timeout,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        headers={"User-Agent": "hr-workstation/0.1"},
        follow_redirects=False,
    )


def error_from_response(response: httpx.Response) -> PlatformError:
    """Turn an unsuccessful response into a PlatformError with the server's message."""
    status = response.status_code
    detail = _server_message(response)
    if status == 401:
        return PlatformError(ErrorKind.AUTH, detail, status)
    if status == 403:
        return PlatformError(ErrorKind.FORBIDDEN, detail, status)
    if status == 404:
        return PlatformError(ErrorKind.NOT_FOUND, detail, status)
    if status >= 500:
        return PlatformError(ErrorKind.SERVER, detail, status)
    return PlatformError(ErrorKind.REJECTED, detail, status)


def _server_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(body, dict):
        if body.get("resourceType") == "OperationOutcome":
            issues = body.get("issue", [])
            texts = [str(i.get("diagnostics") or i.get("code", "")) for i in issues]
            return "; ".join(t for t in texts if t) or response.reason_phrase
        if "error_description" in body or "error" in body:
            return str(body.get("error_description") or body.get("error"))
    return response.reason_phrase


def transport_error(exc: httpx.HTTPError) -> PlatformError:
    """Classify a transport-level failure."""
    if isinstance(exc, httpx.TimeoutException):
        return PlatformError(ErrorKind.TIMEOUT, str(exc) or "timed out")
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or isinstance(exc.__cause__, ssl.SSLError):
        return PlatformError(ErrorKind.TLS, text)
    return PlatformError(ErrorKind.NETWORK, text or type(exc).__name__)


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    idempotent: bool | None = None,
    attempts: int = 3,
    backoff_s: float = 0.25,
    sleep: Callable[[float], None] = time.sleep,
    headers: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request; retry transient failures (network, 502/503/504) with exponential
    backoff, but only when the request is idempotent (GET/HEAD by default).

    Returns the final response (any status). Raises PlatformError for transport failures.
    """
    check_url_security(url)
    if idempotent is None:
        idempotent = method.upper() in ("GET", "HEAD", "OPTIONS")
    tries = attempts if idempotent else 1
    for attempt in range(1, tries + 1):
        try:
            response = client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            error = transport_error(exc)
            if attempt == tries or error.kind is ErrorKind.TLS:
                raise error from exc
            log.info("%s %s failed (%s), retry %d", method, _path(url), error.kind.value, attempt)
        else:
            if response.status_code not in RETRY_STATUSES or attempt == tries:
                return response
            log.info(
                "%s %s answered %d, retry %d", method, _path(url), response.status_code, attempt
            )
        sleep(backoff_s * (2 ** (attempt - 1)))
    raise AssertionError("unreachable")


def _path(url: str) -> str:
    # Logs show the path only: query strings can carry identifiers.
    return urlsplit(url).path
