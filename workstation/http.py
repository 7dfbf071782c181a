"""HTTP plumbing for talking to a platform: TLS policy, timeouts, retries, clear errors."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import httpx

from workstation.logs import safe

log = logging.getLogger("workstation.http")

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=10.0)
# 408 Request Timeout, 425 Too Early, 429 Too Many Requests: the server did not act on the
# request and asks for it again later; 502/503/504: a gateway or the service is down.
RETRY_STATUSES = frozenset({408, 425, 429, 502, 503, 504})
BUSY_STATUSES = frozenset({425, 429})
# The longest Retry-After a request waits for in place; a longer one is handed to the caller
# (the outbox schedules its next pass after it) instead of holding a worker thread.
MAX_INLINE_WAIT_S = 10.0
# The longest Retry-After honoured at all: a server asking for more is asked again sooner.
MAX_RETRY_AFTER_S = 600.0
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
    BUSY = "busy"  # 429/425: the platform asks to try again later
    FOREIGN_ORIGIN = "foreign_origin"  # a link to another server; the token is not sent there
    SIGNED_OUT = "signed_out"  # another platform's record while she is not signed in to it


class PlatformError(Exception):
    """A failed platform call. ``kind`` says what; ``detail`` is the server's own words."""

    def __init__(
        self,
        kind: ErrorKind,
        detail: str = "",
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.retry_after_s = retry_after_s  # the server's Retry-After, bounded; None if none

    @property
    def retryable(self) -> bool:
        """Whether trying again later may succeed."""
        return self.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT, ErrorKind.SERVER, ErrorKind.BUSY)


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, the port filled in from the scheme (RFC 6454)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    default = 443 if scheme == "https" else 80
    return scheme, (parts.hostname or "").lower(), port or default


def check_same_origin(url: str, allowed: Iterable[str]) -> None:
    """Refuse ``url`` unless it is on the origin of one of the ``allowed`` URLs (the
    platform's configured address and the services its discovery document names).

    Raises PlatformError(FOREIGN_ORIGIN): the caller must not send the bearer token there.
    """
    target = origin(url)
    if any(target == origin(a) for a in allowed if a):
        return
    raise PlatformError(
        ErrorKind.FOREIGN_ORIGIN,
        f"refusing to send the sign-in token to another server ({target[1]}:{target[2]})",
    )


def retry_after_s(
    value: str | None, now: Callable[[], float] = time.time, cap_s: float = MAX_RETRY_AFTER_S
) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date), bounded to
    [0, ``cap_s``]; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), cap_s)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min(when.timestamp() - now(), cap_s))


def check_url_security(url: str) -> None:
    """Refuse plain HTTP except to this machine. Raises PlatformError(INSECURE)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise PlatformError(ErrorKind.INSECURE, f"refusing unencrypted connection to {parts.hostname}")


USER_AGENT = "hr-workstation/0.1"


def ssl_context(ca_bundle: str = "") -> ssl.SSLContext:
    """The certificate verification of every connection: against ``ca_bundle`` when one is
    configured, else httpx's default trust (certifi's, or SSL_CERT_FILE / SSL_CERT_DIR)."""
    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    return httpx.create_ssl_context()


def make_client(ca_bundle: str = "", timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Client:
    """An httpx client with certificate verification always on (custom CA bundle optional)."""
    return httpx.Client(
        verify=ssl_context(ca_bundle),
        timeout=timeout,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


ERROR_BODY_LIMIT = 64 * 1024
"""Bytes of an error answer read from a stream (its message is in the first few hundred)."""


def capped_error(response: httpx.Response, limit: int = ERROR_BODY_LIMIT) -> PlatformError:
    """``error_from_response`` for a streamed answer, reading at most ``limit`` bytes of its
    body: a hostile or broken server's endless error page is not read to the end."""
    kept = bytearray()
    for chunk in response.iter_bytes():
        kept += chunk[: limit - len(kept)]
        if len(kept) >= limit:
            break
    head = httpx.Response(
        response.status_code,
        headers=response.headers,
        content=bytes(kept),
        request=response.request,
    )
    return error_from_response(head)


def error_from_response(response: httpx.Response) -> PlatformError:
    """Turn an unsuccessful response into a PlatformError with the server's message."""
    status = response.status_code
    detail = _server_message(response)
    wait = retry_after_s(response.headers.get("retry-after"))
    if status in BUSY_STATUSES:
        return PlatformError(ErrorKind.BUSY, detail, status, wait)
    if status == 408:
        return PlatformError(ErrorKind.TIMEOUT, detail, status, wait)
    if status == 401:
        return PlatformError(ErrorKind.AUTH, detail, status)
    if status == 403:
        return PlatformError(ErrorKind.FORBIDDEN, detail, status)
    if status == 404:
        return PlatformError(ErrorKind.NOT_FOUND, detail, status)
    if status >= 500:
        return PlatformError(ErrorKind.SERVER, detail, status, wait)
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
    """Send a request; retry transient failures (network, 408/425/429/502/503/504) with
    exponential backoff, but only when the request is idempotent (GET/HEAD by default). A
    Retry-After of at most ``MAX_INLINE_WAIT_S`` seconds is waited for instead of the
    backoff; a longer one ends the retries (the caller sees the answer and its Retry-After).

    Returns the final response (any status). Raises PlatformError for transport failures.
    """
    check_url_security(url)
    if idempotent is None:
        idempotent = method.upper() in ("GET", "HEAD", "OPTIONS")
    tries = attempts if idempotent else 1
    for attempt in range(1, tries + 1):
        delay = backoff_s * (2 ** (attempt - 1))
        try:
            response = client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            error = transport_error(exc)
            if attempt == tries or error.kind is ErrorKind.TLS:
                raise error from exc
            log.info("%s %s failed (%s), retry %d", safe(method), _route(url), error.kind, attempt)
        else:
            if response.status_code not in RETRY_STATUSES or attempt == tries:
                return response
            asked = retry_after_s(response.headers.get("retry-after"))
            if asked is not None:
                if asked > MAX_INLINE_WAIT_S:
                    return response
                delay = max(delay, asked)
            log.info(
                "%s %s answered %d, retry %d",
                safe(method),
                _route(url),
                response.status_code,
                attempt,
            )
        sleep(delay)
    raise AssertionError("unreachable")


def _route(url: str) -> str:
    # Logs show the route only: the query and every path segment that is not a plain word
    # (ids, UIDs, which on some platforms are ID card numbers) are left out.
    segments = urlsplit(url).path.split("/")
    return safe("/".join(s if s.isascii() and s.isalpha() else "…" for s in segments))
