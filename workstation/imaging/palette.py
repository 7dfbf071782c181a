"""PALETTE COLOR (PS3.3 C.7.6.3.1.5-6 and C.7.9): stored values to RGB through the red,
green and blue Palette Color Lookup Tables, plain or segmented, in any byte order.

pydicom's apply_color_lut reads plain table data in the machine's byte order, which
gives wrong colours for big-endian files; this module reads the words in the file's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from workstation.imaging.errors import DecodeError
from workstation.imaging.lut_data import descriptor, entries_from_words, first_mapped, lut_words

CHANNELS = ("Red", "Green", "Blue")


@dataclass(frozen=True)
class Palette:
    """The three expanded tables (one entry per input value from ``first_mapped``)."""

    tables: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]
    first_mapped: int
    bits: int  # bits per entry: the output range is 0 … 2**bits − 1

    @property
    def dtype(self) -> np.dtype[Any]:
        """The smallest unsigned dtype that holds an entry."""
        return np.dtype(np.uint8 if self.bits <= 8 else np.uint16)


def _units(words: npt.NDArray[np.uint16], bits: int) -> npt.NDArray[np.int64]:
    """Segmented data as values of the entry size: 16-bit words, or with 8 bits per entry
    the bytes of the words, low byte first."""
    if bits > 8:
        return words.astype(np.int64)
    return np.stack([words & 0xFF, words >> 8], axis=1).ravel().astype(np.int64)


MAX_SEGMENT_STEPS = 300_000  # 65,536 one-entry segments per channel is the real worst case


class _Expansion:
    """Expands segments (C.7.9.2) into at most ``entries`` values; bounded work whatever
    the data say."""

    def __init__(self, units: npt.NDArray[np.int64], entries: int, unit_bytes: int) -> None:
        self.units, self.entries, self.unit_bytes = units, entries, unit_bytes
        self.out: list[int] = []
        self.steps = 0  # segments walked: empty segments emit nothing but still cost time

    def _take(self, pos: int, count: int) -> npt.NDArray[np.int64]:
        if count < 0 or pos + count > len(self.units):
            raise DecodeError("a segmented palette ends inside a segment")
        return self.units[pos : pos + count]

    def _emit(self, values: npt.ArrayLike) -> None:
        self.out.extend(int(v) for v in np.asarray(values).ravel())
        if len(self.out) > self.entries:
            raise DecodeError(f"a segmented palette expands to more than {self.entries} entries")

    def segment(self, pos: int, indirect_allowed: bool) -> int:
        """Expand the segment at ``pos``; return the position after it."""
        self.steps += 1
        if self.steps > MAX_SEGMENT_STEPS:
            raise DecodeError("a segmented palette has too many segments to be real")
        opcode, length = (int(v) for v in self._take(pos, 2))
        pos += 2
        if opcode == 0:  # discrete
            self._emit(self._take(pos, length))
            return pos + length
        if opcode == 1:  # linear from the previous segment's end
            if not self.out:
                raise DecodeError("a segmented palette starts with a linear segment")
            y0, y1 = self.out[-1], int(self._take(pos, 1)[0])
            steps = np.arange(1, length + 1, dtype=np.float64)
            self._emit(np.floor(y0 + (y1 - y0) * steps / max(length, 1) + 0.5))
            return pos + 1
        if opcode == 2 and indirect_allowed:
            return self._indirect(pos, length)
        raise DecodeError(f"a segmented palette has a segment of unknown type {opcode}")

    def _indirect(self, pos: int, count: int) -> int:
        """Copy ``count`` earlier segments from a byte offset (low 16 bits first); they may
        not be indirect themselves (C.7.9.2.3), so there is no recursion."""
        if not self.out:
            raise DecodeError("a segmented palette starts with an indirect segment")
        size = 4 // self.unit_bytes
        parts = [int(v) for v in self._take(pos, size)]
        if self.unit_bytes == 2:
            offset = parts[0] | parts[1] << 16
        else:
            offset = parts[0] | parts[1] << 8 | parts[2] << 16 | parts[3] << 24
        target = offset // self.unit_bytes
        for _ in range(count):
            if len(self.out) >= self.entries:
                break
            target = self.segment(target, indirect_allowed=False)
        return pos + size

    def run(self) -> npt.NDArray[np.int64]:
        pos = 0
        while pos + 1 < len(self.units) and len(self.out) < self.entries:
            pos = self.segment(pos, indirect_allowed=True)
        if len(self.out) != self.entries:
            raise DecodeError(
                f"a segmented palette expands to {len(self.out)} entries, not {self.entries}"
            )
        return np.asarray(self.out, dtype=np.int64)


def _table(
    ds: Dataset, channel: str, little_endian: bool
) -> tuple[npt.NDArray[np.int64], int, int]:
    """One channel's expanded table, its first mapped pattern and bits per entry."""
    what = f"{channel.lower()} palette"
    desc = ds.get(f"{channel}PaletteColorLookupTableDescriptor")
    if desc is None:
        raise DecodeError(f"the {what} has no descriptor")
    entries, pattern, bits = descriptor(desc, what)
    plain = ds.get(f"{channel}PaletteColorLookupTableData")
    segmented = ds.get(f"Segmented{channel}PaletteColorLookupTableData")
    if plain is not None:
        data = entries_from_words(lut_words(plain, little_endian), entries, bits, what)
    elif segmented is not None:
        units = _units(lut_words(segmented, little_endian), bits)
        data = _Expansion(units, entries, 1 if bits <= 8 else 2).run()
    else:
        raise DecodeError(f"the {what} has no data")
    return data & ((1 << bits) - 1), pattern, bits


def read_palette(ds: Dataset, little_endian: bool) -> Palette:
    """The Palette Color Lookup Tables of a PALETTE COLOR image. Raises DecodeError when a
    table is missing, broken or the three disagree on their layout."""
    tables = [_table(ds, channel, little_endian) for channel in CHANNELS]
    if len({(len(t), pattern, bits) for t, pattern, bits in tables}) != 1:
        raise DecodeError("the red, green and blue palettes have different descriptors")
    signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
    _, pattern, bits = tables[0]
    return Palette((tables[0][0], tables[1][0], tables[2][0]), first_mapped(pattern, signed), bits)


def apply_palette(indices: npt.NDArray[np.integer], palette: Palette) -> npt.NDArray[np.integer]:
    """RGB (… × 3) of stored values through the palette; values below the first mapped
    take the first entry, values past the end the last. Works frame by frame so the index
    arrays stay small."""
    rgb = np.stack(palette.tables, axis=-1).astype(palette.dtype)
    out = np.empty((*indices.shape, 3), dtype=palette.dtype)
    flat_in = indices.reshape(-1, *indices.shape[-2:]) if indices.ndim >= 2 else indices[None]
    flat_out = out.reshape(-1, *flat_in.shape[1:], 3)
    last = len(rgb) - 1
    for i, frame in enumerate(flat_in):
        index = np.clip(frame.astype(np.int64) - palette.first_mapped, 0, last)
        flat_out[i] = rgb[index]
    return out
