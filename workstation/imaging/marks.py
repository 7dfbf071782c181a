"""Measurements and annotations drawn on an image, kept per slice, with undo.

Points are in image millimetres (x along a row from the left edge, y down the columns from
the top edge; pixels when the image is uncalibrated), before any rotation or flip of the
view, so a mark stays on the anatomy whatever the display does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from enum import Enum

Point = tuple[float, float]
SliceKey = tuple[str, int]  # SOP Instance UID, frame


class MarkKind(Enum):
    """What a mark measures or says."""

    LENGTH = "length"  # two points
    ANGLE = "angle"  # three points: end, vertex, end
    ELLIPSE = "ellipse"  # top-left and bottom-right corners of the bounding box
    RECTANGLE = "rectangle"  # top-left and bottom-right corners
    ARROW = "arrow"  # tip, tail; text shown at the tail


BOX_KINDS = (MarkKind.ELLIPSE, MarkKind.RECTANGLE)


def canonical_points(kind: MarkKind, points: tuple[Point, ...]) -> tuple[Point, ...]:
    """The points as stored: a box as its top-left and bottom-right corners (dragging,
    turning or mirroring may hand them over in any order); other kinds unchanged."""
    if kind not in BOX_KINDS:
        return tuple(points)
    (x0, y0), (x1, y1) = points[0], points[1]
    return ((min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1)))


@dataclass(frozen=True)
class Mark:
    """One mark on one slice."""

    ident: int
    kind: MarkKind
    points: tuple[Point, ...]
    text: str = ""


@dataclass(frozen=True)
class _Change:
    """One undoable step: the mark before and after (None = absent)."""

    key: SliceKey
    before: Mark | None
    after: Mark | None


class MarkStore:
    """The marks of one result, by slice, with an undo history (most recent step first).

    Not thread-safe: the GUI thread owns it."""

    def __init__(self) -> None:
        self._marks: dict[SliceKey, dict[int, Mark]] = {}
        self._history: list[list[_Change]] = []
        self._ids = itertools.count(1)

    def marks(self, key: SliceKey) -> tuple[Mark, ...]:
        """The marks of a slice, oldest first."""
        return tuple(self._marks.get(key, {}).values())

    def all_marks(self) -> dict[SliceKey, tuple[Mark, ...]]:
        """Every slice that has marks, with its marks."""
        return {key: tuple(found.values()) for key, found in self._marks.items() if found}

    def add(self, key: SliceKey, kind: MarkKind, points: tuple[Point, ...], text: str = "") -> Mark:
        """Add a mark (undoable); returns it with its new identifier."""
        mark = Mark(next(self._ids), kind, canonical_points(kind, points), text)
        self._apply([_Change(key, None, mark)])
        return mark

    def restore(
        self, key: SliceKey, kind: MarkKind, points: tuple[Point, ...], text: str = ""
    ) -> Mark:
        """Put back a mark saved earlier (read from the platform): like ``add``, but not a
        step of the undo history (undo never takes away what she saved)."""
        mark = Mark(next(self._ids), kind, canonical_points(kind, points), text)
        self._set(key, None, mark)
        return mark

    def move(self, key: SliceKey, ident: int, points: tuple[Point, ...]) -> None:
        """Record a finished drag (undoable). Unknown marks and no-op moves are ignored."""
        before = self._marks.get(key, {}).get(ident)
        if before is None:
            return
        moved = canonical_points(before.kind, points)
        if before.points != moved:
            self._apply([_Change(key, before, replace(before, points=moved))])

    def remove(self, key: SliceKey, ident: int) -> None:
        """Delete a mark (undoable)."""
        before = self._marks.get(key, {}).get(ident)
        if before is not None:
            self._apply([_Change(key, before, None)])

    def clear(self, key: SliceKey) -> None:
        """Delete every mark of a slice as one undoable step."""
        changes = [_Change(key, mark, None) for mark in self.marks(key)]
        if changes:
            self._apply(changes)

    def can_undo(self) -> bool:
        """True when there is a step to undo."""
        return bool(self._history)

    def undo(self) -> SliceKey | None:
        """Revert the most recent step; returns the slice it touched (None if nothing)."""
        if not self._history:
            return None
        step = self._history.pop()
        for change in reversed(step):
            self._set(change.key, change.after, change.before)
        return step[0].key

    def _apply(self, changes: list[_Change]) -> None:
        for change in changes:
            self._set(change.key, change.before, change.after)
        self._history.append(changes)

    def _set(self, key: SliceKey, old: Mark | None, new: Mark | None) -> None:
        slice_marks = self._marks.setdefault(key, {})
        if new is None:
            if old is not None:
                slice_marks.pop(old.ident, None)
        else:
            slice_marks[new.ident] = new
