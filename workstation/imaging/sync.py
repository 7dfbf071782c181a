"""Synchronized scrolling of cells that show different studies: each cell keeps the offset
it had when the doctor tied them (two studies from different hospitals almost never share
a Frame of Reference, so positions are compared relative to where she aligned them)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def synced_position(source_anchor: float, source_now: float, target_anchor: float) -> float:
    """Where the target cell should be (mm along its normal): its anchor moved by as much as
    the source moved from its own anchor."""
    return target_anchor + (source_now - source_anchor)


def beyond_stack(positions: Sequence[float | None], wanted: float) -> bool:
    """Whether ``wanted`` (mm) lies outside the stack, farther beyond its first or last
    slice than half a slice spacing (the nearest slice then shows other anatomy: the
    current scan reaches further than the prior). False for fewer than two positions."""
    known = sorted(p for p in positions if p is not None)
    if len(known) < 2:
        return False
    steps = sorted(b - a for a, b in itertools.pairwise(known) if b > a)
    half = steps[len(steps) // 2] / 2 if steps else 0.0
    return wanted < known[0] - half - 1e-6 or wanted > known[-1] + half + 1e-6


def nearest_slice(positions: Sequence[float | None], wanted: float) -> int | None:
    """Index of the slice whose position (mm) is nearest ``wanted``; slices without a
    position are never chosen; None when no slice has one."""
    known = [(abs(p - wanted), i) for i, p in enumerate(positions) if p is not None]
    return min(known)[1] if known else None


Range = tuple[tuple[float, float], tuple[float, float]]
"""A view's visible ((x0, x1), (y0, y1)) in view millimetres."""


def zoom_like(
    source_range: Range,
    source_image_mm: tuple[float, float],
    source_screen_px: tuple[int, int],
    target_image_mm: tuple[float, float],
    target_screen_px: tuple[int, int],
) -> Range:
    """The range a target cell shows to match the source's zoom and pan.

    Zoom is matched as physical scale (the same millimetres per screen pixel, so a 10 mm
    nodule is as large in the prior as in the current study); pan as the same relative
    place in each image (the source's centre at 40 % of its width puts the target's at
    40 % of its own). Images are (width, height) in view millimetres, screens (width,
    height) in pixels. Copying the range itself would show a 3000-pixel film's range on a
    small ultrasound: the image tiny and off-centre.
    """
    (x0, x1), (y0, y1) = source_range
    source_w, source_h = source_image_mm
    target_w, target_h = target_image_mm
    mm_per_px = max((x1 - x0) / max(source_screen_px[0], 1), 1e-9)
    centre_x = (x0 + x1) / 2 / max(source_w, 1e-9) * target_w
    centre_y = (y0 + y1) / 2 / max(source_h, 1e-9) * target_h
    half_w = mm_per_px * target_screen_px[0] / 2
    half_h = mm_per_px * target_screen_px[1] / 2
    return ((centre_x - half_w, centre_x + half_w), (centre_y - half_h, centre_y + half_h))
