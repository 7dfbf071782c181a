"""The order in which a series' instances are fetched: the slice on screen first, then
outward from it, then the rest. The viewer tells it where she is; the next instance taken
is always chosen from the focus at that moment, so a jump re-orders the queue at once.

Qt-free and thread-safe: the download threads ``take`` while the GUI thread calls
``focus`` / ``focus_on``.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence


class SlicePriority:
    """A priority queue over the instances of one series.

    ``uids`` are in display order as far as it is known before the pixels arrive (instance
    number order); ``focus`` is a position in that order. ``take`` hands out the untaken
    instance nearest to the focus (the one below before the one above at equal distance).
    """

    def __init__(self, uids: Sequence[str], focus: int = 0) -> None:
        self._uids = list(dict.fromkeys(uids))  # one entry per instance, order kept
        self._position = {uid: i for i, uid in enumerate(self._uids)}
        self._waiting = list(range(len(self._uids)))  # positions not yet taken, sorted
        self._lock = threading.Lock()
        self._focus = self._clamp(focus)
        self.jumps = 0  # focus changes (for figures and logs)

    def __len__(self) -> int:
        """Instances in the series."""
        return len(self._uids)

    @property
    def uids(self) -> list[str]:
        """The instances in display order (a copy)."""
        return list(self._uids)

    @property
    def focus_position(self) -> int:
        """Where she is now (a position in ``uids``)."""
        with self._lock:
            return self._focus

    @property
    def waiting(self) -> int:
        """Instances not yet taken."""
        with self._lock:
            return len(self._waiting)

    def _clamp(self, position: int) -> int:
        return min(max(position, 0), max(len(self._uids) - 1, 0))

    def focus(self, position: int) -> None:
        """She looks at ``position`` now (clamped to the series): fetch around it next."""
        with self._lock:
            position = self._clamp(position)
            if position != self._focus:
                self._focus = position
                self.jumps += 1

    def focus_on(self, uid: str) -> bool:
        """She looks at instance ``uid`` now; False (and no change) if it is not in the
        series."""
        position = self._position.get(uid)
        if position is None:
            return False
        self.focus(position)
        return True

    def position_of(self, uid: str) -> int | None:
        """The display position of ``uid``, or None."""
        return self._position.get(uid)

    def take(self) -> str | None:
        """The next instance to fetch (removed from the queue), or None when all are taken.

        The nearest untaken instance to the focus; outward, below first on a tie."""
        with self._lock:
            waiting = self._waiting
            if not waiting:
                return None
            focus = self._focus
            # the nearest waiting positions at and after the focus, and before it: a
            # binary search, not a scan (a listing of 100,000 instances stays cheap)
            after = bisect.bisect_left(waiting, focus)
            before = after - 1
            if after == len(waiting) or (
                before >= 0 and focus - waiting[before] < waiting[after] - focus
            ):
                chosen = before
            else:
                chosen = after
            return self._uids[waiting.pop(chosen)]

    def put_back(self, uid: str) -> None:
        """An instance taken but not fetched (the download failed or was given up): it
        waits again at its place."""
        position = self._position.get(uid)
        if position is not None:
            with self._lock:
                index = bisect.bisect_left(self._waiting, position)
                if index == len(self._waiting) or self._waiting[index] != position:
                    self._waiting.insert(index, position)
