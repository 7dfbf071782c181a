"""Modality LUT, VOI windowing and presentation steps (DICOM PS3.3 C.11), as pure functions.

Every function takes and returns numpy arrays and never changes its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class PresentationLutShape(Enum):
    """Presentation LUT Shape (2050,0020): how VOI output becomes P-values."""

    IDENTITY = "IDENTITY"
    INVERSE = "INVERSE"


class VoiFunction(Enum):
    """VOI LUT Function (0028,1056)."""

    LINEAR = "LINEAR"
    LINEAR_EXACT = "LINEAR_EXACT"
    SIGMOID = "SIGMOID"


@dataclass(frozen=True)
class Window:
    """A VOI window in modality units (HU for CT)."""

    center: float
    width: float
    function: VoiFunction = VoiFunction.LINEAR
    explanation: str = ""

    @property
    def low(self) -> float:
        """Lowest value shown above black (modality units)."""
        return self.center - self.width / 2

    @property
    def high(self) -> float:
        """Value at and above which white is shown."""
        return self.center + self.width / 2


def rescale(stored: npt.NDArray[np.generic], slope: float, intercept: float) -> FloatArray:
    """Modality LUT as Rescale Slope/Intercept: output = stored × slope + intercept."""
    return np.asarray(stored, dtype=np.float64) * slope + intercept


def lut_lookup(
    stored: npt.NDArray[np.generic], lut: npt.NDArray[np.generic], first_mapped: int
) -> FloatArray:
    """A LUT Sequence (modality or VOI): values below ``first_mapped`` take the first entry,
    values past the end take the last (PS3.3 C.11.1.1)."""
    index = np.clip(np.asarray(stored, dtype=np.int64) - first_mapped, 0, len(lut) - 1)
    return np.asarray(lut, dtype=np.float64)[index]


def apply_window(
    values: npt.ArrayLike, window: Window, out_min: float = 0.0, out_max: float = 255.0
) -> FloatArray:
    """Map modality values through a VOI window to [out_min, out_max] (unrounded).

    LINEAR follows C.11.2.1.2.1 (with its −0.5 and width−1 terms), LINEAR_EXACT
    C.11.2.1.3.2, SIGMOID C.11.2.1.3.1. Raises ValueError for a width the standard forbids.
    """
    x = np.asarray(values, dtype=np.float64)
    c, w = window.center, window.width
    span = out_max - out_min
    if window.function is VoiFunction.SIGMOID:
        if w <= 0:
            raise ValueError("window width must be > 0")
        return span / (1.0 + np.exp(-4.0 * (x - c) / w)) + out_min
    if window.function is VoiFunction.LINEAR_EXACT:
        if w <= 0:
            raise ValueError("window width must be > 0")
        y = ((x - c) / w + 0.5) * span + out_min
        return np.clip(y, out_min, out_max)
    if w < 1:
        raise ValueError("window width must be ≥ 1 for LINEAR")
    if w == 1:
        return np.where(x <= c - 0.5, out_min, out_max).astype(np.float64)
    y = ((x - (c - 0.5)) / (w - 1) + 0.5) * span + out_min
    return np.clip(y, out_min, out_max)


def _kept(
    values: npt.NDArray[np.generic], exclude: npt.ArrayLike | None
) -> npt.NDArray[np.generic]:
    """``values`` without the pixels ``exclude`` marks (e.g. padding); all of them when
    nothing would be left or no mask is given. Raises ValueError for a mask of another
    shape."""
    if exclude is None:
        return values
    mask = np.asarray(exclude, dtype=bool)
    if mask.shape != values.shape:
        raise ValueError(f"mask shape {mask.shape} differs from values shape {values.shape}")
    kept = values[~mask]
    return kept if kept.size else values


def full_range_window(values: npt.ArrayLike, exclude: npt.ArrayLike | None = None) -> Window:
    """A LINEAR_EXACT window spanning the data's minimum to maximum (no file window).

    ``exclude``: optional boolean mask of ``values``' shape; True pixels (padding) are left
    out. Raises ValueError for an empty array or a mask of another shape.
    """
    x = _kept(np.asarray(values), exclude)
    low, high = float(np.min(x)), float(np.max(x))
    width = max(high - low, 1.0)
    return Window(low + width / 2, width, VoiFunction.LINEAR_EXACT, "full range")


def auto_window(
    values: npt.ArrayLike,
    low_percent: float = 1.0,
    high_percent: float = 99.0,
    exclude: npt.ArrayLike | None = None,
) -> Window:
    """A LINEAR window over the bulk of the data: from the ``low_percent`` to the
    ``high_percent`` percentile of the values (modality units), so that a few extreme
    pixels (metal, padding, burned-in text) do not flatten the contrast. Large frames are
    sampled (every n-th pixel) to stay fast. ``exclude``: optional boolean mask of
    ``values``' shape; True pixels (padding) are left out. Raises ValueError for an empty
    array or a mask of another shape."""
    x = np.asarray(values)
    if x.size == 0:
        raise ValueError("no values to window")
    mask = None if exclude is None else np.asarray(exclude, dtype=bool)
    if mask is not None and mask.shape != x.shape:
        raise ValueError(f"mask shape {mask.shape} differs from values shape {x.shape}")
    step = max(1, int(np.sqrt(x.size / 250_000)))
    if x.ndim == 2:
        sample, part = x[::step, ::step], None if mask is None else mask[::step, ::step]
    else:
        sample = x.ravel()[:: step * step]
        part = None if mask is None else mask.ravel()[:: step * step]
    sample = _kept(sample, part)
    low, high = (
        float(v) for v in np.percentile(sample.astype(np.float64), [low_percent, high_percent])
    )
    width = max(high - low, 1.0)
    return Window(low + width / 2, width, VoiFunction.LINEAR, "auto")


def to_uint8(display: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """Round display values in [0, 255] to 8-bit grey."""
    return np.clip(np.rint(np.asarray(display, dtype=np.float64)), 0, 255).astype(np.uint8)
