"""The stack of one cell while its series arrives, without Qt.

The series' length is known before its pixels (the listing names every instance), so the
stack holds a place for every slice from the start: the slices that arrived, sorted by
geometry, and a ``Waiting`` place for each one that has not, put where its instance number
says it will probably be. She can scroll over the whole series at once; a waiting place
shows nothing of any image and nothing can be measured or kept on it. Images in another
plane than the main stack (a localizer in an axial series) form their own stacks; the
waiting places belong to the main one (the plane with the most slices arrived).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workstation.imaging.decode import DicomImage
from workstation.imaging.geometry import frame_display_key, frame_slice_position, orientation_key
from workstation.session.events import Event

Plane = tuple[float, ...]
"""A rounded orientation (``orientation_key``); ``()`` for images without geometry."""


@dataclass(frozen=True, eq=False)
class Slice:
    """One displayable plane: an image and a frame of it."""

    image: DicomImage
    frame: int
    key: float  # sort key: position along the normal, else instance/frame number
    position: float | None = None  # mm along the slice normal (for synchronized scrolling)


@dataclass(frozen=True, eq=False)
class Waiting:
    """The place of a slice that has not arrived: its instance and an estimated sort key.
    It has no pixels and no position (synchronized scrolling never lands on it)."""

    sop_instance_uid: str
    number: int  # InstanceNumber from the listing
    key: float
    position: float | None = None


Entry = Slice | Waiting


def make_slice(image: DicomImage, frame: int) -> Slice:
    """The slice for one frame, with its own position (enhanced multi-frame frames have
    one each)."""
    key = frame_display_key(image, frame)
    position = frame_slice_position(image, frame)
    if key is None:
        key = image.instance_number * 10000 + frame
    return Slice(image, frame, key, position)


def estimate_keys(arrived: Sequence[tuple[int, float]], waiting: Sequence[int]) -> list[float]:
    """Sort keys for instances not arrived, by their instance numbers ``waiting``, from the
    (instance number, sort key) pairs of the slices that did: linear between the arrived
    neighbours in number, continued past either end with the slope at that end (slope 1,
    the instance order, while fewer than two numbers are known). Numbers arrived more than
    once count with their mean key."""
    by_number: dict[int, list[float]] = {}
    for number, key in arrived:
        by_number.setdefault(number, []).append(key)
    numbers = sorted(by_number)
    keys = [sum(by_number[n]) / len(by_number[n]) for n in numbers]
    if not numbers:
        return [float(n) for n in waiting]
    if len(numbers) == 1:
        return [keys[0] + (n - numbers[0]) for n in waiting]
    overall = (keys[-1] - keys[0]) / (numbers[-1] - numbers[0])
    estimates = []
    for n in waiting:
        right = bisect.bisect_left(numbers, n)
        between = 0 < right < len(numbers)
        if not between:
            right = 1 if right == 0 else len(numbers) - 1  # past an end: its last two
        left = right - 1
        slope = (keys[right] - keys[left]) / (numbers[right] - numbers[left])
        if not between:
            slope = slope or overall or 1.0  # two slices at one place: keep going on
        estimates.append(keys[left] + (n - numbers[left]) * slope)
    return estimates


class SeriesStack:
    """The slices of one series in display order, with a place for each one still to come.

    ``changed`` is emitted after every change (an image arrived, the series was announced,
    loading finished). Changed on the GUI thread only."""

    def __init__(self) -> None:
        self.changed: Event[[]] = Event()
        self.planes: dict[Plane, list[Slice]] = {}  # arrived slices per plane, sorted
        self._waiting: dict[str, int] = {}  # SOP Instance UID → InstanceNumber
        self._arrived: set[str] = set()
        # The main plane's stack as last built, and where each instance is in it: an image
        # that fits between its arrived neighbours takes its waiting place in it, so an
        # arrival costs O(1) there, not a rebuild (a 2,000-slice CT: 20 ms each on the GUI
        # thread, 40 s in all, when every arrival rebuilt it).
        self._built: tuple[Plane | None, list[Entry]] | None = None
        self._where: dict[str, int] = {}
        self._filled: list[int] = []  # the places of arrived slices in it, ascending

    def __len__(self) -> int:
        """Places in all stacks: the arrived slices and the waiting ones."""
        return sum(len(s) for s in self.planes.values()) + len(self._waiting)

    @property
    def waiting(self) -> int:
        """Instances announced and not arrived."""
        return len(self._waiting)

    def is_waiting(self, sop_instance_uid: str) -> bool:
        """Whether the instance was announced and has not arrived."""
        return sop_instance_uid in self._waiting

    def expect(self, instances: Iterable[tuple[str, int]]) -> None:
        """The series' instances as listed (SOP Instance UID, InstanceNumber): each one not
        arrived yet gets its place."""
        for uid, number in instances:
            if uid not in self._arrived:
                self._waiting.setdefault(uid, number)
        self._built = None
        self.changed.emit()

    def add(self, image: DicomImage) -> Plane:
        """An image arrived: its frames take their places by geometry (its waiting place
        goes). Returns the plane of its first frame. The caller hands each instance over
        once (the downloads drop a repeat)."""
        plane = orientation_key(image, 0)
        uid = image.sop_instance_uid
        was_waiting = self._waiting.pop(uid, None) is not None
        self._arrived.add(uid)
        slices = [make_slice(image, frame) for frame in range(image.frames)]
        for frame, piece in enumerate(slices):
            stack = self.planes.setdefault(orientation_key(image, frame), [])
            bisect.insort_right(stack, piece, key=lambda s: s.key)
        if not (was_waiting and len(slices) == 1 and self._fill_in(uid, plane, slices[0])):
            self._built = None
        self.changed.emit()
        return plane

    def _fill_in(self, uid: str, plane: Plane, piece: Slice) -> bool:
        """Put ``piece`` at the waiting place of ``uid`` in the stack as built, if that
        keeps its arrived slices in order; False when the stack must be built again."""
        if self._built is None or self._built[0] != plane or self.main_plane() != plane:
            return False
        entries = self._built[1]
        index = self._where.get(uid)
        if index is None or not isinstance(entries[index], Waiting):
            return False
        # the nearest arrived neighbours, by a binary search over the arrived places
        at = bisect.bisect_left(self._filled, index)
        before = entries[self._filled[at - 1]].key if at > 0 else -math.inf
        after = entries[self._filled[at]].key if at < len(self._filled) else math.inf
        if not before <= piece.key <= after:
            return False
        entries[index] = piece
        self._filled.insert(at, index)
        return True

    def finish(self) -> int:
        """Loading ended (complete, failed or cancelled): the places still waiting go, since
        nothing will fill them. Returns how many went."""
        dropped = len(self._waiting)
        self._waiting.clear()
        self._built = None
        if dropped:
            self.changed.emit()
        return dropped

    def arrived(self, plane: Plane | None) -> int:
        """Slices arrived in ``plane``."""
        return len(self.planes.get(plane, ())) if plane is not None else 0

    def main_plane(self) -> Plane | None:
        """The plane with the most slices arrived (the first to arrive on a tie); None
        before any did."""
        if not self.planes:
            return None
        return max(self.planes, key=lambda p: len(self.planes[p]))

    def stack(self, plane: Plane | None) -> list[Entry]:
        """The stack of ``plane`` in display order: its arrived slices, and, for the main
        plane (or before anything arrived), a ``Waiting`` place for every instance still to
        come, placed by ``estimate_keys`` from the arrived slices' instance numbers."""
        slices = self.planes.get(plane, []) if plane is not None else []
        arrived: list[Entry] = list(slices)
        if not self._waiting or (self.planes and plane != self.main_plane()):
            return arrived
        if self._built is not None and self._built[0] == plane:
            return list(self._built[1])
        known = [(s.image.instance_number, s.key) for s in slices if s.frame == 0]
        waiting = list(self._waiting.items())
        keys = estimate_keys(known, [n for _uid, n in waiting])
        places = [Waiting(uid, n, k) for (uid, n), k in zip(waiting, keys, strict=True)]
        # stable: at an equal key an arrived slice comes first, waiting ones by number
        places.sort(key=lambda w: (w.key, w.number))
        entries = sorted([*arrived, *places], key=lambda e: e.key)
        self._built = (plane, entries)
        self._where = {}
        self._filled = [i for i, e in enumerate(entries) if isinstance(e, Slice)]
        for i, e in enumerate(entries):
            self._where.setdefault(
                e.image.sop_instance_uid if isinstance(e, Slice) else e.sop_instance_uid, i
            )
        return list(entries)
