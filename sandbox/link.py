"""A model of the access link between the platform and a hospital: a bandwidth shared by
all connections of one client address, as a county hospital's uplink is shared by every
download its workstations make.

Each client address has a token bucket filled at the link rate; response bytes leave only
as tokens allow, so four parallel downloads from one address get a quarter of the rate
each, not four times the rate. The rate is read on every piece, so changing it at run time
(the control route) takes effect at once, mid-download.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.types import Message, Send

# Bytes sent in one go: about a millisecond of the link, so the pacing is smooth (and a
# small instance takes measurable time) at any rate without a storm of timer wake-ups.
PIECE_S = 0.001
MIN_PIECE_BYTES = 1024
MAX_PIECE_BYTES = 64 * 1024
# A late wake-up (the event loop was busy) is made up for, up to this long: without it every
# oversleep would be bandwidth lost and the link slower than its rate. It is also the most
# an idle link sends at once.
SLACK_S = 0.005


class TokenBucket:
    """The link of one client address: pieces leave when the link has carried the ones
    before them at ``rate_bytes_s()``, in the order they ask (one lock), so connections
    sharing it share its rate fairly piece by piece.
    """

    def __init__(
        self,
        rate_bytes_s: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate_bytes_s
        self._clock = clock
        self._free_at = clock()  # when the link has carried everything sent so far
        self._lock = asyncio.Lock()

    async def take(self, count: int) -> None:
        """Wait until ``count`` more bytes have crossed the link. Returns at once when the
        rate is 0 (off)."""
        async with self._lock:
            rate = self._rate()
            now = self._clock()
            if rate <= 0:
                self._free_at = now
                return
            self._free_at = max(self._free_at, now - SLACK_S) + count / rate
            if self._free_at > now:
                await asyncio.sleep(self._free_at - now)


class LinkModel:
    """One token bucket per client address, at the rate ``mbit_s()`` returns (0: no limit)."""

    def __init__(self, mbit_s: Callable[[], float]) -> None:
        self._mbit_s = mbit_s
        self._buckets: dict[str, TokenBucket] = {}

    def rate_bytes_s(self) -> float:
        """The link rate now, in bytes per second (0: unlimited)."""
        return max(0.0, float(self._mbit_s())) * 1e6 / 8

    def bucket(self, address: str) -> TokenBucket:
        """The bucket all connections from ``address`` share."""
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = TokenBucket(self.rate_bytes_s)
        return bucket

    def throttle(self, address: str, send: Send) -> Send:
        """``send`` with the response body paced by ``address``'s bucket: each body message
        leaves in pieces of about ``PIECE_S`` of the link as it allows. Unchanged while the
        rate is 0."""

        async def throttled(message: Message) -> None:
            body = message.get("body", b"") if message["type"] == "http.response.body" else b""
            if not body or self.rate_bytes_s() <= 0:
                await send(message)
                return
            bucket = self.bucket(address)
            more = bool(message.get("more_body", False))
            view = memoryview(body)
            size = int(min(max(self.rate_bytes_s() * PIECE_S, MIN_PIECE_BYTES), MAX_PIECE_BYTES))
            for start in range(0, len(body), size):
                piece = bytes(view[start : start + size])
                await bucket.take(len(piece))
                last = start + size >= len(body)
                await send(
                    {"type": "http.response.body", "body": piece, "more_body": more or not last}
                )

        return throttled
