"""Synchronized scrolling of cells that show different studies: each cell keeps the offset
it had when the doctor tied them (two studies from different hospitals almost never share
a Frame of Reference, so positions are compared relative to where she aligned them)."""

from __future__ import annotations

from collections.abc import Sequence


def synced_position(source_anchor: float, source_now: float, target_anchor: float) -> float:
    """Where the target cell should be (mm along its normal): its anchor moved by as much as
    the source moved from its own anchor."""
    return target_anchor + (source_now - source_anchor)


def nearest_slice(positions: Sequence[float | None], wanted: float) -> int | None:
    """Index of the slice whose position (mm) is nearest ``wanted``; slices without a
    position are never chosen; None when no slice has one."""
    known = [(abs(p - wanted), i) for i, p in enumerate(positions) if p is not None]
    return min(known)[1] if known else None
