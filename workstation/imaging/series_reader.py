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
import threading
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from workstation.imaging import element_scan
from workstation.imaging.decode import (
    DicomImage,
    as_native_array,
    decode,
    instance_number_of,
    position_of,
    read_dataset,
    sop_instance_uid_of,
)
from workstation.imaging.identity import text_of

# Elements that differ between the slices of one series and that decoding either reads
# into the fields set per slice below, or does not read at all (a test mutates each of the
# latter and checks that ``decode`` gives the same image).
SOP_INSTANCE_UID = 0x00080018
INSTANCE_NUMBER = 0x00200013
IMAGE_POSITION = 0x00200032
PER_SLICE_READ = frozenset({SOP_INSTANCE_UID, INSTANCE_NUMBER, IMAGE_POSITION})
PER_SLICE_UNREAD = frozenset(
    {
        0x00020000,  # File Meta Information Group Length (follows the UID's length)
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
_PER_SLICE = PER_SLICE_READ | PER_SLICE_UNREAD | {element_scan.PIXEL_DATA}
_NATIVE_MONOCHROME = ("MONOCHROME1", "MONOCHROME2")


@dataclass(frozen=True)
class _Template:
    """The first slice's image and what a later slice's header must match byte for byte."""

    image: DicomImage
    explicit: bool
    tags: tuple[int, ...]
    fixed: tuple[tuple[int, bytes], ...]  # (index in tags, the element's whole encoding)
    pixel_header: bytes  # the pixel data element's tag, VR and length
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
        layout = element_scan.scan(data)
        with self._lock:
            template = self._template
        if layout is not None and template is not None:
            image = _from_template(template, layout, data)
            if image is not None:
                return image
        part.seek(0)
        ds = read_dataset(part)
        image = decode(ds)
        if layout is not None and template is None:
            made = _template_of(image, ds, layout, data)
            with self._lock:
                self._template = self._template or made
        return image


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
    pixel = [e for e in layout.elements if e.tag == element_scan.PIXEL_DATA]
    if len(pixel) != 1:
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
    tags = tuple(e.tag for e in layout.elements)
    if tags != tuple(int(t) for t in (*ds.file_meta.keys(), *ds.keys())):
        return None  # pydicom read the file otherwise than the scan: trust neither shortcut
    if ds.original_encoding[0] == layout.explicit:  # (implicit VR?, little endian?)
        return None
    fixed = tuple(
        (i, bytes(data[e.start : e.end]))
        for i, e in enumerate(layout.elements)
        if e.tag not in _PER_SLICE
    )
    header = bytes(data[pixel[0].start : pixel[0].value_start])
    return _Template(
        image, layout.explicit, tags, fixed, header, (dtype, bits, stored, pixels.shape)
    )


def _from_template(
    template: _Template, layout: element_scan.Layout, data: bytes
) -> DicomImage | None:
    """The slice's image from the template, or None when its header is not the template's
    but for the per-slice elements."""
    elements = layout.elements
    view = memoryview(data)
    if layout.explicit != template.explicit or len(elements) != len(template.tags):
        return None
    if tuple(e.tag for e in elements) != template.tags:
        return None
    for index, encoded in template.fixed:
        element = elements[index]
        if view[element.start : element.end] != encoded:
            return None
    values = Dataset()
    pixels: npt.NDArray[Any] | None = None
    for element in elements:
        if element.tag == element_scan.PIXEL_DATA:
            if view[element.start : element.value_start] != template.pixel_header:
                return None
            dtype, bits, stored, shape = template.pixel_bits
            raw = view[element.value_start : element.end]
            pixels = as_native_array(raw, dtype, bits, stored, shape)
        elif element.tag in PER_SLICE_READ:
            values[element.tag] = _raw(element, data, layout.explicit)
    if pixels is None:
        return None
    try:
        uid = sop_instance_uid_of(values)
        identity = template.image.identity
        return replace(
            template.image,
            pixels=pixels,
            sop_instance_uid=uid,
            instance_number=instance_number_of(values),
            position=position_of(values),
            identity=(
                replace(identity, sop_instance_uid=text_of(values, "SOPInstanceUID"))
                if identity is not None
                else None
            ),
        )
    except Exception:  # a damaged value: the full way says what is wrong with it
        return None


def _raw(element: element_scan.Element, data: bytes, explicit: bool) -> RawDataElement:
    value = bytes(data[element.value_start : element.end])
    return RawDataElement(
        Tag(element.tag),
        element.vr.decode("ascii", "replace") if explicit else None,
        len(value),
        value,
        element.value_start,
        not explicit,
        True,
    )
