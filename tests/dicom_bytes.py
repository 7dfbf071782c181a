"""DICOM Part 10 files written byte by byte from the standard's rules, for tests that need
exact bytes in an element (text in a given character set, sequences), independent of
pydicom's writer.

Encoding: Explicit VR Little Endian (PS3.5 7.1.2): tag as two little-endian uint16, the VR
as two ASCII letters, then a uint16 length, or for OB/OD/OF/OL/OV/OW/SQ/SV/UC/UN/UR/UT/UV two
reserved zero bytes and a uint32 length. Values have even length: text is padded with a
space, UI with NUL, binary with NUL (PS3.5 6.2). A sequence here has a defined length, its
items are (FFFE,E000) with a defined length (PS3.5 7.5.1). The file is a 128-byte preamble,
"DICM", and the File Meta Information group 0002 (PS3.10 7.1).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

EXPLICIT_LE = "1.2.840.10008.1.2.1"
_LONG = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"}
_PACK = {"US": "<H", "UL": "<I", "SS": "<h", "SL": "<i", "FL": "<f", "FD": "<d"}

Element = tuple[int, bytes]  # (tag as group << 16 | element, encoded bytes)


def _pad(vr: str, value: bytes) -> bytes:
    if len(value) % 2 == 0:
        return value
    return value + (b"\x00" if vr in ("UI", "OB", "UN") else b" ")


def element(tag: int, vr: str, value: bytes | str | float | Sequence[float]) -> Element:
    """One data element. ``value``: raw bytes (written as given, padded); a str (ASCII;
    multiple values already joined with "\\"); numbers for US/UL/SS/SL/FL/FD."""
    if vr in _PACK:
        numbers = value if isinstance(value, Sequence) else [value]
        data = b"".join(struct.pack(_PACK[vr], n) for n in numbers)
    elif isinstance(value, str):
        data = value.encode("ascii")
    elif isinstance(value, bytes):
        data = value
    else:
        raise TypeError(vr)
    data = _pad(vr, data)
    head = struct.pack("<HH", tag >> 16, tag & 0xFFFF) + vr.encode("ascii")
    if vr in _LONG:
        return tag, head + b"\x00\x00" + struct.pack("<I", len(data)) + data
    return tag, head + struct.pack("<H", len(data)) + data


def dataset(elements: Iterable[Element]) -> bytes:
    """Elements in ascending tag order (PS3.5 7.1)."""
    return b"".join(data for _, data in sorted(elements, key=lambda e: e[0]))


def sequence(tag: int, items: Iterable[Iterable[Element]]) -> Element:
    """A sequence of defined length whose items have defined lengths."""
    body = b""
    for item in items:
        content = dataset(item)
        body += struct.pack("<HHI", 0xFFFE, 0xE000, len(content)) + content
    return element(tag, "SQ", body)


def part10(elements: Iterable[Element], sop_class: str = "1.2.840.10008.5.1.4.1.1.7") -> bytes:
    """A Part 10 file (Explicit VR Little Endian) holding ``elements``."""
    meta_body = dataset(
        [
            element(0x00020001, "OB", b"\x00\x01"),
            element(0x00020002, "UI", sop_class),
            element(0x00020003, "UI", "1.2.3.4.5.6.7.8.9"),
            element(0x00020010, "UI", EXPLICIT_LE),
            element(0x00020012, "UI", "1.2.3.4"),
        ]
    )
    length = element(0x00020000, "UL", len(meta_body))[1]
    return b"\x00" * 128 + b"DICM" + length + meta_body + dataset(elements)


def image(
    extra: Iterable[Element] = (), rows: int = 4, columns: int = 4, modality: str = "OT"
) -> list[Element]:
    """The elements of a small 8-bit MONOCHROME2 image plus ``extra`` (which replace
    elements with the same tag)."""
    base = {
        0x00080016: element(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7"),
        0x00080018: element(0x00080018, "UI", "1.2.3.4.5.6.7.8.9"),
        0x00080060: element(0x00080060, "CS", modality),
        0x0020000D: element(0x0020000D, "UI", "1.2.3.4.1"),
        0x0020000E: element(0x0020000E, "UI", "1.2.3.4.2"),
        0x00280002: element(0x00280002, "US", 1),
        0x00280004: element(0x00280004, "CS", "MONOCHROME2"),
        0x00280010: element(0x00280010, "US", rows),
        0x00280011: element(0x00280011, "US", columns),
        0x00280100: element(0x00280100, "US", 8),
        0x00280101: element(0x00280101, "US", 8),
        0x00280102: element(0x00280102, "US", 7),
        0x00280103: element(0x00280103, "US", 0),
        0x7FE00010: element(0x7FE00010, "OB", bytes(i % 256 for i in range(rows * columns))),
    }
    for tag, data in extra:
        base[tag] = (tag, data)
    return list(base.values())
