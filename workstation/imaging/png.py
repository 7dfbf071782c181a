"""A minimal PNG writer (8-bit grey or RGB) with the standard library's zlib."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workstation.atomic import write_bytes_atomic


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(pixels: npt.NDArray[np.uint8]) -> bytes:
    """PNG bytes of a rows × columns (grey) or rows × columns × 3 (RGB) uint8 array."""
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3):
        raise ValueError("need a 2-D grey or 3-D RGB uint8 array")
    if pixels.ndim == 3 and pixels.shape[2] != 3:
        raise ValueError("colour images need 3 samples per pixel")
    rows, columns = pixels.shape[:2]
    colour_type = 0 if pixels.ndim == 2 else 2
    raw = np.ascontiguousarray(pixels).reshape(rows, -1)
    filtered = np.hstack([np.zeros((rows, 1), np.uint8), raw]).tobytes()  # filter 0 per row
    header = struct.pack(">IIBBBBB", columns, rows, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(filtered, 6))
        + _chunk(b"IEND", b"")
    )


def write_png(path: Path, pixels: npt.NDArray[np.uint8]) -> None:
    """Write ``pixels`` as a PNG file (atomically). Raises OSError, ValueError."""
    write_bytes_atomic(path, encode_png(pixels))
