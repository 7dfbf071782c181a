"""Where each top-level element of an uncompressed little-endian DICOM file lies, without
converting any value (for ``series_reader``, which compares a series' headers byte for byte).

Only what is certain is answered: anything unusual (no DICM preamble, another transfer
syntax, a length past the end, encapsulated pixel data) gives None, and the caller reads
the file the full way (``decode.load``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import NamedTuple

EXPLICIT_LE = b"1.2.840.10008.1.2.1"
IMPLICIT_LE = b"1.2.840.10008.1.2"
PIXEL_DATA = 0x7FE00010
_TRANSFER_SYNTAX = 0x00020010
_UNDEFINED = 0xFFFFFFFF
_ITEM = 0xFFFEE000
_ITEM_END = 0xFFFEE00D
_SEQUENCE_END = 0xFFFEE0DD
# Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2).
_LONG_VRS = frozenset(
    {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
)
# Every VR of PS3.5 6.2: other bytes where a VR belongs make pydicom guess (it reads such an
# element as implicit VR, with a 4-byte length), so the scan does not answer for them.
_VRS = frozenset(
    b"AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI "
    b"UL UN UR US UT UV".split()
)
_MAX_DEPTH = 16
_TAG_LEN = struct.Struct("<HHI")  # group, element, 4-byte length (implicit VR; items)
_EXPLICIT = struct.Struct("<HH2sH")  # group, element, VR, 2-byte length
_LONG = struct.Struct("<I")


class _Unusual(Exception):
    """Not a file the scan answers for."""


class Element(NamedTuple):  # a tuple: a CT slice has ~90 of them, made per slice
    """One top-level element: its tag, explicit VR (b"" when implicit), and where its whole
    encoding (``start``–``end``) and its value (``value_start``–``end``) lie."""

    tag: int
    vr: bytes
    start: int
    value_start: int
    end: int


@dataclass(frozen=True)
class Layout:
    """The top-level elements of a file in order (file meta first), and whether the data
    set is in explicit VR."""

    elements: tuple[Element, ...]
    explicit: bool


def scan(data: bytes | memoryview) -> Layout | None:
    """The layout of ``data``, an uncompressed little-endian DICOM file with its preamble;
    None for anything else or anything damaged."""
    try:
        return _scan(memoryview(data))
    except (_Unusual, struct.error):
        return None


def _scan(data: memoryview) -> Layout:
    if len(data) < 132 or bytes(data[128:132]) != b"DICM":
        raise _Unusual()
    elements: list[Element] = []
    offset = 132
    syntax = b""
    while offset + 8 <= len(data) and _LONG.unpack_from(data, offset)[0] & 0xFFFF == 0x0002:
        element, offset = _explicit_element(data, offset, 0)
        elements.append(element)
        if element.tag == _TRANSFER_SYNTAX:
            syntax = bytes(data[element.value_start : element.end]).rstrip(b"\0 ")
    if syntax not in (EXPLICIT_LE, IMPLICIT_LE):
        raise _Unusual()
    explicit = syntax == EXPLICIT_LE
    read = _explicit_element if explicit else _implicit_element
    while offset < len(data):
        element, offset = read(data, offset, 0)
        if element.tag >> 16 == 0x0002:
            raise _Unusual()  # file meta inside the data set
        elements.append(element)
    return Layout(tuple(elements), explicit)


def _explicit_element(data: memoryview, offset: int, depth: int) -> tuple[Element, int]:
    group, number, vr, length = _EXPLICIT.unpack_from(data, offset)
    tag = group << 16 | number
    if vr not in _VRS:
        raise _Unusual()
    if vr in _LONG_VRS:
        (length,) = _LONG.unpack_from(data, offset + 8)
        value_start = offset + 12
    else:
        value_start = offset + 8
    end = _value_end(data, tag, value_start, length, vr == b"SQ", True, depth)
    return Element(tag, vr, offset, value_start, end), end


def _implicit_element(data: memoryview, offset: int, depth: int) -> tuple[Element, int]:
    group, number, length = _TAG_LEN.unpack_from(data, offset)
    tag = group << 16 | number
    value_start = offset + 8
    end = _value_end(data, tag, value_start, length, True, False, depth)
    return Element(tag, b"", offset, value_start, end), end


def _value_end(
    data: memoryview,
    tag: int,
    start: int,
    length: int,
    may_be_sequence: bool,
    explicit: bool,
    depth: int,
) -> int:
    if length != _UNDEFINED:
        end = start + length
        if end > len(data):
            raise _Unusual()
        return end
    # Undefined length: a sequence (or, implicit, an element read as one). Pixel data of
    # undefined length is encapsulated, which this scan does not answer for.
    if tag == PIXEL_DATA or not may_be_sequence or depth >= _MAX_DEPTH:
        raise _Unusual()
    return _sequence_end(data, start, explicit, depth + 1)


def _sequence_end(data: memoryview, offset: int, explicit: bool, depth: int) -> int:
    """The offset after the sequence delimiter of a sequence whose items start at ``offset``."""
    read = _explicit_element if explicit else _implicit_element
    while True:
        group, number, length = _TAG_LEN.unpack_from(data, offset)
        tag = group << 16 | number
        offset += 8
        if tag == _SEQUENCE_END:
            return offset
        if tag != _ITEM:
            raise _Unusual()
        if length != _UNDEFINED:
            offset += length
            if offset > len(data):
                raise _Unusual()
            continue
        while True:  # an item of undefined length: its elements up to the item delimiter
            group, number, _ = _TAG_LEN.unpack_from(data, offset)
            if group << 16 | number == _ITEM_END:
                offset += 8
                break
            _, offset = read(data, offset, depth)
