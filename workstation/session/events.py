"""A small, Qt-free observer: models emit, widgets (or anything) subscribe. Callbacks run
on the thread that emits; models are changed on the GUI thread only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Event(Generic[P]):
    """One kind of change; ``emit(...)`` calls every subscriber with the object it is about."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, None]] = []

    def connect(self, callback: Callable[P, None]) -> None:
        """Subscribe (once; connecting twice has no further effect)."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[P, None]) -> None:
        """Unsubscribe; nothing happens when it was not subscribed."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every subscriber in the order they connected."""
        for callback in list(self._callbacks):
            callback(*args, **kwargs)
