"""Reading LUT Descriptor / LUT Data pairs (Modality and VOI LUT Sequences, PS3.3 C.11).

LUT Data (0028,3006) may be encoded as US (numbers) or OW (16-bit words in the file's
byte order; PS3.6). With 8 bits per entry the entries are either one per word or packed
two per word, low byte first (PS3.3 C.11.1.1.1 and its note). Every descriptor is
checked: a LUT that breaks the rules raises DecodeError, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from workstation.imaging.errors import DecodeError
from workstation.imaging.transfer_syntax import transfer_syntax

MAX_ENTRIES = 65536
MIN_BITS, MAX_BITS = 8, 16


@dataclass(frozen=True)
class Lut:
    """A LUT Sequence item: entries and the first stored value mapped."""

    data: npt.NDArray[np.int64]
    first_mapped: int
    bits: int = 16  # bits per entry (third value of the LUT Descriptor)

    def __eq__(self, other: object) -> bool:
        """The same table: the same entries from the same first value, of the same bits
        (the entries compared as numbers, never element-wise truth)."""
        if not isinstance(other, Lut):
            return NotImplemented
        return (
            self.first_mapped == other.first_mapped
            and self.bits == other.bits
            and (self.data is other.data or bool(np.array_equal(self.data, other.data)))
        )

    def __hash__(self) -> int:
        return hash((self.first_mapped, self.bits, len(self.data)))


def is_little_endian(ds: Dataset) -> bool:
    """Byte order of the file ``ds`` was read from (the transfer syntax, else what pydicom
    found while reading); little endian when nothing says otherwise."""
    syntax = transfer_syntax(ds)
    try:
        if syntax is not None and syntax.is_transfer_syntax:
            return bool(syntax.is_little_endian)
    except (AttributeError, ValueError):
        pass
    encoding = getattr(ds, "original_encoding", (None, None))
    return encoding[1] is not False


def lut_words(value: Any, little_endian: bool) -> npt.NDArray[np.uint16]:
    """A US or OW value as 16-bit words: OW bytes are read in the file's byte order, US
    numbers are taken as they are (signed values as their 16-bit pattern). Raises
    DecodeError for a value that is neither."""
    if value is None:
        return np.zeros(0, np.uint16)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return np.frombuffer(raw[: len(raw) // 2 * 2], "<u2" if little_endian else ">u2").astype(
            np.uint16
        )
    numbers = [value] if isinstance(value, int) else list(value)
    try:
        array = np.asarray(numbers, dtype=np.int64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DecodeError("the LUT data are not numbers") from exc
    if array.ndim != 1 or (array.size and (array.min() < -32768 or array.max() > 65535)):
        raise DecodeError("the LUT data are not 16-bit values")
    return (array & 0xFFFF).astype(np.uint16)


def descriptor(value: Any, what: str) -> tuple[int, int, int]:
    """Number of entries (0 means 65,536), first mapped value as its 16-bit pattern, and
    bits per entry. Raises DecodeError when the descriptor breaks PS3.3 C.11.1.1."""
    try:
        numbers = [int(v) for v in value]
    except (TypeError, ValueError) as exc:
        raise DecodeError(f"the {what} descriptor is not three numbers") from exc
    if len(numbers) != 3:
        raise DecodeError(f"the {what} descriptor has {len(numbers)} values instead of 3")
    entries, first, bits = numbers
    entries = MAX_ENTRIES if entries == 0 else entries
    if not 0 < entries <= MAX_ENTRIES:
        raise DecodeError(f"the {what} claims {entries} entries (at most 65,536 are allowed)")
    if not MIN_BITS <= bits <= MAX_BITS:
        raise DecodeError(f"the {what} claims {bits} bits per entry (8 to 16 are allowed)")
    if not -32768 <= first <= 65535:
        raise DecodeError(f"the {what} first mapped value {first} is not a 16-bit value")
    return entries, first & 0xFFFF, bits


def first_mapped(pattern: int, signed: bool) -> int:
    """The first input value mapped from its 16-bit pattern: two's complement when the
    LUT's input is signed, else unsigned (PS3.3 C.11.1.1, C.11.2.1.1)."""
    return pattern - 65536 if signed and pattern >= 32768 else pattern


def entries_from_words(
    words: npt.NDArray[np.uint16], entries: int, bits: int, what: str
) -> npt.NDArray[np.int64]:
    """The LUT's entries from its data words: one entry per word, or, with 8 bits per
    entry, two per word (low byte first). Entries are masked to ``bits`` bits, as DCMTK
    does. Raises DecodeError when the data are shorter than the descriptor says."""
    if len(words) >= entries:
        data = words[:entries].astype(np.int64)
    elif bits <= 8 and len(words) == (entries + 1) // 2:
        pairs = np.stack([words & 0xFF, words >> 8], axis=1).ravel()
        data = pairs[:entries].astype(np.int64)
    else:
        raise DecodeError(
            f"the {what} has {len(words)} data words for {entries} entries of {bits} bits"
        )
    return data & ((1 << bits) - 1)


def read_lut(item: Dataset, little_endian: bool, signed_input: bool, what: str) -> Lut:
    """The LUT of one LUT Sequence item (LUT Descriptor + LUT Data, US or OW).

    ``signed_input``: whether the values the LUT maps are signed (decides how a first
    mapped value ≥ 32768 reads). ``what`` names the LUT in messages. Raises DecodeError
    when the item has no LUT or breaks the rules.
    """
    if "LUTDescriptor" not in item or "LUTData" not in item:
        raise DecodeError(f"the {what} has no descriptor or no data")
    entries, pattern, bits = descriptor(item["LUTDescriptor"].value, what)
    words = lut_words(item["LUTData"].value, little_endian)
    data = entries_from_words(words, entries, bits, what)
    return Lut(data, first_mapped(pattern, signed_input), bits)


def _number(value: Any, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


def voi_input_signed(ds: Dataset) -> bool:
    """Whether the input of the VOI LUT (the modality output) may be negative, which
    decides how its first mapped value reads (PS3.3 C.11.2.1.1): unsigned after a Modality
    LUT Sequence; with Rescale Slope/Intercept, signed when the output range of the stored
    range can be negative; else as Pixel Representation says."""
    signed_pixels = int(ds.get("PixelRepresentation", 0) or 0) == 1
    if ds.get("ModalityLUTSequence"):
        return False
    if "RescaleSlope" not in ds and "RescaleIntercept" not in ds:
        return signed_pixels
    slope = _number(ds.get("RescaleSlope"), 1.0)
    intercept = _number(ds.get("RescaleIntercept"), 0.0)
    stored = min(max(int(ds.get("BitsStored", 16) or 16), 1), 32)
    if signed_pixels:
        low, high = -(2 ** (stored - 1)), 2 ** (stored - 1) - 1
    else:
        low, high = 0, 2**stored - 1
    return bool(min(low * slope + intercept, high * slope + intercept) < 0)
