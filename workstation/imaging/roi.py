"""Region statistics in modality units (HU for CT) for an ellipse or rectangle drawn in mm."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class RegionStats:
    """Statistics of the pixels inside a region."""

    mean: float
    sd: float
    minimum: float
    maximum: float
    pixels: int  # pixels the statistics count (padding left out)
    area_mm2: float | None  # the region's area, padding included; None when uncalibrated
    excluded: int = 0  # pixels inside the region left out as padding


def region_stats(
    values: npt.NDArray[Any],
    box_mm: tuple[float, float, float, float],
    spacing_mm: tuple[float, float] | None,
    ellipse: bool = True,
    convert: Callable[[npt.NDArray[Any]], npt.NDArray[Any]] | None = None,
    exclude: npt.NDArray[np.bool_] | None = None,
) -> RegionStats | None:
    """Stats of ``values`` (rows × columns) inside the box (x, y, width, height in mm from
    the image's top-left corner; pixels when ``spacing_mm`` is None), in modality units:
    ``values`` are in them already, or ``convert`` takes the box's part of them there (so
    a small region of a large radiograph converts only its own pixels). A pixel belongs to
    the region when its centre does. ``exclude``: optional boolean mask of ``values``' shape
    (padding, see padding.padding_mask); its True pixels are left out of the statistics
    but not of the area. None when no pixel is inside, or every pixel inside is excluded.
    Raises ValueError for a mask of another shape."""
    if exclude is not None and exclude.shape != values.shape[:2]:
        raise ValueError(f"mask shape {exclude.shape} differs from values shape {values.shape}")
    row_mm, col_mm = spacing_mm or (1.0, 1.0)
    x, y, width, height = box_mm
    c0, c1 = (
        max(int(np.floor(x / col_mm)), 0),
        min(int(np.ceil((x + width) / col_mm)), values.shape[1]),
    )
    r0, r1 = (
        max(int(np.floor(y / row_mm)), 0),
        min(int(np.ceil((y + height) / row_mm)), values.shape[0]),
    )
    if c1 <= c0 or r1 <= r0:
        return None
    rows = (np.arange(r0, r1) + 0.5) * row_mm
    cols = (np.arange(c0, c1) + 0.5) * col_mm
    inside = np.ones((r1 - r0, c1 - c0), dtype=bool)
    if ellipse:
        cy, cx = y + height / 2, x + width / 2
        ry, rx = max(height / 2, 1e-9), max(width / 2, 1e-9)
        inside = ((rows[:, None] - cy) / ry) ** 2 + ((cols[None, :] - cx) / rx) ** 2 <= 1.0
    else:
        inside = (
            (rows[:, None] >= y)
            & (rows[:, None] <= y + height)
            & (cols[None, :] >= x)
            & (cols[None, :] <= x + width)
        )
    region = int(np.count_nonzero(inside))
    if exclude is not None:
        inside = inside & ~exclude[r0:r1, c0:c1]
    block = values[r0:r1, c0:c1]
    chosen = np.asarray(convert(block) if convert else block, dtype=np.float64)[inside]
    if chosen.size == 0:
        return None
    area = float(region * row_mm * col_mm) if spacing_mm else None
    return RegionStats(
        float(chosen.mean()),
        float(chosen.std()),
        float(chosen.min()),
        float(chosen.max()),
        int(chosen.size),
        area,
        region - int(chosen.size),
    )


def angle_degrees(
    a: tuple[float, float], vertex: tuple[float, float], b: tuple[float, float]
) -> float:
    """The angle at ``vertex`` between the lines to ``a`` and ``b``, in degrees (0–180),
    from coordinates in mm. 0 when a line has no length."""
    ax, ay = a[0] - vertex[0], a[1] - vertex[1]
    bx, by = b[0] - vertex[0], b[1] - vertex[1]
    na, nb = float(np.hypot(ax, ay)), float(np.hypot(bx, by))
    if na == 0 or nb == 0:
        return 0.0
    cosine = max(-1.0, min(1.0, (ax * bx + ay * by) / (na * nb)))
    return float(np.degrees(np.arccos(cosine)))
