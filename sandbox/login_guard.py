"""Sign-in throttling: after repeated wrong passwords an account, or a client address, is
locked for a while (even the right password is refused until then).

Failures are counted per user name and per client address inside a sliding window; reaching
the threshold locks that key for ``lockout_s`` seconds, and each further lock of the same key
doubles it (up to ``max_lockout_s``). A successful sign-in clears its user's count. State is
in memory: it protects one server process, as a rate limiter in front of a real platform would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_KEYS = 10_000  # bound on remembered keys, so a spray of names cannot grow memory


@dataclass(frozen=True)
class LoginLimits:
    """Thresholds of the sign-in guard."""

    failures_per_user: int = 5
    failures_per_address: int = 30
    window_s: float = 900.0
    lockout_s: float = 60.0
    max_lockout_s: float = 900.0


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    locks: int = 0


class Locked(Exception):
    """Sign-in refused for a while. ``retry_after_s`` is when it unlocks, in seconds."""

    def __init__(self, what: str, retry_after_s: float) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after_s = retry_after_s


class LoginGuard:
    """Counts failed sign-ins; thread-safe (password checks run in worker threads)."""

    def __init__(self, limits: LoginLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def check(self, username: str, address: str) -> None:
        """Raise Locked if the account or the address is locked now."""
        now = self._clock()
        with self._lock:
            for key, what in ((f"u:{username}", "account"), (f"a:{address}", "address")):
                record = self._records.get(key)
                if record is not None and record.locked_until > now:
                    raise Locked(what, record.locked_until - now)

    def failed(self, username: str, address: str) -> None:
        """Count a wrong password for this account and address (may lock either)."""
        now = self._clock()
        limits = self.limits
        with self._lock:
            if len(self._records) >= MAX_KEYS:
                self._prune(now)
            for key, threshold in (
                (f"u:{username}", limits.failures_per_user),
                (f"a:{address}", limits.failures_per_address),
            ):
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < limits.window_s]
                record.failures.append(now)
                if len(record.failures) >= threshold:
                    lock = min(limits.lockout_s * 2**record.locks, limits.max_lockout_s)
                    record.locked_until = now + lock
                    record.locks += 1
                    record.failures.clear()

    def succeeded(self, username: str) -> None:
        """The account signed in: forget its failures (the address keeps its count)."""
        with self._lock:
            record = self._records.get(f"u:{username}")
            if record is not None and record.locked_until <= self._clock():
                del self._records[f"u:{username}"]

    def _prune(self, now: float) -> None:
        stale = [
            k
            for k, r in self._records.items()
            if r.locked_until <= now and not any(now - t < self.limits.window_s for t in r.failures)
        ]
        for key in stale:
            del self._records[key]
        while len(self._records) >= MAX_KEYS:  # still full: drop the oldest entries
            del self._records[next(iter(self._records))]
