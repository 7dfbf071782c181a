"""A memory budget checked before any decoder runs: the bytes the decoded image will hold,
counted exactly from the header (Rows × Columns × Frames × Samples × bytes of the working
dtype), so a crafted header cannot make us allocate gigabytes."""

from __future__ import annotations

import logging
import zlib
from typing import Any, BinaryIO

from pydicom.dataset import Dataset

from workstation.imaging.errors import DecodeError
from workstation.imaging.transfer_syntax import transfer_syntax

log = logging.getLogger("workstation.imaging")
PIXEL_BUDGET_BYTES = 1024**3  # 1 GiB of decoded pixels per image
MIB = 1024**2
# JPEG 2000 decoders (OpenJPEG) hold each decoded frame as 32-bit integers per sample.
J2K_SYNTAX_PREFIXES = ("1.2.840.10008.1.2.4.9", "1.2.840.10008.1.2.4.20")


def count_value(value: Any, default: int) -> int:
    """An IS/US value, tolerating junk after the digits (e.g. NumberOfFrames "1A")."""
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        digits = ""
        for char in str(value).strip():
            if not char.isdigit():
                break
            digits += char
        log.info("non-numeric integer value %r; using %s", str(value)[:16], digits or default)
        return int(digits) if digits else default


def _sample_bytes(bits_allocated: int) -> int:
    """Bytes per decoded sample: 1-bit and 8-bit data unpack to one byte."""
    if bits_allocated <= 8:
        return 1
    return 2 if bits_allocated <= 16 else 4 if bits_allocated <= 32 else 8


def _palette_bytes(ds: Dataset) -> int:
    """Bytes per pixel of the RGB a PALETTE COLOR image expands to (0 for others)."""
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric != "PALETTE COLOR":
        return 0
    descriptor = ds.get("RedPaletteColorLookupTableDescriptor")
    try:
        bits = int(descriptor[2])
    except (TypeError, ValueError, IndexError):
        bits = 16
    return 3 * (1 if bits <= 8 else 2)


def decoded_bytes(ds: Dataset) -> int:
    """Bytes the decoded pixels will need at the peak of decoding: every frame in the
    working dtype (plus the RGB of a palette), and one frame's copy inside the decoder.
    Raises DecodeError when the header gives no size or no frames."""
    rows, columns = count_value(ds.get("Rows"), 0), count_value(ds.get("Columns"), 0)
    frames = count_value(ds.get("NumberOfFrames"), 1)
    samples = count_value(ds.get("SamplesPerPixel"), 1)
    if rows <= 0 or columns <= 0:
        raise DecodeError("the image has no size (Rows/Columns missing)")
    if frames <= 0:
        raise DecodeError(f"the image has no frames (Number of Frames {frames})")
    if samples <= 0:
        raise DecodeError(f"the image has {samples} samples per pixel")
    sample = _sample_bytes(count_value(ds.get("BitsAllocated"), 16))
    pixels = rows * columns
    total = pixels * frames * (samples * sample + _palette_bytes(ds))
    syntax = str(transfer_syntax(ds) or "")
    working = 4 if syntax.startswith(J2K_SYNTAX_PREFIXES) else sample
    return total + pixels * samples * working


MAX_FRAMES = 50_000  # far above any real cine or enhanced object; per-frame work is bounded


def check_budget(ds: Dataset, budget: int = PIXEL_BUDGET_BYTES) -> None:
    """Refuse, before decoding, an image whose decoded pixels would exceed ``budget``
    bytes, or that claims more than ``MAX_FRAMES`` frames (each frame costs work beyond
    its pixels: functional groups, slices). Raises DecodeError in plain words."""
    frames = count_value(ds.get("NumberOfFrames"), 1)
    if frames > MAX_FRAMES:
        raise DecodeError(
            f"the image claims {frames:,} frames, more than the {MAX_FRAMES:,} allowed"
        )
    needed = decoded_bytes(ds)
    if needed > budget:
        rows, columns = count_value(ds.get("Rows"), 0), count_value(ds.get("Columns"), 0)
        frames = count_value(ds.get("NumberOfFrames"), 1)
        raise DecodeError(
            f"the image is too large to open: {rows}×{columns} pixels × {frames} frames "
            f"need {needed // MIB:,} MiB, more than the {budget // MIB:,} MiB allowed"
        )


DEFLATED = b"1.2.840.10008.1.2.1.99"
INFLATED_LIMIT_BYTES = PIXEL_BUDGET_BYTES + 256 * MIB  # pixels plus a generous header
_LONG_VRS = {
    b"OB",
    b"OD",
    b"OF",
    b"OL",
    b"OV",
    b"OW",
    b"SQ",
    b"SV",
    b"UC",
    b"UN",
    b"UR",
    b"UT",
    b"UV",
}


def _dataset_start(head: bytes) -> int | None:
    """Offset of the data set after a Part 10 preamble and file meta group (explicit VR
    little endian, PS3.10 7.1), or None when the file does not have one."""
    pos = 132 if head[128:132] == b"DICM" else 0
    while pos + 8 <= len(head) and head[pos : pos + 2] == b"\x02\x00":
        vr = head[pos + 4 : pos + 6]
        if vr in _LONG_VRS:
            if pos + 12 > len(head):
                return None
            length = int.from_bytes(head[pos + 8 : pos + 12], "little")
            pos += 12 + length
        else:
            pos += 8 + int.from_bytes(head[pos + 6 : pos + 8], "little")
    return pos if pos <= len(head) else None


def check_deflated(stream: BinaryIO, limit: int = INFLATED_LIMIT_BYTES) -> None:
    """For a Deflated Explicit VR Little Endian file, inflate it once without keeping the
    output and refuse it when it would exceed ``limit`` bytes (pydicom inflates the whole
    data set in memory at once). Leaves ``stream`` where it was. Raises DecodeError."""
    start = stream.tell()
    try:
        head = stream.read(65536)
        if DEFLATED not in head[:4096]:
            return
        offset = _dataset_start(head)
        if offset is None:
            return  # let the parser say what is wrong
        stream.seek(start + offset)
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        total = 0
        while chunk := stream.read(1 << 20):
            while chunk:
                total += len(inflater.decompress(chunk, 1 << 24))
                chunk = inflater.unconsumed_tail
                if total > limit:
                    raise DecodeError(
                        f"the deflated file inflates to more than {limit // MIB:,} MiB"
                    )
            if inflater.eof:
                break
    except zlib.error:
        return  # a damaged stream: the parser reports it
    finally:
        stream.seek(start)
