"""A conformance corpus written from the standard's rules (PS3.3 C.7.6.3, C.11, C.9;
PS3.5 8), not copied from anywhere: every combination of the display pipeline that a real
modality writes, each as a small DICOM file with a ramp of pixel values that covers the
whole stored range, so a lookup table is checked at every entry.

Each case says which DCMTK ``dcmj2pnm`` options select the same VOI as our default
(what the file asks for), and how many grey levels the two may differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    generate_uid,
)

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MG_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"


@dataclass(frozen=True)
class Case:
    """One file of the corpus and how DCMTK is asked to show it."""

    name: str
    build: Callable[[], Dataset] = field(repr=False)
    syntax: str = ExplicitVRLittleEndian
    dcmtk_args: tuple[str, ...] = ()  # VOI selection etc.
    tolerance: int = 1
    frames: tuple[int, ...] = (0,)
    # DCMTK cannot read some valid encodings (segmented palettes): it is shown an
    # equivalent file built another way, and the case must look the same as that.
    twin: Callable[[], Dataset] | None = field(default=None, repr=False)

    def write(self, folder: Path, reference: bool = False) -> Path:
        """Write the case's file into ``folder`` (with ``reference``: the file DCMTK is
        shown, the twin where there is one); returns its path."""
        build = self.twin if reference and self.twin is not None else self.build
        ds = build()
        ds.file_meta.TransferSyntaxUID = self.syntax
        path = folder / f"{self.name}{'.reference' if reference else ''}.dcm"
        little = self.syntax != ExplicitVRBigEndian
        implicit = self.syntax == ImplicitVRLittleEndian
        if not little:
            _to_big_endian(ds)
        ds.save_as(path, enforce_file_format=True, little_endian=little, implicit_vr=implicit)
        return path


def _to_big_endian(ds: Dataset) -> None:
    """Pixel data and OW LUT data are byte strings in the file's byte order: swap them
    (pydicom encodes US/SS values itself)."""
    bits = int(ds.BitsAllocated)
    if bits == 16 and "PixelData" in ds:
        ds.PixelData = np.frombuffer(ds.PixelData, "<u2").astype(">u2").tobytes()
    for item in [ds, *ds.get("ModalityLUTSequence", []), *ds.get("VOILUTSequence", [])]:
        element = item.get((0x0028, 0x3006))
        if element is not None and element.VR == "OW":
            item[0x00283006].value = np.frombuffer(element.value, "<u2").astype(">u2").tobytes()
    ow = [_palette_tag(c) for c in ("Red", "Green", "Blue")]
    ow += [_segmented_tag(c) for c in ("Red", "Green", "Blue")]
    ow += [0x60003000 + 0x20000 * i for i in range(16)]  # Overlay Data of groups 60xx
    for tag in ow:
        if tag in ds:  # OW: 16-bit words in the file's byte order
            ds[tag].value = np.frombuffer(ds[tag].value, "<u2").astype(">u2").tobytes()


def base(
    sop_class: str = SECONDARY_CAPTURE,
    modality: str = "OT",
    photometric: str = "MONOCHROME2",
    rows: int = 64,
    columns: int = 64,
    bits_allocated: int = 16,
    bits_stored: int = 12,
    signed: bool = False,
    samples: int = 1,
) -> Dataset:
    """The attributes every image of the corpus has (Image Pixel module, SOP Common)."""
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = modality
    ds.PatientName = "CONFORMANCE^TEST"
    ds.PatientID = "C1"
    ds.Rows, ds.Columns = rows, columns
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if samples == 3:
        ds.PlanarConfiguration = 0
    return ds


def ramp(rows: int, columns: int, low: int, high: int, dtype: str) -> npt.NDArray[np.generic]:
    """Every integer from ``low`` to ``high`` in raster order (repeated to fill, or sampled
    evenly when there are more values than pixels)."""
    count = rows * columns
    span = high - low + 1
    if span <= count:
        values = low + np.arange(count) % span
    else:
        values = np.rint(np.linspace(low, high, count)).astype(np.int64)
    return values.astype(dtype).reshape(rows, columns)


def with_pixels(ds: Dataset, pixels: npt.NDArray[np.generic]) -> Dataset:
    """Store ``pixels`` (little endian; _to_big_endian swaps for big-endian cases)."""
    little = pixels.astype(pixels.dtype.newbyteorder("<"))
    ds.PixelData = little.tobytes()
    if pixels.ndim == 3 and int(ds.SamplesPerPixel) == 1:
        ds.NumberOfFrames = pixels.shape[0]
    return ds


def grey_image(
    bits_stored: int = 12,
    signed: bool = False,
    photometric: str = "MONOCHROME2",
    sop_class: str = SECONDARY_CAPTURE,
    modality: str = "OT",
    size: int = 64,
) -> Dataset:
    """A grey ramp over the whole stored range of ``bits_stored``."""
    allocated = 8 if bits_stored <= 8 else 16
    low, high = (
        (-(2 ** (bits_stored - 1)), 2 ** (bits_stored - 1) - 1)
        if signed
        else (
            0,
            2**bits_stored - 1,
        )
    )
    dtype = f"{'i' if signed else 'u'}{allocated // 8}"
    ds = base(sop_class, modality, photometric, size, size, allocated, bits_stored, signed)
    return with_pixels(ds, ramp(size, size, low, high, dtype))


def _window(ds: Dataset, center: float, width: float, function: str = "") -> Dataset:
    ds.WindowCenter = f"{center:g}"
    ds.WindowWidth = f"{width:g}"
    if function:
        ds.VOILUTFunction = function
    return ds


def _lut_item(first: int, entries: npt.NDArray[np.int64], bits: int, vr: str) -> Dataset:
    item = Dataset()
    descriptor = [len(entries) % 65536, first % 65536, bits]
    item.add_new((0x0028, 0x3002), "US", descriptor)
    if vr == "OW":
        item.add_new((0x0028, 0x3006), "OW", entries.astype("<u2").tobytes())
    else:
        item.add_new((0x0028, 0x3006), "US", [int(v) for v in entries])
    return item


def _voi_lut(bits_stored: int, bits: int, vr: str, signed: bool = False) -> Callable[[], Dataset]:
    def build() -> Dataset:
        ds = grey_image(bits_stored, signed)
        first = -(2 ** (bits_stored - 1)) if signed else 0
        size = 2**bits_stored
        x = np.arange(size) / (size - 1)
        entries = np.rint((x**0.5) * (2**bits - 1)).astype(np.int64)  # a gamma-like curve
        ds.VOILUTSequence = Sequence([_lut_item(first, entries, bits, vr)])
        return ds

    return build


def _modality_lut(vr: str, first: int, bits_stored: int = 16) -> Callable[[], Dataset]:
    def build() -> Dataset:
        ds = grey_image(bits_stored)
        entries = np.rint(np.linspace(0, 4095, 4096) ** 1.0 * 0.5 + 100).astype(np.int64)
        ds.ModalityLUTSequence = Sequence([_lut_item(first, entries, 16, vr)])
        ds.ModalityLUTSequence[0].ModalityLUTType = "US"
        # window over the LUT's output, which is what DCMTK and we both apply after it
        return _window(ds, 1100, 2000)

    return build


def _dx(photometric: str, shape: str | None) -> Callable[[], Dataset]:
    def build() -> Dataset:
        ds = grey_image(12, photometric=photometric, sop_class=DX_FOR_PRESENTATION, modality="DX")
        if shape is not None:
            ds.PresentationLUTShape = shape
        return _window(ds, 2048, 4096)

    return build


def _windowed(
    center: float, width: float, function: str = "", bits_stored: int = 12, signed: bool = False
) -> Callable[[], Dataset]:
    return lambda: _window(grey_image(bits_stored, signed), center, width, function)


def _ct() -> Dataset:
    ds = grey_image(16, signed=True, sop_class=CT_IMAGE, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "1", "-1024", "HU"
    return _window(ds, 40, 400)


def _ct_slope() -> Dataset:
    ds = grey_image(12, sop_class=CT_IMAGE, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept = "0.5", "-1024"
    return _window(ds, -300, 1200)


def _overlay(frames: int = 1, frame_origin: int | None = None) -> Callable[[], Dataset]:
    def build() -> Dataset:
        ds = grey_image(12)
        if frames > 1:
            with_pixels(ds, np.stack([ramp(64, 64, 0, 4095, "u2")] * frames))
        rows, cols = 16, 24
        mask = np.zeros((max(1, frames if frame_origin is None else 1), rows, cols), bool)
        mask[:, 2:14, 3:5] = True  # a vertical bar
        mask[:, 2:4, 3:20] = True  # and a horizontal one: an "F"
        ds.add_new((0x6000, 0x0010), "US", rows)
        ds.add_new((0x6000, 0x0011), "US", cols)
        ds.add_new((0x6000, 0x0040), "CS", "G")
        ds.add_new((0x6000, 0x0050), "SS", [10, 20])
        ds.add_new((0x6000, 0x0100), "US", 1)
        ds.add_new((0x6000, 0x0102), "US", 0)
        if frame_origin is not None:
            ds.add_new((0x6000, 0x0015), "IS", "1")
            ds.add_new((0x6000, 0x0051), "US", frame_origin)
        elif frames > 1:
            ds.add_new((0x6000, 0x0015), "IS", str(frames))
            ds.add_new((0x6000, 0x0051), "US", 1)
        bits = np.packbits(mask.reshape(-1), bitorder="little")
        if len(bits) % 2:
            bits = np.append(bits, 0)
        ds.add_new((0x6000, 0x3000), "OW", bits.tobytes())
        return _window(ds, 2048, 4096)

    return build


def _palette(bits: int, segmented: bool = False, expanded: bool = False) -> Callable[[], Dataset]:
    """A palette image; ``segmented`` writes each channel as a discrete then a linear segment,
    ``expanded`` the same table written out entry by entry (its twin for DCMTK)."""

    def build() -> Dataset:
        ds = base(photometric="PALETTE COLOR", bits_allocated=8, bits_stored=8)
        with_pixels(ds, ramp(64, 64, 0, 255, "u1"))
        x = np.arange(256)
        top = 2**bits - 1
        channels = {
            "Red": np.rint(x / 255 * top),
            "Green": np.rint((255 - x) / 255 * top),
            "Blue": np.rint(np.abs(128 - x) / 128 * top).clip(0, top),
        }
        for colour, values in channels.items():
            ds[f"{colour}PaletteColorLookupTableDescriptor"] = _us_element(
                [256, 0, bits], f"{colour}PaletteColorLookupTableDescriptor"
            )
            entries = values.astype(np.int64)
            if expanded:  # what the two segments below expand to (PS3.3 C.7.9.2.1)
                entries = np.rint(np.linspace(entries[0], entries[255], 256)).astype(np.int64)
            if segmented:
                # one discrete segment then a linear segment to the end (PS3.3 C.7.9.2)
                words = [0, 1, int(entries[0]), 1, 255, int(entries[255])]
                data = np.asarray(words, "<u2").tobytes()
                ds.add_new(_segmented_tag(colour), "OW", data)
            elif bits == 16:
                ds.add_new(_palette_tag(colour), "OW", entries.astype("<u2").tobytes())
            else:
                ds.add_new(_palette_tag(colour), "OW", entries.astype("u1").tobytes())
        return ds

    return build


def _us_element(values: list[int], keyword: str) -> object:
    from pydicom.datadict import tag_for_keyword
    from pydicom.dataelem import DataElement

    tag = tag_for_keyword(keyword)
    assert tag is not None
    return DataElement(tag, "US", values)


def _palette_tag(colour: str) -> int:
    return {"Red": 0x00281201, "Green": 0x00281202, "Blue": 0x00281203}[colour]


def _segmented_tag(colour: str) -> int:
    return {"Red": 0x00281221, "Green": 0x00281222, "Blue": 0x00281223}[colour]


def _rgb(planar: int) -> Callable[[], Dataset]:
    def build() -> Dataset:
        ds = base(photometric="RGB", bits_allocated=8, bits_stored=8, samples=3)
        ds.PlanarConfiguration = planar
        r = ramp(64, 64, 0, 255, "u1")
        rgb = np.stack([r, r[::-1], r.T], axis=-1)
        data = rgb.transpose(2, 0, 1) if planar else rgb
        ds.PixelData = np.ascontiguousarray(data).tobytes()
        return ds

    return build


def _ybr_full() -> Dataset:
    ds = base(photometric="YBR_FULL", bits_allocated=8, bits_stored=8, samples=3)
    r = ramp(64, 64, 0, 255, "u1")
    ybr = np.stack([r, r[::-1], r.T], axis=-1)  # arbitrary Y, Cb, Cr over the whole range
    ds.PixelData = np.ascontiguousarray(ybr).tobytes()
    return ds


def cases() -> list[Case]:
    """Every case of the corpus."""
    out: list[Case] = []
    # Photometric interpretation × Presentation LUT Shape (the DX chest film shown as a
    # negative last round had MONOCHROME1 + INVERSE).
    for photometric in ("MONOCHROME1", "MONOCHROME2"):
        for shape in (None, "IDENTITY", "INVERSE"):
            name = f"dx_{photometric.lower()}_{(shape or 'absent').lower()}"
            out.append(Case(name, _dx(photometric, shape), dcmtk_args=("+Wi", "1")))
    # VOI functions × narrow and wide windows (LINEAR's −0.5 and width − 1 terms matter most
    # for narrow windows; SIGMOID is what mammography vendors use).
    for function in ("", "LINEAR", "SIGMOID"):
        for center, width in ((32, 8), (40, 2), (2048, 4096), (1000, 300)):
            label = (function or "default").lower()
            out.append(
                Case(
                    f"voi_{label}_c{center}_w{width}",
                    _windowed(center, width, function),
                    dcmtk_args=("+Wi", "1"),
                )
            )
    out.append(
        Case(
            "voi_sigmoid_mg_mono1",
            lambda: _window(
                grey_image(
                    12, photometric="MONOCHROME1", sop_class=MG_FOR_PRESENTATION, modality="MG"
                ),
                2000,
                1500,
                "SIGMOID",
            ),
            dcmtk_args=("+Wi", "1"),
        )
    )
    # Signed pixels, rescale, 8 and 16 bits.
    out.append(Case("ct_signed_rescale", _ct, dcmtk_args=("+Wi", "1")))
    out.append(Case("ct_slope_half", _ct_slope, dcmtk_args=("+Wi", "1")))
    out.append(
        Case("signed_12bit_window", _windowed(0, 1000, "", 12, True), dcmtk_args=("+Wi", "1"))
    )
    out.append(Case("unsigned_8bit_window", _windowed(100, 80, "", 8), dcmtk_args=("+Wi", "1")))
    out.append(Case("unsigned_16bit_full_range", lambda: grey_image(16), dcmtk_args=("+Wm",)))
    out.append(Case("signed_16bit_full_range", lambda: grey_image(16, True), dcmtk_args=("+Wm",)))
    out.append(
        Case(
            "mono1_full_range",
            lambda: grey_image(10, photometric="MONOCHROME1"),
            dcmtk_args=("+Wm",),
        )
    )
    # VOI LUT Sequence (no window in the file), entries of 8, 12 and 16 bits, US and OW.
    for bits in (8, 12, 16):
        for vr in ("US", "OW"):
            out.append(
                Case(
                    f"voi_lut_{bits}bit_{vr.lower()}",
                    _voi_lut(12, bits, vr),
                    dcmtk_args=("+Wl", "1"),
                )
            )
    out.append(Case("voi_lut_signed", _voi_lut(12, 16, "US", signed=True), dcmtk_args=("+Wl", "1")))
    # Modality LUT Sequence, US and OW.
    for vr in ("US", "OW"):
        out.append(
            Case(f"modality_lut_{vr.lower()}", _modality_lut(vr, 0, 12), dcmtk_args=("+Wi", "1"))
        )
    # Overlays: single frame, multi-frame applying to every frame, and one for frame 2 only.
    out.append(Case("overlay_single", _overlay(), dcmtk_args=("+Wi", "1")))
    out.append(Case("overlay_multiframe", _overlay(3), dcmtk_args=("+Wi", "1"), frames=(0, 2)))
    out.append(
        Case(
            "overlay_frame2_only",
            _overlay(3, frame_origin=2),
            dcmtk_args=("+Wi", "1"),
            frames=(0, 1, 2),
        )
    )
    # Colour: palettes (8/16-bit entries, segmented), RGB both planar configurations, YBR.
    out.append(Case("palette_8bit", _palette(8)))
    out.append(Case("palette_16bit", _palette(16)))
    out.append(
        Case("palette_segmented", _palette(16, segmented=True), twin=_palette(16, expanded=True))
    )
    out.append(Case("rgb_planar0", _rgb(0)))
    out.append(Case("rgb_planar1", _rgb(1)))
    out.append(Case("ybr_full", _ybr_full))
    # The same in big endian and implicit VR: byte order must not change a grey level.
    big = [
        replace(c, name=f"{c.name}_big_endian", syntax=ExplicitVRBigEndian)
        for c in out
        if not c.name.startswith(("voi_default", "voi_linear"))
    ]
    implicit = [
        replace(c, name=f"{c.name}_implicit", syntax=ImplicitVRLittleEndian)
        for c in out
        if c.name.startswith(("dx_", "voi_lut", "modality_lut", "palette"))
    ]
    return out + big + implicit
