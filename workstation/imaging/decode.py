"""Reading a DICOM instance into pixels plus the attributes the display pipeline needs."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import numpy as np
import numpy.typing as npt
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.pixels.decoders.base import get_decoder
from pydicom.sequence import Sequence
from pydicom.uid import (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
)

from workstation.imaging import calibration as cal
from workstation.imaging.codestream import check_compressed
from workstation.imaging.color import ybr_to_rgb
from workstation.imaging.decoders import plugin_for
from workstation.imaging.errors import DecodeError as DecodeError
from workstation.imaging.identity import ImageIdentity, identity_of
from workstation.imaging.limits import check_budget, check_deflated
from workstation.imaging.limits import count_value as _int
from workstation.imaging.lut_data import Lut as Lut
from workstation.imaging.lut_data import is_little_endian, read_lut, voi_input_signed
from workstation.imaging.names import display_texts
from workstation.imaging.orientation import patient_orientation_directions
from workstation.imaging.overlays import Overlay as Overlay
from workstation.imaging.overlays import read_overlays
from workstation.imaging.padding import read_padding
from workstation.imaging.palette import apply_palette, read_palette
from workstation.imaging.transfer_syntax import transfer_syntax
from workstation.imaging.voi import PresentationLutShape, VoiFunction, Window
from workstation.logs import safe

log = logging.getLogger("workstation.imaging")
T = TypeVar("T")


@dataclass(frozen=True, eq=False)  # identity equality: pixel arrays do not compare
class DicomImage:
    """Pixels (frames × rows × columns [× 3]) in their stored dtype, and display attributes."""

    pixels: npt.NDArray[Any]
    photometric: str
    modality: str
    sop_instance_uid: str
    series_instance_uid: str
    study_instance_uid: str
    instance_number: int
    rescale_slope: float = 1.0
    rescale_intercept: float = 0.0
    modality_lut: Lut | None = None
    windows: tuple[Window, ...] = ()
    voi_lut: Lut | None = None
    presentation_lut_shape: PresentationLutShape | None = None  # None: not in the file
    position: tuple[float, float, float] | None = None
    orientation: tuple[float, float, float, float, float, float] | None = None
    pixel_spacing: tuple[float, float] | None = None  # row, column spacing in mm
    spacing_source: str = ""  # "PixelSpacing", "ImagerPixelSpacing" or ""
    slice_thickness: float | None = None
    frame_time_ms: float | None = None
    series_number: int = 0
    series_description: str = ""
    study_date: str = ""
    institution: str = ""
    patient_name: str = ""  # display text (names.person_name_display): "张三", "ZHANG SAN"
    bits_stored: int = 16
    overlays: tuple[Overlay, ...] = ()
    # Inclusive range of stored values that are padding (PS3.3 C.7.5.1.1.2), or None.
    padding: tuple[int, int] | None = None
    # Enhanced multi-frame (functional groups): one entry per frame, None when not given.
    frame_positions: tuple[tuple[float, float, float], ...] | None = None
    frame_rescales: tuple[tuple[float, float], ...] | None = None  # slope, intercept
    frame_windows: tuple[tuple[Window, ...], ...] | None = None
    frame_orientations: tuple[tuple[float, float, float, float, float, float], ...] | None = None
    # Patient Orientation (0020,0020) of projection images (DX, CR, MG) as direction
    # vectors: only for the orientation letters, never for geometry.
    projection_orientation: tuple[float, float, float, float, float, float] | None = None
    # Texts are decoded by workstation.imaging.names; True when a text's character set was
    # not declared or did not fit its bytes (the viewer shows "字符集未声明").
    study_description: str = ""
    charset_undeclared: bool = False
    # Calibration (workstation.imaging.calibration): the file's Imager Pixel Spacing (row,
    # column mm; also when pixel_spacing holds Pixel Spacing), Pixel Spacing Calibration
    # Type, ultrasound regions and radiographic magnification. Use ``calibration``.
    imager_pixel_spacing: tuple[float, float] | None = None
    spacing_calibration_type: str = ""
    us_regions: tuple[cal.UltrasoundRegion, ...] = ()
    magnification: cal.Magnification | None = None
    # Frame of Reference UID and Body Part Examined (upper case), "" when absent: two scans
    # share coordinates only with the same frame of reference (alignment of a prior).
    frame_of_reference_uid: str = ""
    body_part: str = ""
    # What a measurement report or key object selection copies from the image (identity.py).
    identity: ImageIdentity | None = None

    @property
    def calibration(self) -> cal.Calibration:
        """Where measured mm come from: pass it to ``calibration.measure_length`` and
        ``measure_area``."""
        return cal.make_calibration(
            self.pixel_spacing,
            self.spacing_source,
            self.imager_pixel_spacing,
            self.spacing_calibration_type,
            self.us_regions,
            self.magnification,
        )

    @property
    def frames(self) -> int:
        """Number of frames."""
        return int(self.pixels.shape[0])

    @property
    def is_color(self) -> bool:
        """True for RGB pixels (after any YBR conversion)."""
        return self.pixels.ndim == 4

    @property
    def rows(self) -> int:
        """Image height in pixels."""
        return int(self.pixels.shape[1])

    @property
    def columns(self) -> int:
        """Image width in pixels."""
        return int(self.pixels.shape[2])


def _floats(value: Any) -> list[float]:
    if value is None:
        return []
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        value = [value]
    return [float(v) for v in value]


def _modality_lut(ds: Dataset) -> Lut | None:
    """The Modality LUT Sequence's LUT; its input is the stored values, signed when the
    pixels are. Raises DecodeError for a broken LUT: without it the values have no units."""
    items = _items(ds, "ModalityLUTSequence")
    if not items:
        return None
    signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
    return read_lut(items[0], is_little_endian(ds), signed, "Modality LUT")


def _voi_lut(ds: Dataset) -> Lut | None:
    """The VOI LUT Sequence's first LUT; a broken one is left out (logged), since a window
    or the full range still shows the image."""
    items = _items(ds, "VOILUTSequence")
    if not items:
        return None
    try:
        return read_lut(items[0], is_little_endian(ds), voi_input_signed(ds), "VOI LUT")
    except DecodeError as exc:
        log.info("VOI LUT not used: %s", exc)
        return None


def _window_fault(center: float, width: float, function: VoiFunction) -> str:
    """Why a file's window cannot be used, or "" when it can (PS3.3 C.11.2.1.2)."""
    if not (math.isfinite(center) and math.isfinite(width)):
        return "its center or width is not a number"
    if function is VoiFunction.LINEAR and width < 1:
        return f"width {width:g} is below 1, which LINEAR does not allow"
    if width <= 0:
        return f"width {width:g} is not above 0"
    return ""


def _windows(ds: Dataset) -> tuple[Window, ...]:
    """The file's VOI windows that the standard allows; the others are left out with a
    logged reason (the image is still shown with the next window or the full range)."""
    try:
        centers = _floats(ds.get("WindowCenter"))
        widths = _floats(ds.get("WindowWidth"))
    except (TypeError, ValueError):
        log.info("window center/width are not numbers; ignored")
        return ()
    names = ds.get("WindowCenterWidthExplanation") or []
    if isinstance(names, str):
        names = [names]
    try:
        function = VoiFunction(str(ds.get("VOILUTFunction", "LINEAR")).strip() or "LINEAR")
    except ValueError:
        function = VoiFunction.LINEAR
    out = []
    for i, (center, width) in enumerate(zip(centers, widths, strict=False)):
        fault = _window_fault(center, width, function)
        if fault:
            log.info("window %d not used: %s", i + 1, safe(fault))
            continue
        name = str(names[i]) if i < len(names) else ""
        out.append(Window(center, width, function, name))
    return tuple(out)


def _finite_number(ds: Dataset, keyword: str, default: float) -> float:
    """A rescale value; a value that is not a finite number (or a slope of 0) makes every
    pixel meaningless, so the file is refused rather than shown black."""
    raw = ds.get(keyword)
    if raw is None or raw == "":
        return default
    value = float(raw)
    if not math.isfinite(value) or abs(value) > 1e12 or (keyword == "RescaleSlope" and value == 0):
        raise DecodeError(f"{keyword} {str(raw)[:24]} is not a usable number")
    return value


def _projection_orientation(
    ds: Dataset,
) -> tuple[float, float, float, float, float, float] | None:
    value = ds.get("PatientOrientation")
    if value is None or "ImageOrientationPatient" in ds:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return patient_orientation_directions([str(v) for v in values])


def _presentation_shape(ds: Dataset) -> PresentationLutShape | None:
    text = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
    try:
        return PresentationLutShape(text) if text else None
    except ValueError:
        log.info("Presentation LUT Shape %r not used", text[:16])
        return None


def read_dataset(source: str | Path | BinaryIO) -> Dataset:
    """Parse a DICOM file. Raises DecodeError with a plain message.

    pydicom's warnings about non-conformant files (common in real archives) are logged,
    not raised.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ds = _parse(source)
        except DecodeError:
            raise
        except MemoryError as exc:  # a damaged length asks for more than memory holds
            raise DecodeError(
                "not a readable DICOM file (an element claims too many bytes)"
            ) from exc
        except Exception as exc:  # a damaged file may fail anywhere inside the parser
            raise DecodeError(f"not a readable DICOM file ({type(exc).__name__}: {exc})") from exc
    for warning in caught:
        log.info("non-conformant DICOM: %s", warning.message)
    return ds


def _parse(source: str | Path | BinaryIO) -> Dataset:
    """dcmread, after a deflated file's inflated size was bounded."""
    if isinstance(source, str | Path):
        with open(source, "rb") as stream:
            check_deflated(stream)
            return dcmread(stream, force=True)
    check_deflated(source)
    return dcmread(source, force=True)


def read_dataset_header(source: BinaryIO) -> Dataset:
    """Parse only the header (up to the pixel data). Raises DecodeError."""
    try:
        check_deflated(source)
        return dcmread(source, force=True, stop_before_pixels=True)
    except DecodeError:
        raise
    except Exception as exc:  # a damaged file may fail anywhere inside the parser
        raise DecodeError(f"not a readable DICOM file ({type(exc).__name__}: {exc})") from exc


def decode(ds: Dataset) -> DicomImage:
    """Pixels and display attributes of a parsed dataset. Raises DecodeError."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            image = _decode(ds)
    except DecodeError:
        raise
    except MemoryError as exc:
        raise DecodeError("there is not enough memory to open the image") from exc
    except Exception as exc:  # lazily parsed elements fail on first access
        raise DecodeError(f"the header is malformed ({type(exc).__name__}: {exc})") from exc
    for warning in caught:
        log.info("non-conformant DICOM: %s", warning.message)
    return image


def _decode(ds: Dataset) -> DicomImage:
    if "PixelData" not in ds and "FloatPixelData" not in ds:
        raise DecodeError("the file has no image (no pixel data)")
    check_budget(ds)  # before any decoder allocates what the header claims
    check_compressed(ds)
    if "NumberOfFrames" in ds:
        ds.NumberOfFrames = _int(ds.get("NumberOfFrames"), 1)  # decoders need a clean value
    pixels, photometric, bits_stored = _display_pixels(ds)
    # Frames from the decoded array: a damaged NumberOfFrames must not misplace pixels.
    if pixels.ndim == (4 if photometric == "RGB" else 3) - 1:
        pixels = pixels[np.newaxis, ...]
    modality_lut = _modality_lut(ds)
    voi_lut = _voi_lut(ds)
    spacing, source = None, ""
    for keyword in ("PixelSpacing", "ImagerPixelSpacing"):
        values = _floats(ds.get(keyword))
        # a spacing must be a real, plausible size: NaN, inf or 1e300 mm would make every
        # measurement meaningless (ignored: the image shows as uncalibrated)
        if len(values) == 2 and all(math.isfinite(v) and 0 < v <= 10_000 for v in values):
            spacing, source = (values[0], values[1]), keyword
            break
    position = _floats(ds.get("ImagePositionPatient"))
    orientation = _floats(ds.get("ImageOrientationPatient"))
    frame_time = ds.get("FrameTime")
    texts = display_texts(ds)
    image = DicomImage(
        pixels=pixels,
        photometric=photometric,
        modality=str(ds.get("Modality", "")),
        sop_instance_uid=str(ds.get("SOPInstanceUID", "")),
        series_instance_uid=str(ds.get("SeriesInstanceUID", "")),
        study_instance_uid=str(ds.get("StudyInstanceUID", "")),
        instance_number=int(ds.get("InstanceNumber", 0) or 0),
        rescale_slope=_finite_number(ds, "RescaleSlope", 1.0),
        rescale_intercept=_finite_number(ds, "RescaleIntercept", 0.0),
        modality_lut=modality_lut,
        windows=_windows(ds),
        voi_lut=voi_lut,
        presentation_lut_shape=_presentation_shape(ds),
        projection_orientation=_projection_orientation(ds),
        position=(position[0], position[1], position[2]) if len(position) == 3 else None,
        orientation=tuple(orientation) if len(orientation) == 6 else None,  # type: ignore[arg-type]
        pixel_spacing=spacing,
        spacing_source=source,
        slice_thickness=float(ds.SliceThickness) if ds.get("SliceThickness") else None,
        frame_time_ms=float(frame_time) if frame_time else None,
        series_number=int(ds.get("SeriesNumber", 0) or 0),
        series_description=texts.series_description,
        study_date=str(ds.get("StudyDate", "")),
        institution=texts.institution,
        patient_name=texts.patient_name,
        bits_stored=bits_stored,
        overlays=read_overlays(ds, is_little_endian(ds), lambda: _raw_words(ds)),
        padding=read_padding(ds) if photometric != "RGB" else None,
        study_description=texts.study_description,
        charset_undeclared=texts.charset_undeclared,
        imager_pixel_spacing=cal.imager_pixel_spacing(ds),
        spacing_calibration_type=cal.pixel_spacing_calibration_type(ds),
        us_regions=cal.ultrasound_regions(ds),
        magnification=cal.radiographic_magnification(ds),
        frame_of_reference_uid=str(ds.get("FrameOfReferenceUID", "") or "").strip(),
        body_part=str(ds.get("BodyPartExamined", "") or "").strip().upper(),
        identity=identity_of(ds),
    )
    return _with_functional_groups(image, ds)


# JPEG baseline/extended: pydicom's rounded BT.601 conversion, as IJG rounds it (DCMTK lets
# IJG convert JPEG); other syntaxes give YCbCr to color.ybr_to_rgb (DCMTK's arithmetic).
_DECODER_CONVERTS_COLOR = frozenset({JPEGBaseline8Bit, JPEGExtended12Bit})


def _decoded(ds: Dataset) -> tuple[npt.NDArray[Any], str]:
    """Pixel values as the decoder gives them and the photometric interpretation they are
    in. Raises DecodeError."""
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    syntax = transfer_syntax(ds)
    try:
        native = native_pixels(ds)
        if native is not None:
            return native, photometric
        if syntax is None:
            return np.asarray(ds.pixel_array), photometric  # pydicom guesses the encoding
        decoder = get_decoder(syntax)
        options: dict[str, Any] = {
            "as_rgb": syntax in _DECODER_CONVERTS_COLOR,
            "decoding_plugin": plugin_for(syntax),
        }
        pixels, properties = decoder.as_array(ds, **options)
    except NotImplementedError as exc:
        raise DecodeError(f"no decoder for transfer syntax {syntax or 'unknown'}") from exc
    except Exception as exc:
        raise DecodeError(
            f"the pixel data cannot be decoded ({type(exc).__name__}: {exc})"
        ) from exc
    return np.asarray(pixels), str(properties.get("photometric_interpretation", photometric))


def _display_pixels(ds: Dataset) -> tuple[npt.NDArray[Any], str, int]:
    """Grey stored values or RGB samples, "RGB" or the grey photometric interpretation, and
    the bits per value: palettes applied, YCbCr converted. Raises DecodeError."""
    original = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    if samples not in (1, 3):
        raise DecodeError(f"images with {samples} samples per pixel are not supported")
    colour = original in (
        "RGB",
        "YBR_FULL",
        "YBR_FULL_422",
        "YBR_RCT",
        "YBR_ICT",
        "YBR_PARTIAL_420",
        "YBR_PARTIAL_422",
    )
    if colour != (samples == 3):
        raise DecodeError(f"{original} with {samples} sample(s) per pixel is contradictory")
    pixels, photometric = _decoded(ds)
    bits_stored = int(ds.get("BitsStored", ds.get("BitsAllocated", 16)) or 16)
    if photometric == "PALETTE COLOR" and samples == 1:
        palette = read_palette(ds, is_little_endian(ds))
        return apply_palette(pixels, palette), "RGB", palette.bits
    if samples == 3 and photometric in ("YBR_FULL", "YBR_FULL_422"):
        if pixels.dtype.kind == "i":  # signed samples: chroma centred on 0
            unsigned = np.dtype(f"u{pixels.dtype.itemsize}")
            pixels = (pixels.astype(np.int64) + 2 ** (bits_stored - 1)).astype(unsigned)
        pixels = ybr_to_rgb(pixels, bits_stored, subsampled=original == "YBR_FULL_422")
    return pixels, ("RGB" if samples == 3 else photometric), bits_stored


def _raw_words(ds: Dataset) -> npt.NDArray[np.unsignedinteger] | None:
    """Native grey pixel words with every bit kept (frames × rows × columns), for overlays
    embedded in unused high bits; None for compressed or colour data."""
    syntax = transfer_syntax(ds)
    bits = int(ds.get("BitsAllocated", 0) or 0)
    if syntax is None or syntax.is_encapsulated or bits not in (8, 16):
        return None
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1 or "PixelData" not in ds:
        return None
    if bits == 8 and not syntax.is_little_endian and ds["PixelData"].VR == "OW":
        return None  # bytes swapped in pairs; not worth it for a retired feature
    rows, cols, frames = int(ds.Rows), int(ds.Columns), _int(ds.get("NumberOfFrames"), 1)
    dtype = np.dtype(f"{'<' if syntax.is_little_endian else '>'}u{bits // 8}")
    raw = ds.PixelData
    if not isinstance(raw, bytes) or len(raw) < rows * cols * frames * dtype.itemsize:
        return None
    words = np.frombuffer(raw, dtype, count=rows * cols * frames)
    return words.astype(dtype.newbyteorder("="), copy=False).reshape(frames, rows, cols)


_MALFORMED = (AttributeError, IndexError, KeyError, OverflowError, TypeError, ValueError)


@dataclass(frozen=True)
class _GroupValues:
    """What the functional groups give: per frame, or for the image (from frame 0)."""

    positions: list[tuple[float, float, float] | None]
    rescales: list[tuple[float, float] | None]
    windows: list[tuple[Window, ...] | None]
    orientations: list[tuple[float, float, float, float, float, float] | None]
    pixel_spacing: tuple[float, float] | None
    slice_thickness: float | None


def _finite(value: Any, count: int) -> list[float] | None:
    values = _floats(value)
    return values if len(values) == count and all(map(math.isfinite, values)) else None


def _position(macro: Dataset) -> tuple[float, float, float] | None:
    values = _finite(macro.get("ImagePositionPatient"), 3)
    return (values[0], values[1], values[2]) if values else None


def _orientation(macro: Dataset) -> tuple[float, float, float, float, float, float] | None:
    values = _finite(macro.get("ImageOrientationPatient"), 6)
    return (values[0], values[1], values[2], values[3], values[4], values[5]) if values else None


def _rescale(macro: Dataset) -> tuple[float, float] | None:
    slope = _finite(macro.get("RescaleSlope"), 1)
    intercept = _finite(macro.get("RescaleIntercept"), 1)
    if not slope or not intercept or slope[0] == 0:
        return None
    return slope[0], intercept[0]


def _frame_windows(macro: Dataset) -> tuple[Window, ...] | None:
    return _windows(macro) or None


def _pixel_spacing(macro: Dataset) -> tuple[float, float] | None:
    values = _finite(macro.get("PixelSpacing"), 2)
    return (values[0], values[1]) if values and min(values) > 0 else None


def _slice_thickness(macro: Dataset) -> float | None:
    values = _finite(macro.get("SliceThickness"), 1)
    return values[0] if values and values[0] > 0 else None


def _items(ds: Dataset, keyword: str) -> list[Dataset]:
    value = ds.get(keyword)
    if value is not None and not isinstance(value, Sequence):
        log.info("%s is not a sequence; ignored", safe(keyword))
        return []
    return list(value or [])


def _from_groups(
    groups: list[Dataset], sequence: str, read: Callable[[Dataset], T | None]
) -> T | None:
    """The first usable value of a functional group macro, most specific group first."""
    for group in groups:
        try:
            macro = group.get(sequence)
            found = read(macro[0]) if isinstance(macro, Sequence) and len(macro) else None
        except _MALFORMED as exc:
            log.info("%s item not used: %s", safe(sequence), safe(type(exc).__name__))
            continue
        if found is not None:
            return found
    return None


def _group_values(ds: Dataset, frames: int) -> _GroupValues | None:
    if "SharedFunctionalGroupsSequence" not in ds and "PerFrameFunctionalGroupsSequence" not in ds:
        return None
    shared = _items(ds, "SharedFunctionalGroupsSequence")[:1]
    per_frame = _items(ds, "PerFrameFunctionalGroupsSequence")
    if per_frame and len(per_frame) != frames:
        log.info("%d per-frame functional groups for %d frames", len(per_frame), frames)
    groups = [per_frame[i : i + 1] + shared for i in range(frames)]
    return _GroupValues(
        positions=[_from_groups(g, "PlanePositionSequence", _position) for g in groups],
        rescales=[_from_groups(g, "PixelValueTransformationSequence", _rescale) for g in groups],
        windows=[_from_groups(g, "FrameVOILUTSequence", _frame_windows) for g in groups],
        orientations=[_from_groups(g, "PlaneOrientationSequence", _orientation) for g in groups],
        pixel_spacing=_from_groups(groups[0], "PixelMeasuresSequence", _pixel_spacing),
        slice_thickness=_from_groups(groups[0], "PixelMeasuresSequence", _slice_thickness),
    )


def _every_frame(values: list[T | None], default: T) -> tuple[T, ...] | None:
    """Per-frame values with gaps filled by ``default``; None when no frame has its own."""
    if all(v is None for v in values):
        return None
    return tuple(default if v is None else v for v in values)


def _all_positions(
    positions: list[tuple[float, float, float] | None],
) -> tuple[tuple[float, float, float], ...] | None:
    known = [p for p in positions if p is not None]
    if known and len(known) < len(positions):
        log.info(
            "plane position missing for %d frames; no per-frame geometry",
            len(positions) - len(known),
        )
    return tuple(known) if len(known) == len(positions) else None


def _distinct_orientations(
    orientations: list[tuple[float, float, float, float, float, float] | None],
    image_orientation: tuple[float, float, float, float, float, float] | None,
) -> tuple[tuple[float, float, float, float, float, float], ...] | None:
    """Per-frame orientations when frames differ (a 3-plane localizer in one object);
    None when every frame shares one."""
    default = orientations[0] or image_orientation
    if default is None or all(o is None or o == default for o in orientations):
        return None
    return tuple(default if o is None else o for o in orientations)


def _with_functional_groups(image: DicomImage, ds: Dataset) -> DicomImage:
    """The image completed from Enhanced multi-frame functional groups, if the dataset has them.

    Top-level attributes win for the image-level fields; frame 0 fills those missing.
    """
    found = _group_values(ds, image.frames)
    if found is None:
        return image
    rescale = (image.rescale_slope, image.rescale_intercept)
    if "RescaleSlope" not in ds and "RescaleIntercept" not in ds and found.rescales[0]:
        rescale = found.rescales[0]
    windows = image.windows or found.windows[0] or ()
    positions = _all_positions(found.positions)
    spacing, source = image.pixel_spacing, image.spacing_source
    if source != "PixelSpacing" and found.pixel_spacing is not None:
        spacing, source = found.pixel_spacing, "PixelSpacing"
    return replace(
        image,
        rescale_slope=rescale[0],
        rescale_intercept=rescale[1],
        windows=windows,
        position=image.position or (positions[0] if positions else None),
        orientation=image.orientation or found.orientations[0],
        pixel_spacing=spacing,
        spacing_source=source,
        slice_thickness=image.slice_thickness or found.slice_thickness,
        frame_positions=positions,
        frame_rescales=_every_frame(found.rescales, rescale),
        frame_windows=_every_frame(found.windows, windows),
        frame_orientations=_distinct_orientations(found.orientations, image.orientation),
    )


_NATIVE_SYNTAXES = frozenset({ExplicitVRLittleEndian, ImplicitVRLittleEndian})


def native_pixels(ds: Dataset) -> npt.NDArray[Any] | None:
    """Zero-copy pixels for the common simple case (uncompressed little endian, one sample,
    8/16 bits with every bit stored); None when pydicom's full decoder is needed."""
    syntax = transfer_syntax(ds)
    if syntax not in _NATIVE_SYNTAXES or "PixelData" not in ds:
        return None
    bits = int(ds.get("BitsAllocated", 0) or 0)
    stored = int(ds.get("BitsStored", 0) or 0)
    if bits not in (8, 16) or not 0 < stored <= bits:
        return None
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        return None
    rows, cols = int(ds.Rows), int(ds.Columns)
    frames = _int(ds.get("NumberOfFrames"), 1)
    signed = int(ds.get("PixelRepresentation", 0) or 0) == 1
    dtype = np.dtype(f"<{'i' if signed else 'u'}{bits // 8}")
    raw = ds.PixelData
    if not isinstance(raw, bytes) or len(raw) < rows * cols * frames * dtype.itemsize:
        return None  # let pydicom explain the problem
    shape = (frames, rows, cols) if frames > 1 else (rows, cols)
    return as_native_array(raw, dtype, bits, stored, shape)


def as_native_array(
    raw: bytes | memoryview,
    dtype: np.dtype[Any],
    bits: int,
    stored: int,
    shape: tuple[int, ...],
) -> npt.NDArray[Any]:
    """Native pixel words (``dtype``, ``bits`` allocated, the low ``stored`` of them pixel
    data) from the start of ``raw``, in ``shape``; a view of ``raw`` unless the bits need
    masking."""
    pixels = np.frombuffer(raw, dtype, count=math.prod(shape))
    if stored < bits:
        # Bits above BitsStored are not pixel data (PS3.5 8.1.1): mask them off, and
        # sign-extend signed values from BitsStored.
        shift = bits - stored
        mask = np.array((1 << stored) - 1, dtype)
        signed = dtype.kind == "i"
        pixels = (pixels << shift) >> shift if signed else pixels & mask
    return pixels.reshape(shape)


def load(source: str | Path | BinaryIO) -> DicomImage:
    """Read and decode a DICOM file. Raises DecodeError."""
    return decode(read_dataset(source))
