"""Pixel Padding Value (0028,0120) and Pixel Padding Range Limit (0028,0121), PS3.3
C.7.5.1.1.2: stored values that are not part of the image (e.g. outside a CT's field of
view), which windows and statistics must leave out."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

if TYPE_CHECKING:
    from workstation.imaging.decode import DicomImage

log = logging.getLogger("workstation.imaging")


def _stored(value: Any, signed: bool) -> int | None:
    """A padding attribute as a stored value: its 16-bit pattern read with the pixels'
    signedness (files code it as US or SS regardless)."""
    if isinstance(value, MultiValue | list | tuple):
        value = value[0] if value else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if -32768 <= number <= 65535:
        pattern = number & 0xFFFF
        return pattern - 65536 if signed and pattern >= 32768 else pattern
    return number  # 32-bit pixels: as given


def read_padding(ds: Dataset) -> tuple[int, int] | None:
    """The inclusive range of stored values that are padding, or None. Only grey images are
    padded (C.7.5.1.1.2); the limit may lie on either side of the value."""
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric not in ("MONOCHROME1", "MONOCHROME2") or "PixelPaddingValue" not in ds:
        return None
    signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
    value = _stored(ds.get("PixelPaddingValue"), signed)
    if value is None:
        log.info("Pixel Padding Value is not a number; ignored")
        return None
    limit = _stored(ds.get("PixelPaddingRangeLimit"), signed)
    limit = value if limit is None else limit
    return min(value, limit), max(value, limit)


def padding_mask(image: DicomImage, frame: int) -> npt.NDArray[np.bool_] | None:
    """True where a grey frame's stored value is padding; None when the image declares no
    padding (or is colour). Raises IndexError for a frame outside 0 … frames − 1."""
    if not 0 <= frame < image.frames:
        raise IndexError(f"frame {frame} of {image.frames}")
    if image.padding is None or image.is_color:
        return None
    stored = image.pixels[frame]
    low, high = image.padding
    if np.issubdtype(stored.dtype, np.integer):
        info = np.iinfo(stored.dtype)
        if high < info.min or low > info.max:
            return np.zeros(stored.shape, dtype=bool)
        low, high = max(low, int(info.min)), min(high, int(info.max))
    return np.asarray((stored >= low) & (stored <= high))
