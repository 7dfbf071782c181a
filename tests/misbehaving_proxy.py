"""A platform that misbehaves on purpose: a loopback reverse proxy in front of the real
sandbox, plus a loopback "other server" that records what it was sent.

The proxy forwards every request to the sandbox (real users, real tokens, real data) and
rewrites the sandbox's own address to the proxy's in every answer, so the client under test
only ever knows the proxy. Tests then make it misbehave: answer some requests itself (429
with Retry-After, 408, 425), rewrite an answer (a ``next`` link or a DICOMweb endpoint to
another origin), or forward a request and cut its answer in transit (a lost refresh answer).
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

_HOP_BY_HOP = {
    "connection",
    "content-length",
    "content-encoding",
    "keep-alive",
    "transfer-encoding",
}


@dataclass(frozen=True)
class Seen:
    """One request as it arrived."""

    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lower-case names
    body: bytes

    def form(self) -> dict[str, str]:
        """The body as an x-www-form-urlencoded form."""
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.body.decode("utf-8")))


@dataclass(frozen=True)
class Reply:
    """An answer the proxy gives itself instead of forwarding."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


Rule = Callable[[Seen], Reply | None]
Rewrite = Callable[[Seen, bytes], bytes]
Cut = Callable[[Seen], bool]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Loopback:
    """A threaded HTTP server on 127.0.0.1 with a free port."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self._server = _Server(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and wait for the server thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class MisbehavingProxy(_Loopback):
    """The sandbox at ``upstream`` behind a proxy whose behaviour tests change at run time.

    ``rules`` answer a request themselves (the first that returns a Reply wins);
    ``rewrites`` change a forwarded answer's body; ``cut`` decides which forwarded answers
    are cut off after half their body. ``seen`` lists every request that arrived.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.rules: list[Rule] = []
        self.rewrites: list[Rewrite] = []
        self.cut: Cut = lambda seen: False
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=30.0, follow_redirects=False)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                seen = Seen(self.command, self.path, headers, body)
                with outer._lock:
                    outer.seen.append(seen)
                    rules = list(outer.rules)
                for rule in rules:
                    reply = rule(seen)
                    if reply is not None:
                        self._reply(reply.status, reply.headers, reply.body)
                        return
                forwarded = {k: v for k, v in headers.items() if k not in _HOP_BY_HOP}
                forwarded.pop("host", None)
                upstream = outer._client.request(
                    seen.method, outer.upstream + seen.path, headers=forwarded, content=body
                )
                data = upstream.content.replace(
                    outer.upstream.encode("ascii"), outer.base_url.encode("ascii")
                )
                for rewrite in list(outer.rewrites):
                    data = rewrite(seen, data)
                answer_headers = {
                    k: v.replace(outer.upstream, outer.base_url)
                    for k, v in upstream.headers.items()
                    if k.lower() not in _HOP_BY_HOP
                }
                if outer.cut(seen):
                    self._cut(upstream.status_code, answer_headers, data)
                    return
                self._reply(upstream.status_code, answer_headers, data)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _cut(self, status: int, headers: dict[str, str], body: bytes) -> None:
                # The platform has acted on the request; its answer never arrives whole.
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)

            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def log_message(self, format: str, *args: Any) -> None:
                return

        super().__init__(Handler)

    def requests_to(self, path_prefix: str) -> list[Seen]:
        """The requests whose path starts with ``path_prefix``."""
        with self._lock:
            return [s for s in self.seen if s.path.startswith(path_prefix)]

    def close(self) -> None:
        """Stop serving and close the upstream connections."""
        super().close()
        self._client.close()


class RecordingServer(_Loopback):
    """Another server on another loopback port: answers every request with an empty FHIR
    Bundle and records each request's path and Authorization header."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (path, Authorization header or "")
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.received.append((self.path, self.headers.get("Authorization", "")))
                body = json.dumps(
                    {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        super().__init__(Handler)

    @property
    def tokens_received(self) -> list[str]:
        """The Authorization headers that arrived (empty strings left out)."""
        return [auth for _path, auth in self.received if auth]
