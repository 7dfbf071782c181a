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

# Bytes sent in one go: small enough that the pacing is smooth at a few Mbit/s (and a
# small instance still takes measurable time), large enough that a 100 Mbit/s link is not
# a storm of tiny writes. The bucket holds at most one piece: a bottleneck link delivers
# at its rate, an idle moment earns no burst.
PIECE_BYTES = 8 * 1024


class TokenBucket:
    """Tokens (bytes) filled at ``rate_bytes_s()``, at most one piece's worth held.

    Waiters are served in the order they ask (one lock), so connections sharing a bucket
    share its rate fairly piece by piece.
    """

    def __init__(
        self,
        rate_bytes_s: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate_bytes_s
        self._clock = clock
        self._tokens = 0.0
        self._stamp = clock()
        self._lock = asyncio.Lock()

    async def take(self, count: int) -> None:
        """Wait until ``count`` bytes may leave. Returns at once when the rate is 0 (off)."""
        async with self._lock:
            while True:
                rate = self._rate()
                now = self._clock()
                if rate <= 0:
                    self._tokens, self._stamp = 0.0, now
                    return
                self._tokens = min(self._tokens + (now - self._stamp) * rate, float(count))
                self._stamp = now
                if self._tokens >= count:
                    self._tokens -= count
                    return
                # Sleep for the deficit, then look again (the rate may have changed).
                await asyncio.sleep(min((count - self._tokens) / rate, 0.25))


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
        leaves in pieces of at most ``PIECE_BYTES`` as tokens allow. Unchanged while the
        rate is 0."""

        async def throttled(message: Message) -> None:
            body = message.get("body", b"") if message["type"] == "http.response.body" else b""
            if not body or self.rate_bytes_s() <= 0:
                await send(message)
                return
            bucket = self.bucket(address)
            more = bool(message.get("more_body", False))
            view = memoryview(body)
            for start in range(0, len(body), PIECE_BYTES):
                piece = bytes(view[start : start + PIECE_BYTES])
                await bucket.take(len(piece))
                last = start + PIECE_BYTES >= len(body)
                await send(
                    {"type": "http.response.body", "body": piece, "more_body": more or not last}
                )

        return throttled
