"""Overlay planes (60xx, PS3.3 C.9.2-C.9.3): separate Overlay Data, multi-frame overlays
placed by Image Frame Origin, and the retired overlays embedded in unused high bits of
native pixel data (PS3.5 8.1.2, still found in older files)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

log = logging.getLogger("workstation.imaging")
GROUPS = range(0x6000, 0x6020, 2)

# Raw pixel words (frames × rows × columns, bits above Bits Stored kept), or None when the
# pixel data are not native; only asked for when an overlay is embedded.
RawPixels = Callable[[], npt.NDArray[np.unsignedinteger] | None]


@dataclass(frozen=True, eq=False)
class Overlay:
    """One overlay plane (60xx): a bit mask placed at ``origin`` (row, column; 0-based).

    ``mask`` holds the overlay's own frames. A multi-frame overlay (one that states Number
    of Frames in Overlay or Image Frame Origin) applies its first frame to image frame
    ``first_frame`` (0-based; Image Frame Origin − 1) and the others one to one after it
    (C.9.3.1.1); a plain single-frame overlay applies to every frame (``every_frame``, as
    DCMTK draws it). Use ``frame_mask`` to get the mask of an image frame.
    """

    mask: npt.NDArray[np.bool_]  # overlay frames × rows × columns
    origin: tuple[int, int]
    label: str = ""
    first_frame: int = 0
    every_frame: bool = False
    embedded: bool = False  # read from unused high bits of the pixel data

    def frame_mask(self, frame: int) -> npt.NDArray[np.bool_] | None:
        """The rows × columns mask drawn on image frame ``frame`` (0-based), or None when
        the overlay does not apply to that frame."""
        index = 0 if self.every_frame else frame - self.first_frame
        if not 0 <= index < self.mask.shape[0]:
            return None
        mask: npt.NDArray[np.bool_] = self.mask[index]
        return mask


def _value(ds: Dataset, group: int, element: int) -> Any:
    found = ds.get((group, element))
    return None if found is None else found.value


def _int(value: Any, default: int) -> int:
    if isinstance(value, MultiValue | list | tuple):
        value = value[0] if value else None
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def _origin(ds: Dataset, group: int) -> tuple[int, int]:
    """Overlay Origin (row, column), 1-based in the file, 0-based here."""
    value = _value(ds, group, 0x0050)
    try:
        return int(value[0]) - 1, int(value[1]) - 1
    except (TypeError, ValueError, IndexError):
        return 0, 0


def _unpacked(data: bytes, vr: str, little_endian: bool, count: int) -> npt.NDArray[np.bool_]:
    """``count`` overlay bits: packed little-endian bit order within 16-bit words, the words
    in the file's byte order when the VR is OW."""
    if vr == "OW" and not little_endian:
        data = np.frombuffer(data[: len(data) // 2 * 2], ">u2").astype("<u2").tobytes()
    bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")
    if len(bits) < count:
        raise ValueError(f"{len(bits)} overlay bits for {count} pixels")
    return bits[:count].astype(bool)


MAX_OVERLAY_BITS = 64 * 1024**2  # 64 MiB of mask: more than any real overlay needs


def _separate(ds: Dataset, group: int, rows: int, columns: int, little_endian: bool) -> Overlay:
    """An overlay with its own Overlay Data, single- or multi-frame."""
    element = ds[(group, 0x3000)]
    frames = max(_int(_value(ds, group, 0x0015), 1), 1)
    data = element.value if isinstance(element.value, bytes) else b""
    image_pixels = int(ds.get("Rows", 0) or 0) * int(ds.get("Columns", 0) or 0)
    limit = max(MAX_OVERLAY_BITS, 4 * image_pixels * max(_int(ds.get("NumberOfFrames"), 1), 1))
    if rows * columns * frames > min(limit, MAX_OVERLAY_BITS * 4):
        raise ValueError(f"an overlay of {rows}×{columns}×{frames} is larger than its image")
    bits = _unpacked(data, str(element.VR), little_endian, rows * columns * frames)
    multi_frame = (group, 0x0015) in ds or (group, 0x0051) in ds
    first = max(_int(_value(ds, group, 0x0051), 1), 1) - 1
    mask = bits.reshape(frames, rows, columns)
    return Overlay(mask, _origin(ds, group), _label(ds, group), first, not multi_frame)


def _embedded(ds: Dataset, group: int, rows: int, columns: int, raw: RawPixels) -> Overlay:
    """An overlay in bit Overlay Bit Position of every pixel: each frame carries its own."""
    position = _int(_value(ds, group, 0x0102), 0)
    stored = int(ds.get("BitsStored", 0) or 0)
    high = int(ds.get("HighBit", stored - 1) or 0)
    if high - stored < position <= high:
        raise ValueError(f"bit {position} holds pixel data")
    if (rows, columns) != (int(ds.get("Rows", 0) or 0), int(ds.get("Columns", 0) or 0)):
        raise ValueError("an embedded overlay must have the image's size")
    words = raw()
    if words is None or position >= words.dtype.itemsize * 8:
        raise ValueError("no native pixel data to hold the overlay bits")
    mask = ((words >> position) & 1).astype(bool).reshape(-1, rows, columns)
    return Overlay(mask, _origin(ds, group), _label(ds, group), embedded=True)


def _label(ds: Dataset, group: int) -> str:
    return str(_value(ds, group, 0x1500) or "")


def read_overlays(ds: Dataset, little_endian: bool, raw: RawPixels) -> tuple[Overlay, ...]:
    """Every overlay plane of ``ds`` that can be read; a broken plane is left out with a
    logged reason (the image is still shown)."""
    found = []
    # only the groups the file has (one pass over its tags; iterating the dataset itself
    # would convert every element): asking each of the 16 groups for its elements cost
    # ~0.25 ms per CT slice, more than the rest of its overlay handling
    tags = ds.keys()
    present = {tag >> 16 for tag in tags if 0x6000 <= tag >> 16 < 0x6020}
    for group in GROUPS:
        if group not in present:
            continue
        rows, columns = _int(_value(ds, group, 0x0010), 0), _int(_value(ds, group, 0x0011), 0)
        separate = (group, 0x3000) in ds
        if rows <= 0 or columns <= 0:
            if separate:
                log.info("overlay %04x not shown: no size", group)
            continue
        try:
            if separate:
                found.append(_separate(ds, group, rows, columns, little_endian))
            elif _int(_value(ds, group, 0x0102), 0) > 0:
                found.append(_embedded(ds, group, rows, columns, raw))
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            log.info("overlay %04x not shown: %s", group, exc)
    return tuple(found)
