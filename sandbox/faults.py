"""Fault injection middleware: latency, a bandwidth-limited link per client address, 503
answers and connections cut mid-response."""

from __future__ import annotations

import asyncio
import json
import random

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.config import FaultSettings
from sandbox.link import LinkModel

_EXEMPT_PREFIXES = ("/_sandbox",)


class ConnectionCut(Exception):
    """Raised to make the server abort a response after part of the body was sent."""


class FaultMiddleware:
    """Applies the (mutable) fault settings to every request except the control routes."""

    def __init__(self, app: ASGIApp, faults: FaultSettings) -> None:
        self.app = app
        self.faults = faults
        self.rng = random.Random(faults.seed)  # noqa: S311 - test noise, not security
        self.link = LinkModel(lambda: faults.bandwidth_mbit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        faults = self.faults
        if faults.latency_ms > 0:
            await asyncio.sleep(faults.latency_ms / 1000)
        client = scope.get("client")
        send = self.link.throttle(str(client[0]) if client else "", send)
        if faults.error_rate > 0 and self.rng.random() < faults.error_rate:
            await _send_unavailable(send)
            return
        if faults.malformed_rate > 0 and self.rng.random() < faults.malformed_rate:
            await _send_malformed(send)
            return
        if faults.drop_rate > 0 and self.rng.random() < faults.drop_rate:
            await self.app(scope, receive, _cutting_send(send))
            return
        await self.app(scope, receive, send)


async def _send_fhir(
    send: Send, status: int, body: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    headers = [
        (b"content-type", b"application/fhir+json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_unavailable(send: Send) -> None:
    body = json.dumps(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "transient", "diagnostics": "injected 503"}],
        }
    ).encode()
    await _send_fhir(send, 503, body, ((b"retry-after", b"1"),))


async def _send_malformed(send: Send) -> None:
    body = b'{"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resou'
    await _send_fhir(send, 200, body)


def _cutting_send(send: Send) -> Send:
    """Forward the response start and about half of the first body chunk, then abort."""

    async def cutting(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send(message)
            return
        if message["type"] == "http.response.body":
            body: bytes = message.get("body", b"")
            await send(
                {
                    "type": "http.response.body",
                    "body": body[: len(body) // 2] or b"{",
                    "more_body": True,
                }
            )
            raise ConnectionCut("injected connection drop")
        await send(message)

    return cutting
