"""One streamed GET through the standard library's http.client, for the large multipart
bodies of WADO-RS series (a 300-slice CT is 158 MB).

httpx (through httpcore and h11) copies every byte of a body about four times before it
reaches us; http.client hands over what one socket read brought. For a CT series on
loopback that halved the client's CPU time (0.33–0.38 s → 0.15–0.18 s), which is what
limited the whole series there. The answer is handled like httpx's by ``DicomWebClient``
(statuses, retries, token refresh, capped error bodies); only the bytes come this way.

Certificates are verified with the same context as every other connection
(``workstation.http.ssl_context``). Where a proxy is configured for the address (the
environment's HTTP(S)_PROXY, as httpx honours it), ``serves`` says no and httpx is used.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from workstation.http import (
    DEFAULT_TIMEOUT,
    ERROR_BODY_LIMIT,
    USER_AGENT,
    ErrorKind,
    PlatformError,
    check_url_security,
    error_from_response,
    ssl_context,
)

PIECE_BYTES = 1 << 20  # at most this much per socket read


class BulkAnswer:
    """The status, headers and body of one answer, read in pieces (``pieces``)."""

    def __init__(self, url: str, response: http.client.HTTPResponse, piece_bytes: int) -> None:
        self._url = url
        self._response = response
        self._piece_bytes = piece_bytes
        self.status_code = response.status
        self.headers = httpx.Headers(response.getheaders())

    def pieces(self) -> Iterator[bytes]:
        """The body as it arrives: whatever one read of the socket brings, at most
        ``piece_bytes`` (so a cancel or a slow link is seen between reads, not after a
        full buffer)."""
        while piece := self._response.read1(self._piece_bytes):
            yield piece

    def error(self) -> PlatformError:
        """The PlatformError this (error) answer means, from at most ``ERROR_BODY_LIMIT``
        bytes of its body."""
        body = self._response.read(ERROR_BODY_LIMIT)
        request = httpx.Request("GET", self._url)
        answer = httpx.Response(
            self.status_code, headers=self.headers, content=body, request=request
        )
        return error_from_response(answer)


class BulkGet:
    """GETs through http.client with certificate verification (``ca_bundle`` when given) and
    the platform timeouts, handing bodies over in pieces of ``piece_bytes``. Safe to use
    from several threads (a connection per request)."""

    def __init__(
        self,
        ca_bundle: str = "",
        connect_timeout_s: float = DEFAULT_TIMEOUT.connect or 5.0,
        read_timeout_s: float = DEFAULT_TIMEOUT.read or 30.0,
        piece_bytes: int = PIECE_BYTES,
    ) -> None:
        self._ca_bundle = ca_bundle
        self._piece_bytes = piece_bytes
        self._connect_timeout_s = connect_timeout_s
        self._read_timeout_s = read_timeout_s
        self._context: ssl.SSLContext | None = None
        self._lock = threading.Lock()

    def serves(self, url: str) -> bool:
        """Whether ``url`` is fetched this way: http(s), and no proxy configured for its
        scheme (or for all). With a proxy, httpx decides, NO_PROXY included: its matching of
        NO_PROXY differs from the standard library's (".hospital.example"), and a request
        must never go around the hospital's proxy where httpx would use it."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        proxies = urllib.request.getproxies()
        return parts.scheme not in proxies and "all" not in proxies

    @contextmanager
    def get(self, url: str, headers: dict[str, str]) -> Iterator[BulkAnswer]:
        """The answer to a GET of ``url``; the connection is closed on leaving. Raises
        PlatformError (INSECURE for plain HTTP off this machine, TLS, TIMEOUT, NETWORK)."""
        check_url_security(url)
        parts = urlsplit(url)
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, parts.port, timeout=self._connect_timeout_s, context=self._ssl()
            )
        else:
            connection = http.client.HTTPConnection(
                host, parts.port, timeout=self._connect_timeout_s
            )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            try:
                connection.connect()
                assert connection.sock is not None
                connection.sock.settimeout(self._read_timeout_s)
                connection.request("GET", target, headers={"User-Agent": USER_AGENT, **headers})
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as exc:
                raise bulk_transport_error(exc) from exc
            except ValueError:  # a header value or address http.client refuses
                # (its message would quote the header, the bearer token with it)
                raise PlatformError(
                    ErrorKind.BAD_RESPONSE,
                    "the request cannot be sent: a header or the "
                    "address holds characters HTTP does not allow",
                ) from None
            answer = BulkAnswer(url, response, self._piece_bytes)
            try:
                yield answer
            except (OSError, http.client.HTTPException) as exc:
                raise bulk_transport_error(exc) from exc
        finally:
            connection.close()

    def _ssl(self) -> ssl.SSLContext:
        with self._lock:
            if self._context is None:
                self._context = ssl_context(self._ca_bundle)
            return self._context


def bulk_transport_error(exc: BaseException) -> PlatformError:
    """Classify a failure of http.client or its socket as ``transport_error`` does httpx's."""
    if isinstance(exc, TimeoutError):
        return PlatformError(ErrorKind.TIMEOUT, str(exc) or "timed out")
    if isinstance(exc, ssl.SSLError):
        return PlatformError(ErrorKind.TLS, str(exc))
    return PlatformError(ErrorKind.NETWORK, str(exc) or type(exc).__name__)
