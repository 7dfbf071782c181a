"""Checks of compressed frames before a decoder sees them: the native decoders (RLE in
Rust, JPEG and JPEG 2000 in C/C++) allocate what the data claim and some abort the whole
process when that fails, so what they would allocate is bounded here first.

- RLE (PS3.5 Annex G): the segment count must match the samples and bytes per sample,
  the offsets must lie inside the frame, and each segment must be long enough to expand
  to Rows × Columns bytes (a PackBits run of 2 bytes yields at most 128).
- JPEG, JPEG-LS (ISO/IEC 10918-1 B.2.2, 14495-1 C.2.2): the frame header's size and
  components may not exceed the DICOM header's.
- JPEG 2000 and HTJ2K (ISO/IEC 15444-1 A.5.1): likewise for the SIZ marker, and the tile
  count is bounded.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from itertools import pairwise

from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames
from pydicom.uid import JPEG2000TransferSyntaxes, JPEGLSTransferSyntaxes, RLELossless

from workstation.imaging.errors import DecodeError
from workstation.imaging.limits import count_value
from workstation.imaging.transfer_syntax import transfer_syntax

RLE_MAX_EXPANSION = 64  # PackBits: 2 bytes → up to 128 bytes
HEADER_SCAN_BYTES = 1 << 20  # markers before the frame header (APPn, COM, …)
MAX_J2K_TILES = 65535  # ISO/IEC 15444-1: tile index Isot < 65535
JPEG_SYNTAXES = frozenset(
    {
        "1.2.840.10008.1.2.4.50",
        "1.2.840.10008.1.2.4.51",
        "1.2.840.10008.1.2.4.57",
        "1.2.840.10008.1.2.4.70",
    }
)
HTJ2K_SYNTAXES = frozenset(
    {"1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"}
)
# Start Of Frame markers: baseline … lossless (not DHT C4, JPG C8, DAC CC), JPEG-LS F7.
SOF_MARKERS = frozenset(
    {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0), 0xF7}
)
STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD9)})


def _frames(ds: Dataset, count: int) -> Iterator[bytes]:
    try:
        yield from generate_frames(ds.PixelData, number_of_frames=count)
    except (ValueError, TypeError, KeyError, IndexError, struct.error) as exc:
        raise DecodeError(f"the compressed pixel data are malformed ({exc})") from exc


def _check_rle(frame: bytes, index: int, pixels: int, segments: int) -> None:
    if len(frame) < 64:
        raise DecodeError(f"RLE frame {index + 1} has no header")
    header = struct.unpack("<16L", frame[:64])
    if header[0] != segments:
        raise DecodeError(f"RLE frame {index + 1} has {header[0]} segments, {segments} expected")
    offsets = [*header[1 : 1 + segments], len(frame)]
    if offsets[0] != 64 or any(b <= a for a, b in pairwise(offsets)):
        raise DecodeError(f"RLE frame {index + 1} has segment offsets outside the frame")
    for number, (start, end) in enumerate(pairwise(offsets), 1):
        if (end - start + 1) * RLE_MAX_EXPANSION < pixels:
            raise DecodeError(
                f"RLE frame {index + 1} segment {number} ({end - start} bytes) is too short "
                f"for {pixels:,} pixels"
            )


def _jpeg_size(frame: bytes) -> tuple[int, int, int]:
    """Rows, columns and components of a JPEG / JPEG-LS frame header."""
    if frame[:2] != b"\xff\xd8":
        raise DecodeError("the JPEG data do not start with a start-of-image marker")
    pos, end = 2, min(len(frame), HEADER_SCAN_BYTES)
    while pos + 4 <= end:
        if frame[pos] != 0xFF:
            raise DecodeError("the JPEG data have no valid marker before the frame header")
        marker = frame[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in STANDALONE_MARKERS:
            pos += 2
            continue
        (length,) = struct.unpack(">H", frame[pos + 2 : pos + 4])
        if marker in SOF_MARKERS and pos + 10 <= len(frame):
            rows, columns = struct.unpack(">HH", frame[pos + 5 : pos + 9])
            return rows, columns, frame[pos + 9]
        if marker == 0xDA:  # start of scan before any frame header
            break
        pos += 2 + length
    raise DecodeError("the JPEG data have no frame header")


_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


def _codestream_start(frame: bytes) -> int:
    """Where the codestream begins: at once for a raw codestream (SOC then SIZ, as the
    decoder reads it), or inside the JP2 file's contiguous codestream box ('jp2c') — never a
    marker found elsewhere (a fake SIZ in a metadata box must not vouch for the image).
    -1 when there is none."""
    if not frame.startswith(_JP2_SIGNATURE):
        return 0
    pos = 0
    for _ in range(64):  # a JP2 header has a handful of boxes
        if pos + 8 > len(frame):
            return -1
        length, kind = struct.unpack(">I4s", frame[pos : pos + 8])
        header = 8
        if length == 1 and pos + 16 <= len(frame):
            length, header = struct.unpack(">Q", frame[pos + 8 : pos + 16])[0], 16
        if kind == b"jp2c":
            return pos + header
        if length < header:  # 0 = "to the end": only allowed for the last box
            return -1
        pos += length
    return -1


def _j2k_size(frame: bytes) -> tuple[int, int, int]:
    """Rows, columns and components of a JPEG 2000 codestream's SIZ marker (in a JP2
    file, the first codestream's)."""
    pos = _codestream_start(frame)
    if pos < 0 or frame[pos : pos + 4] != b"\xff\x4f\xff\x51" or pos + 42 > len(frame):
        raise DecodeError("the JPEG 2000 data have no image size (SIZ) marker")
    fields = struct.unpack(">HHIIIIIIIIH", frame[pos + 4 : pos + 42])
    _, _, xsiz, ysiz, x0, y0, xt, yt, xt0, yt0, components = fields
    if xsiz <= x0 or ysiz <= y0 or xt == 0 or yt == 0 or xt0 > x0 or yt0 > y0:
        raise DecodeError("the JPEG 2000 image and tile sizes are inconsistent")
    tiles = -(-(xsiz - xt0) // xt) * -(-(ysiz - yt0) // yt)
    if tiles > MAX_J2K_TILES:
        raise DecodeError(f"the JPEG 2000 data claim {tiles:,} tiles")
    return ysiz - y0, xsiz - x0, components


def _check_size(found: tuple[int, int, int], expected: tuple[int, int, int], index: int) -> None:
    rows, columns, components = found
    want_rows, want_columns, samples = expected
    if rows == 0:
        raise DecodeError(f"compressed frame {index + 1} does not state its height")
    if rows * columns * components > want_rows * want_columns * samples or components > samples:
        raise DecodeError(
            f"compressed frame {index + 1} is {columns}×{rows} with {components} components, "
            f"but the header says {want_columns}×{want_rows} with {samples}"
        )


def _check_count(found: int, expected: int) -> None:
    if found < expected:
        raise DecodeError(
            f"the compressed pixel data hold {found} frames, the header says {expected}"
        )


def check_compressed(ds: Dataset) -> None:
    """Bound what a native decoder would allocate for each compressed frame of ``ds``;
    nothing to check for native pixel data. Raises DecodeError."""
    syntax = transfer_syntax(ds)
    if syntax is None or not syntax.is_encapsulated or "PixelData" not in ds:
        return
    rows, columns = count_value(ds.get("Rows"), 0), count_value(ds.get("Columns"), 0)
    samples = count_value(ds.get("SamplesPerPixel"), 1)
    frames = count_value(ds.get("NumberOfFrames"), 1)
    if syntax == RLELossless:
        segments = samples * max(count_value(ds.get("BitsAllocated"), 8) // 8, 1)
        found = 0
        for found, frame in enumerate(_frames(ds, frames), 1):
            _check_rle(frame, found - 1, rows * columns, segments)
        _check_count(found, frames)
        return
    if syntax in JPEG_SYNTAXES or syntax in JPEGLSTransferSyntaxes:
        size = _jpeg_size
    elif syntax in JPEG2000TransferSyntaxes:
        size = _j2k_size
    else:
        return  # no decoder of ours reads it; pydicom says so
    found = 0
    for found, frame in enumerate(_frames(ds, frames), 1):
        _check_size(size(frame), (rows, columns, samples), found - 1)
    _check_count(found, frames)
