"""Where background work runs. Each lane is its own bounded pool, so a slow kind of work
never queues another: the journal write that makes "saved" true has a thread of its own
and never waits behind series downloads."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")


class Lane(Enum):
    """Kinds of background work, each with its own threads."""

    JOURNAL = "journal"  # the local decision journal and audit log: one thread, in order
    INTERACTIVE = (
        "interactive"  # what the doctor waits for: searches, results, the series on screen
    )
    BACKGROUND = "background"  # prefetch and thumbnails: never ahead of what she waits for


DEFAULT_THREADS = {Lane.JOURNAL: 1, Lane.INTERACTIVE: 4, Lane.BACKGROUND: 2}


class Lanes:
    """One thread pool per lane; ``threads`` overrides the default sizes."""

    def __init__(self, threads: dict[Lane, int] | None = None) -> None:
        sizes = {**DEFAULT_THREADS, **(threads or {})}
        self._pools = {
            lane: ThreadPoolExecutor(
                max_workers=sizes[lane], thread_name_prefix=f"lane-{lane.value}"
            )
            for lane in Lane
        }

    def submit(self, lane: Lane, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on the lane's threads. Raises RuntimeError after shutdown."""
        return self._pools[lane].submit(fn, *args)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; with ``wait``, return when running work has finished (queued
        work that has not started is dropped)."""
        for pool in self._pools.values():
            pool.shutdown(wait=wait, cancel_futures=True)
