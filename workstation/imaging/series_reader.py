"""Reading the instances of one series, the later ones from what the first one gave.

In a CT or MR series the slices' headers are the same bytes except for the few elements that
name and place each slice. Converting every element of every slice through pydicom cost
about 3 ms a slice (a 300-slice CT: 0.9 s, several times its download on loopback). So the
first uncompressed slice is read the full way (``decode.load``) and kept as the template;
a later slice whose every other element is byte for byte the template's gets the template's
attributes with its own UID, instance number, position and pixels. Anything else (another
element differing, compressed data, overlays, multi-frame, a damaged file) is read the full
way, so the result is always what ``decode.load`` gives for that file.
"""

from __future__ import annotations

import io
import struct
import threading
from dataclasses import dataclass, replace
from typing import Any, BinaryIO, NamedTuple

import numpy as np
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

from workstation.imaging import element_scan
from workstation.imaging.decode import (
    DicomImage,
    as_native_array,
    decode,
    read_dataset,
)

# Elements that differ between the slices of one series and that decoding either reads
# into the fields set per slice below, or does not read at all (a test mutates each of the
# latter and checks that ``decode`` gives the same image).
SOP_INSTANCE_UID = 0x00080018
INSTANCE_NUMBER = 0x00200013
IMAGE_POSITION = 0x00200032
GROUP_LENGTH = 0x00020000
PER_SLICE_READ = frozenset({SOP_INSTANCE_UID, INSTANCE_NUMBER, IMAGE_POSITION})
PER_SLICE_UNREAD = frozenset(
    {
        GROUP_LENGTH,  # File Meta Information Group Length (follows the UID's length)
        0x00020003,  # Media Storage SOP Instance UID
        0x00080012,  # Instance Creation Date
        0x00080013,  # Instance Creation Time
        0x00080022,  # Acquisition Date
        0x00080023,  # Content Date
        0x0008002A,  # Acquisition DateTime
        0x00080032,  # Acquisition Time
        0x00080033,  # Content Time
        0x00201041,  # Slice Location
    }
)
# The VR each per-slice element has in the data dictionary: in explicit VR the template's
# must be it (an Image Position written as FD would read otherwise than as text).
_PER_SLICE_VR = {
    GROUP_LENGTH: b"UL",
    0x00020003: b"UI",
    SOP_INSTANCE_UID: b"UI",
    0x00080012: b"DA",
    0x00080013: b"TM",
    0x00080022: b"DA",
    0x00080023: b"DA",
    0x0008002A: b"DT",
    0x00080032: b"TM",
    0x00080033: b"TM",
    INSTANCE_NUMBER: b"IS",
    IMAGE_POSITION: b"DS",
    0x00201041: b"DS",
}
_PER_SLICE = PER_SLICE_READ | PER_SLICE_UNREAD | {element_scan.PIXEL_DATA}
_IS_MAX_LENGTH = 12  # PS3.5 6.2: longer "integers" pydicom reads through a float
_NATIVE_MONOCHROME = ("MONOCHROME1", "MONOCHROME2")


class _Element(NamedTuple):
    """A per-slice element the walk reads: its tag's 4 bytes, its VR's 2 (b"" in implicit
    VR), and whether its length takes 4 bytes after 2 reserved ones."""

    tag: bytes
    vr: bytes
    long_length: bool


class _Pixels(NamedTuple):
    """The pixel data's value: ``length`` bytes (its element header is in the fixed run)."""

    length: int


_Step = bytes | _Element | _Pixels  # bytes: a run of fixed bytes, compared


@dataclass(frozen=True)
class _Template:
    """The first slice's image and the walk a later slice must follow: runs of bytes equal
    to the first slice's, the per-slice elements between them, and the pixels."""

    image: DicomImage
    steps: tuple[_Step, ...]
    pixel_bits: tuple[np.dtype[Any], int, int, tuple[int, ...]]  # dtype, allocated, stored, shape


class SeriesReader:
    """Decodes the instances of one series (``read``); safe to call from several threads."""

    def __init__(self) -> None:
        self._template: _Template | None = None
        self._lock = threading.Lock()

    def read(self, part: BinaryIO) -> DicomImage:
        """The image in ``part`` (a whole DICOM file), equal to ``decode.load(part)``.
        Raises DecodeError like it."""
        data = _bytes_of(part)
        with self._lock:
            template = self._template
        if template is not None:
            image = _from_template(template, data)
            if image is not None:
                return image
        part.seek(0)
        ds = read_dataset(part)
        # a compressed slice (the first one asked for alone, as JPEG-LS) fails the scan at
        # its file meta: only an uncompressed one is compared with what pydicom read
        layout = element_scan.scan(data) if template is None else None
        parsed = _where_pydicom_read(ds) if layout is not None else ()
        image = decode(ds)
        if layout is not None:
            made = _template_of(image, ds, layout, data) if _read_alike(layout, parsed) else None
            with self._lock:
                self._template = self._template or made
        return image


def _where_pydicom_read(ds: Dataset) -> tuple[tuple[int, int | None, int | None], ...]:
    """Each element pydicom read, file meta first: its tag, where its value starts in the
    file and its length as encoded (None where pydicom no longer says)."""
    found: list[tuple[int, int | None, int | None]] = []
    for source in (ds.file_meta, ds):
        for tag in tuple(source.keys()):
            element: object = source.get_item(tag, keep_deferred=True)  # raw unless converted
            if isinstance(element, RawDataElement):
                found.append((int(tag), element.value_tell, element.length))
            else:
                found.append((int(tag), getattr(element, "file_tell", None), None))
    return tuple(found)


def _read_alike(
    layout: element_scan.Layout, parsed: tuple[tuple[int, int | None, int | None], ...]
) -> bool:
    """Whether pydicom read the file element for element where the scan found them (the
    same tags, values at the same places, the same lengths): otherwise bytes the walk takes
    for one element's value may be another element to pydicom, and no shortcut is safe."""
    if len(parsed) != len(layout.elements):
        return False
    for element, (tag, tell, length) in zip(layout.elements, parsed, strict=True):
        if tag != element.tag or tell != element.value_start:
            return False
        if length not in (None, 0xFFFFFFFF, element.end - element.value_start):
            return False
    return True


def _bytes_of(part: BinaryIO) -> bytes:
    # BytesIO.getvalue hands over its buffer without a copy (a view would keep it from
    # shrinking to its contents); the pixels are then a view of these bytes.
    if isinstance(part, io.BytesIO):
        return part.getvalue()
    part.seek(0)
    return part.read()


def _template_of(
    image: DicomImage, ds: Dataset, layout: element_scan.Layout, data: bytes
) -> _Template | None:
    """The template a fully decoded slice gives, or None when later slices could not be
    derived from it safely."""
    pixels = image.pixels
    if image.frames != 1 or image.photometric not in _NATIVE_MONOCHROME or image.overlays:
        return None
    if any(0x6000 <= e.tag >> 16 <= 0x60FF for e in layout.elements):
        return None  # overlay planes may live in the pixel words' unused bits
    if "SharedFunctionalGroupsSequence" in ds or "PerFrameFunctionalGroupsSequence" in ds:
        return None
    if sum(e.tag == element_scan.PIXEL_DATA for e in layout.elements) != 1:
        return None
    bits = int(ds.get("BitsAllocated", 0) or 0)
    stored = int(ds.get("BitsStored", 0) or 0)
    signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
    dtype = np.dtype(f"<{'i' if signed else 'u'}{bits // 8}") if bits in (8, 16) else None
    if dtype is None or not 0 < stored <= bits:
        return None
    if pixels.dtype.newbyteorder("=") != dtype.newbyteorder("="):
        return None
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        return None
    if ds.original_encoding[0] == layout.explicit:  # (implicit VR?, little endian?)
        return None
    first = next((e for e in layout.elements if e.tag >> 16 != 0x0002), None)
    if first is None or first.tag in _PER_SLICE:
        return None  # pydicom tells implicit from explicit VR by the first element's bytes
    for element in layout.elements:
        wanted = _PER_SLICE_VR.get(element.tag)
        if wanted is not None and element.vr not in (wanted, b""):
            return None
    return _Template(image, _steps(layout, data), (dtype, bits, stored, pixels.shape))


def _steps(layout: element_scan.Layout, data: bytes) -> tuple[_Step, ...]:
    """The walk for files laid out as ``data``: fixed runs (from the file's start, preamble
    included) between the per-slice elements and the pixel data's value."""
    steps: list[_Step] = []
    run_start = 0
    for element in layout.elements:
        if element.tag not in _PER_SLICE:
            continue
        head = data[element.start : element.value_start]
        if element.tag == element_scan.PIXEL_DATA:  # its header (with its length) is fixed
            steps.append(data[run_start : element.value_start])
            steps.append(_Pixels(element.end - element.value_start))
        else:
            steps.append(data[run_start : element.start])
            explicit = element.vr != b""
            steps.append(_Element(head[:4], element.vr, explicit and len(head) == 12))
        run_start = element.end
    steps.append(data[run_start:])
    return tuple(step for step in steps if not isinstance(step, bytes) or step)


def _from_template(template: _Template, data: bytes) -> DicomImage | None:
    """The slice's image from the template, or None when ``data`` does not follow its walk
    (another element differs, or the file is laid out otherwise)."""
    view = memoryview(data)
    offset = 0
    values: dict[int, bytes] = {}
    raw_pixels: memoryview | None = None
    try:
        for step in template.steps:
            if isinstance(step, bytes):
                end = offset + len(step)
                if view[offset:end] != step:
                    return None
                offset = end
            elif isinstance(step, _Pixels):
                raw_pixels = view[offset : offset + step.length]
                offset += step.length
            else:
                offset = _read_element(step, view, offset, values)
    except struct.error:
        return None
    if offset != len(data) or raw_pixels is None:
        return None
    known = _per_slice_values(values)
    if known is None:
        return None
    uid, number, position = known
    dtype, bits, stored, shape = template.pixel_bits
    pixels = as_native_array(raw_pixels, dtype, bits, stored, shape)
    identity = template.image.identity
    return replace(
        template.image,
        pixels=pixels,
        sop_instance_uid=uid,
        instance_number=number,
        position=position,
        identity=replace(identity, sop_instance_uid=uid) if identity is not None else None,
    )


_UID_CHARACTERS = b"0123456789."
_INTEGER_CHARACTERS = b"0123456789+- "
_DECIMAL_CHARACTERS = b"0123456789+-.eE \\"


def _per_slice_values(
    values: dict[int, bytes],
) -> tuple[str, int, tuple[float, float, float] | None] | None:
    """SOP Instance UID, Instance Number and Image Position from their encoded values, as
    pydicom and ``decode`` read them; None for anything but the plain forms (digits, a
    sign, a point, an exponent), which the full read then reads (and explains if it is
    damaged). Absent values are "", 0 and None, as in ``decode``."""
    uid = values.get(SOP_INSTANCE_UID, b"").rstrip(b"\0 ")
    number = values.get(INSTANCE_NUMBER, b"")
    position = values.get(IMAGE_POSITION)
    if uid.translate(None, _UID_CHARACTERS) or number.translate(None, _INTEGER_CHARACTERS):
        return None
    if len(number.strip()) > _IS_MAX_LENGTH:
        return None
    try:
        whole = int(number) if number.strip() else 0
        if position is None:
            place = None
        else:
            if position.translate(None, _DECIMAL_CHARACTERS):
                return None
            numbers = [float(v) for v in position.split(b"\\")]  # float("") raises
            place = (numbers[0], numbers[1], numbers[2]) if len(numbers) == 3 else None
    except ValueError:
        return None
    return uid.decode("ascii"), whole, place


_GROUP_LENGTH_TAG = struct.pack("<HH", GROUP_LENGTH >> 16, GROUP_LENGTH & 0xFFFF)
_SHORT = struct.Struct("<H")
_LONG = struct.Struct("<I")


def _read_element(step: _Element, view: memoryview, offset: int, values: dict[int, bytes]) -> int:
    """Read the per-slice element ``step`` at ``offset`` into ``values`` (those decoding
    reads); the offset after it. Raises struct.error when it is not there."""
    if view[offset : offset + 4] != step.tag:
        raise struct.error("another element")
    if step.vr:
        if view[offset + 4 : offset + 6] != step.vr:
            raise struct.error("another VR")
        if step.long_length:
            (length,) = _LONG.unpack_from(view, offset + 8)
            start = offset + 12
        else:
            (length,) = _SHORT.unpack_from(view, offset + 6)
            start = offset + 8
    else:
        (length,) = _LONG.unpack_from(view, offset + 4)
        start = offset + 8
    end: int = start + length
    if length == 0xFFFFFFFF or end > len(view):
        raise struct.error("a length past the end")
    if step.tag == _GROUP_LENGTH_TAG and length != 4:
        raise struct.error("a group length of other than 4 bytes")
    tag = int.from_bytes(step.tag[:2], "little") << 16 | int.from_bytes(step.tag[2:], "little")
    if tag in PER_SLICE_READ:
        values[tag] = bytes(view[start:end])
    return end
