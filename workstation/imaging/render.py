"""What the viewer shows for one frame, as 8-bit grey or RGB at native resolution."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.imaging.decode import DicomImage
from workstation.imaging.frames import frame_rescale, frame_windows
from workstation.imaging.voi import (
    FloatArray,
    Window,
    apply_window,
    full_range_window,
    invert,
    lut_lookup,
    rescale,
    to_uint8,
)


def to_modality(image: DicomImage, frame: int, stored: npt.NDArray[Any]) -> FloatArray:
    """Stored values from (any part of) a grey frame through the modality LUT or the frame's
    rescale (HU for CT). Raises IndexError for a frame outside 0 … frames − 1."""
    slope, intercept = frame_rescale(image, frame)
    if image.modality_lut is not None:
        return lut_lookup(stored, image.modality_lut.data, image.modality_lut.first_mapped)
    return rescale(stored, slope, intercept)


def modality_values(image: DicomImage, frame: int = 0) -> FloatArray:
    """A whole grey frame in modality units (HU for CT). Raises IndexError for a frame
    outside 0 … frames − 1."""
    return to_modality(image, frame, image.pixels[frame])


def default_window(image: DicomImage, values: FloatArray, frame: int = 0) -> Window:
    """The frame's first VOI window from the file, else the full range of ``values`` (the
    frame's modality output). Raises IndexError for a frame outside 0 … frames − 1."""
    windows = frame_windows(image, frame)
    return windows[0] if windows else full_range_window(values)


def render_frame(
    image: DicomImage, frame: int = 0, window: Window | None = None
) -> npt.NDArray[np.uint8]:
    """8-bit pixels of one frame: rows × columns (grey) or rows × columns × 3 (RGB).

    Grey: modality LUT or the frame's rescale → VOI (``window``, else the file's VOI LUT or
    the frame's first window, else the full range) → MONOCHROME1 / INVERSE inversion.
    Raises IndexError for a bad frame.
    """
    if not 0 <= frame < image.frames:
        raise IndexError(f"frame {frame} of {image.frames}")
    if image.is_color:
        rgb = image.pixels[frame]
        if rgb.dtype == np.uint8:
            return np.ascontiguousarray(rgb)
        top = float(2**image.bits_stored - 1)
        return to_uint8(rgb.astype(np.float64) / top * 255.0)
    values = modality_values(image, frame)
    if window is None and image.voi_lut is not None:
        lut = image.voi_lut
        mapped = lut_lookup(values, lut.data, lut.first_mapped)
        display = mapped / float(2**lut.bits - 1) * 255.0
    else:
        display = apply_window(values, window or default_window(image, values, frame))
    grey = to_uint8(display)
    if (image.photometric == "MONOCHROME1") != image.presentation_inverse:
        grey = invert(grey)
    return burn_overlays(grey, image, frame)


def burn_overlays(
    grey: npt.NDArray[np.uint8], image: DicomImage, frame: int
) -> npt.NDArray[np.uint8]:
    """Draw the image's overlay planes (60xx) in white on top of a grey frame."""
    if not image.overlays:
        return grey
    out = grey.copy()
    rows, columns = out.shape
    for overlay in image.overlays:
        mask = overlay.mask[min(frame, overlay.mask.shape[0] - 1)]
        top, left = overlay.origin
        r0, c0 = max(top, 0), max(left, 0)
        r1 = min(top + mask.shape[0], rows)
        c1 = min(left + mask.shape[1], columns)
        if r1 <= r0 or c1 <= c0:
            continue
        part = mask[r0 - top : r1 - top, c0 - left : c1 - left]
        out[r0:r1, c0:c1][part] = 255
    return out
