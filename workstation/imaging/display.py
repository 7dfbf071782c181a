"""The one display chain for grey images, in the order of the standard (PS3.4 N.2.1,
PS3.3 C.11): stored value → modality LUT (rescale or LUT Sequence) → VOI (window or VOI
LUT Sequence) → presentation (MONOCHROME1 / Presentation LUT Shape: one inversion, as
DCMTK does) → the doctor's own inversion → 8-bit grey; overlays are drawn on top.

For stored values of 8 or 16 bits the chain is evaluated once for every value a frame
can hold and kept as a lookup table (``GreyLut``): the screen, ``render``, key images and
the PDF all map pixels through that table, so a window/level change is a new table of at
most 65,536 entries and never a re-computation of the image. Wider pixels (32-bit dose
grids) go through the same functions value by value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workstation.imaging.decode import DicomImage, Lut
from workstation.imaging.frames import frame_rescale, frame_windows
from workstation.imaging.padding import padding_mask
from workstation.imaging.voi import (
    FloatArray,
    PresentationLutShape,
    Window,
    apply_window,
    auto_window,
    full_range_window,
    lut_lookup,
    rescale,
    to_uint8,
)

Voi = Window | Lut  # a window, or the file's VOI LUT Sequence item
MAX_LUT_ENTRIES = 65_536


@dataclass(frozen=True)
class StateSteps:
    """A presentation state's steps in place of the image's own (PS3.4 N.2.1.4: a state's
    pipeline defines the whole display, so the image's Photometric Interpretation and
    Presentation LUT Shape are ignored). ``modality``: the state's Modality LUT table (None:
    ``rescale``, else the image's own modality step, the state's rescale having been carried
    into the window); ``rescale``: the state's Rescale Slope, Intercept where its VOI is a
    table (which no line carries across); ``presentation``: its Presentation LUT Shape, or
    its Presentation LUT table (entries are P-values, input 0 … entries − 1)."""

    modality: Lut | None = None
    presentation: PresentationLutShape | Lut = PresentationLutShape.IDENTITY
    rescale: tuple[float, float] | None = None


@dataclass(frozen=True, eq=False)
class GreyLut:
    """Display grey for every stored value of a frame: grey = ``table[stored - offset]``."""

    table: npt.NDArray[np.uint8]
    offset: int  # the stored value mapped by table[0]


def presentation_inverts(image: DicomImage) -> bool:
    """True when the presentation step shows low values white.

    An explicit Presentation LUT Shape decides (INVERSE inverts, IDENTITY does not, whatever
    the photometric interpretation); without one MONOCHROME1 inverts. DX and MG files carry
    INVERSE with MONOCHROME1: that is the single inversion, never a second one.
    """
    shape = image.presentation_lut_shape
    if shape is not None:
        return shape is PresentationLutShape.INVERSE
    return image.photometric == "MONOCHROME1"


def state_inverts(image: DicomImage, steps: StateSteps | None) -> bool:
    """True when low values show white: by a presentation state's shape when one is in
    effect (a table never counts as an inversion here), else as ``presentation_inverts``."""
    if steps is None:
        return presentation_inverts(image)
    return steps.presentation is PresentationLutShape.INVERSE


def presentation_table(display: FloatArray, table: Lut) -> FloatArray:
    """A Presentation LUT Sequence on VOI output in [0, 255]: that range is scaled onto the
    table's input 0 … entries − 1 (PS3.3 C.11.6.1), its P-values (0 … 2^bits − 1) back to
    [0, 255]. Both scalings truncate, as DCMTK does (the standard names no rounding)."""
    entries = len(table.data)
    index = np.floor(np.asarray(display) * ((entries - 1) / 255.0))
    values = lut_lookup(index, table.data, 0)
    return np.floor(values * (255.0 / float(2**table.bits - 1)))


def to_modality(
    image: DicomImage, frame: int, stored: npt.NDArray[Any], steps: StateSteps | None = None
) -> FloatArray:
    """Modality step: stored values (any part of a grey frame) through a presentation
    state's Modality LUT table (``steps``), else the image's Modality LUT Sequence or the
    frame's rescale, in modality units (HU for CT). Raises IndexError for a frame outside
    0 … frames − 1."""
    if steps is not None and steps.modality is not None:
        return lut_lookup(stored, steps.modality.data, steps.modality.first_mapped)
    if steps is not None and steps.rescale is not None:
        return rescale(stored, *steps.rescale)
    slope, intercept = frame_rescale(image, frame)
    if image.modality_lut is not None:
        return lut_lookup(stored, image.modality_lut.data, image.modality_lut.first_mapped)
    return rescale(stored, slope, intercept)


def modality_values(image: DicomImage, frame: int = 0) -> FloatArray:
    """A whole grey frame in modality units. Raises IndexError for a bad frame."""
    return to_modality(image, frame, image.pixels[frame])


def default_voi(image: DicomImage, frame: int = 0) -> Voi:
    """What the file asks for when the doctor has chosen nothing: its VOI LUT Sequence, else
    the frame's first window, else the full range of the frame's modality values."""
    if image.voi_lut is not None:
        return image.voi_lut
    windows = frame_windows(image, frame)
    return windows[0] if windows else frame_full_range(image, frame)


def frame_full_range(image: DicomImage, frame: int = 0) -> Window:
    """The full range of a grey frame's modality values, padding and non-finite values
    left out (a CT's −3024 HU outside the field of view must not flatten the contrast).
    Only the stored extremes go through the modality step, so a large frame is never
    copied as floats. Raises IndexError."""
    stored = image.pixels[frame]
    exclude = padding_mask(image, frame)
    if stored.dtype.kind == "f":
        finite = np.isfinite(stored)
        exclude = ~finite if exclude is None else exclude | ~finite
    kept = stored if exclude is None else stored[~exclude]
    if kept.size == 0:
        kept = np.zeros(1, dtype=stored.dtype)
    low, high = kept.min(), kept.max()
    if image.modality_lut is not None and stored.dtype.kind in "ui":
        span = np.arange(int(low), int(high) + 1, dtype=np.int64)
        values = to_modality(image, frame, span)
    else:
        values = to_modality(image, frame, np.array([low, high]))
    return full_range_window(values)


def frame_auto_window(image: DicomImage, frame: int = 0) -> Window:
    """The 1st–99th percentile window of a grey frame, padding left out. Raises IndexError."""
    return auto_window(modality_values(image, frame), exclude=padding_mask(image, frame))


def voi_display(values: npt.ArrayLike, voi: Voi) -> FloatArray:
    """VOI step: modality values to display values in [0, 255] (unrounded).

    A VOI LUT's output range 0 … 2^bits − 1 is scaled to 0 … 255.
    """
    if isinstance(voi, Lut):
        mapped = lut_lookup(np.asarray(values), voi.data, voi.first_mapped)
        return mapped * (255.0 / float(2**voi.bits - 1))
    return apply_window(values, voi)


def grey_of(
    image: DicomImage,
    frame: int,
    stored: npt.NDArray[Any],
    voi: Voi,
    invert: bool = False,
    steps: StateSteps | None = None,
) -> npt.NDArray[np.uint8]:
    """The whole chain on stored values: modality → VOI → presentation → the doctor's
    inversion (``invert``) → 8-bit grey; ``steps``: a presentation state's modality and
    presentation steps in place of the image's. Raises IndexError for a bad frame,
    ValueError for a window the standard forbids."""
    modality = to_modality(image, frame, stored, steps)
    # a non-finite value (NaN-marked dose or parametric maps) shows black, not the frame
    display = np.nan_to_num(voi_display(modality, voi), nan=0.0)
    if steps is not None and isinstance(steps.presentation, Lut):
        display = presentation_table(display, steps.presentation)
    grey = to_uint8(display)
    if state_inverts(image, steps) != invert:
        grey = np.subtract(255, grey, dtype=np.uint8)
    return grey


def stored_domain(image: DicomImage) -> tuple[int, int] | None:
    """(first stored value, count) of every value the pixel dtype can hold, or None when
    a lookup table would be too large (pixels wider than 16 bits, floats, colour)."""
    dtype = image.pixels.dtype
    if image.is_color or dtype.kind not in "ui" or dtype.itemsize > 2:
        return None
    size = 2 ** (8 * dtype.itemsize)
    return (0, size) if dtype.kind == "u" else (-size // 2, size)


def grey_lut(
    image: DicomImage,
    frame: int,
    voi: Voi,
    invert: bool = False,
    steps: StateSteps | None = None,
) -> GreyLut | None:
    """The chain for every stored value a frame can hold, as a table; None when the pixels
    are too wide for one (then use ``grey_of`` on the pixels). ``steps`` as in
    ``grey_of``. Raises IndexError for a bad frame, ValueError for a window the standard
    forbids."""
    domain = stored_domain(image)
    if domain is None:
        return None
    offset, size = domain
    stored = np.arange(offset, offset + size, dtype=np.int64)
    return GreyLut(grey_of(image, frame, stored, voi, invert, steps), offset)


def lut_indices(stored: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Table indices of 8/16-bit stored values (``stored − offset`` of ``stored_domain``),
    as unsigned integers of the same width; no copy for unsigned input."""
    dtype = stored.dtype
    if not dtype.isnative:  # big-endian files decoded without a byte swap
        dtype = dtype.newbyteorder("=")
        stored = stored.astype(dtype)
    if dtype.kind == "u":
        return stored
    unsigned = np.dtype(f"u{dtype.itemsize}")
    flip = np.array(1 << (8 * dtype.itemsize - 1), unsigned)
    indices: npt.NDArray[Any] = np.bitwise_xor(np.ascontiguousarray(stored).view(unsigned), flip)
    return indices


def apply_grey_lut(lut: GreyLut, stored: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """Grey for 8/16-bit stored values through a table from ``grey_lut``."""
    return np.take(lut.table, lut_indices(stored))


def overlay_masks(image: DicomImage, frame: int) -> list[tuple[npt.NDArray[np.bool_], int, int]]:
    """The overlay planes (60xx) that apply to ``frame``: (mask, top row, left column)."""
    found = []
    for overlay in image.overlays:
        mask = overlay.frame_mask(frame)  # None: the overlay belongs to other frames
        if mask is not None:
            found.append((mask, *overlay.origin))
    return found


def overlay_plane(image: DicomImage, frame: int) -> npt.NDArray[np.bool_] | None:
    """All overlays of a frame in one rows × columns mask (True where drawn), or None."""
    masks = overlay_masks(image, frame)
    if not masks:
        return None
    plane = np.zeros((image.rows, image.columns), dtype=bool)
    for mask, top, left in masks:
        r0, c0 = max(top, 0), max(left, 0)
        r1 = min(top + mask.shape[0], image.rows)
        c1 = min(left + mask.shape[1], image.columns)
        if r1 > r0 and c1 > c0:
            plane[r0:r1, c0:c1] |= mask[r0 - top : r1 - top, c0 - left : c1 - left]
    return plane


def render_frame(
    image: DicomImage,
    frame: int = 0,
    window: Voi | None = None,
    invert: bool = False,
    steps: StateSteps | None = None,
) -> npt.NDArray[np.uint8]:
    """8-bit pixels of one frame at native resolution, overlays drawn white on top:
    rows × columns (grey) or rows × columns × 3 (RGB).

    Grey frames go through the chain with ``window`` (modality units) or, without one, what
    the file asks for (``default_voi``); ``steps``: a presentation state's steps (see
    ``grey_of``). Raises IndexError for a bad frame, ValueError for a window the standard
    forbids.
    """
    if not 0 <= frame < image.frames:
        raise IndexError(f"frame {frame} of {image.frames}")
    if image.is_color:
        grey = colour_frame(image, frame)
    else:
        voi: Voi = window if window is not None else default_voi(image, frame)
        stored = image.pixels[frame]
        lut = grey_lut(image, frame, voi, invert, steps)
        grey = (
            apply_grey_lut(lut, stored)
            if lut is not None
            else grey_of(image, frame, stored, voi, invert, steps)
        )
    plane = overlay_plane(image, frame)
    if plane is not None:
        grey = grey.copy()
        grey[plane] = 255
    return grey


def colour_frame(image: DicomImage, frame: int) -> npt.NDArray[np.uint8]:
    """An RGB frame as 8-bit samples (16-bit samples scaled from ``bits_stored``)."""
    rgb = image.pixels[frame]
    if rgb.dtype == np.uint8:
        return np.ascontiguousarray(rgb)
    top = float(2**image.bits_stored - 1)
    return to_uint8(rgb.astype(np.float64) / top * 255.0)
