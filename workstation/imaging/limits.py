"""A memory budget checked before any decoder runs: the bytes the decoded image will hold,
counted exactly from the header (Rows × Columns × Frames × Samples × bytes of the working
dtype), so a crafted header cannot make us allocate gigabytes."""

from __future__ import annotations

import logging
from typing import Any

from pydicom.dataset import Dataset

from workstation.imaging.errors import DecodeError

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
    syntax = str(getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", "") or "")
    working = 4 if syntax.startswith(J2K_SYNTAX_PREFIXES) else sample
    return total + pixels * samples * working


def check_budget(ds: Dataset, budget: int = PIXEL_BUDGET_BYTES) -> None:
    """Refuse, before decoding, an image whose decoded pixels would exceed ``budget``
    bytes. Raises DecodeError with the figures in plain words."""
    needed = decoded_bytes(ds)
    if needed > budget:
        rows, columns = count_value(ds.get("Rows"), 0), count_value(ds.get("Columns"), 0)
        frames = count_value(ds.get("NumberOfFrames"), 1)
        raise DecodeError(
            f"the image is too large to open: {rows}×{columns} pixels × {frames} frames "
            f"need {needed // MIB:,} MiB, more than the {budget // MIB:,} MiB allowed"
        )
