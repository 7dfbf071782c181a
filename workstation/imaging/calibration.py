"""Where the millimetres of a measurement come from, and the measurement itself.

Sources, most trusted first (``CalibrationSource``):

- ``PIXEL_SPACING``: Pixel Spacing (0028,0030), the spacing in the patient (PS3.3
  10.7.1.1). For projection radiographs the standard adds: when Pixel Spacing has the
  same values as Imager Pixel Spacing (0018,1164) the image has *not* been corrected for
  magnification, so without a Pixel Spacing Calibration Type (0028,0A02) such a Pixel
  Spacing is treated as ``DETECTOR_PLANE``.
- ``DETECTOR_PLANE``: Imager Pixel Spacing only: lengths at the front plane of the
  detector, larger than in the patient by the geometric magnification. Never shown as if
  it were Pixel Spacing. When the file gives Estimated Radiographic Magnification Factor
  (0018,1114), or else Distance Source to Detector / to Patient (0018,1110/1111), the
  patient-plane estimate (detector length ÷ magnification) is offered beside it.
- ``US_REGION``: a region of the Sequence of Ultrasound Regions (0018,6011, PS3.3
  C.8.5.5) whose Physical Units X and Y Direction are both cm: a length or area whose
  points all lie inside that region is measured with its Physical Delta X/Y. Other
  regions (seconds, cm/s, …) and lengths that leave the region are uncalibrated.
- ``UNCALIBRATED``: pixels only.

Points are image pixel coordinates ``(x, y)`` = (column, row) as floats, continuous:
pixel (c, r) covers c ≤ x < c + 1, r ≤ y < r + 1. Results are in mm and mm².

For the viewer (its scene is in mm of ``DicomImage.pixel_spacing``, pixels when that is
None; labels are translated there, no Qt here)::

    cal = image.calibration
    a, b = (to_pixels(p, image.pixel_spacing) for p in mark_points)
    m = measure_length(cal, a, b)
    # m.mm None            → "{m.px:.0f} px (uncalibrated)"
    # PIXEL_SPACING        → "{m.mm:.1f} mm"
    # DETECTOR_PLANE       → "{m.mm:.1f} mm (detector plane)", and when m.patient_plane_mm
    #                        is not None: "{m.patient_plane_mm:.1f} mm patient plane (estimated)"
    # US_REGION            → "{m.mm:.1f} mm (US region {m.region.index + 1})"
    area = measure_area(cal, a, b, pixels=stats.pixels, ellipse=True)  # mm2, patient_plane_mm2
    # corner text: cal.source (not spacing_source): a Pixel Spacing equal to the Imager
    # Pixel Spacing is at the detector plane
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any

from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from workstation.logs import safe

log = logging.getLogger("workstation.imaging")

Point = tuple[float, float]  # (x, y) = (column, row) in pixels


class CalibrationSource(Enum):
    """Where the mm of a measurement come from (see the module docstring)."""

    PIXEL_SPACING = "PixelSpacing"
    DETECTOR_PLANE = "ImagerPixelSpacing"
    US_REGION = "SequenceOfUltrasoundRegions"
    UNCALIBRATED = ""


class PhysicalUnits(IntEnum):
    """Physical Units X/Y Direction (0018,6024/6026), PS3.3 C.8.5.5.1.15."""

    NONE = 0x0
    PERCENT = 0x1
    DB = 0x2
    CM = 0x3
    SECONDS = 0x4
    HERTZ = 0x5
    DB_PER_SECOND = 0x6
    CM_PER_SECOND = 0x7
    CM2 = 0x8
    CM2_PER_SECOND = 0x9
    CM3 = 0xA
    CM3_PER_SECOND = 0xB
    DEGREES = 0xC


class RegionSpatialFormat(IntEnum):
    """Region Spatial Format (0018,6012), PS3.3 C.8.5.5.1.1."""

    NONE = 0x0
    TWO_D = 0x1  # tissue or flow
    M_MODE = 0x2
    SPECTRAL = 0x3
    WAVE_FORM = 0x4
    GRAPHICS = 0x5


@dataclass(frozen=True)
class UltrasoundRegion:
    """One item of the Sequence of Ultrasound Regions.

    ``x0, y0, x1, y1``: Region Location Min X0/Y0 and Max X1/Y1, pixel indices (0 = the
    first column/row) of the region's first and last columns and rows, inclusive.
    ``units_x/units_y``: Physical Units codes (``PhysicalUnits``; kept as int because
    files carry codes beyond the enumeration). ``delta_x/delta_y``: Physical Delta X/Y,
    physical units per pixel. ``index``: 0-based position in the sequence.
    """

    index: int
    x0: int
    y0: int
    x1: int
    y1: int
    units_x: int
    units_y: int
    delta_x: float
    delta_y: float
    spatial_format: int = RegionSpatialFormat.NONE
    data_type: int = 0  # Region Data Type (0018,6014): 1 tissue, 2 colour flow, …

    @property
    def is_spatial(self) -> bool:
        """True when both directions are in cm, so lengths and areas can be measured."""
        return (
            self.units_x == PhysicalUnits.CM
            and self.units_y == PhysicalUnits.CM
            and self.delta_x != 0
            and self.delta_y != 0
        )

    @property
    def mm_per_pixel(self) -> tuple[float, float] | None:
        """(row, column) spacing in mm, as Pixel Spacing orders it; None if not spatial."""
        if not self.is_spatial:
            return None
        return abs(self.delta_y) * 10.0, abs(self.delta_x) * 10.0

    def contains(self, point: Point) -> bool:
        """True when the point lies on one of the region's pixels."""
        x, y = point
        return self.x0 <= x < self.x1 + 1 and self.y0 <= y < self.y1 + 1

    @property
    def pixel_area(self) -> int:
        """Number of pixels in the region."""
        return (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)


class MagnificationSource(Enum):
    """Where a radiographic magnification factor comes from."""

    ESTIMATED_FACTOR = "EstimatedRadiographicMagnificationFactor"
    SOURCE_DISTANCES = "DistanceSourceToDetector/DistanceSourceToPatient"


@dataclass(frozen=True)
class Magnification:
    """Geometric magnification at the patient (≥ 1): detector length ÷ factor estimates
    the length in the patient plane."""

    factor: float
    source: MagnificationSource


@dataclass(frozen=True)
class Calibration:
    """Everything a measurement on one image needs.

    ``source`` is the image-wide source: ``US_REGION`` means "per measurement, from the
    region it lies in". ``spacing`` (row, column mm per pixel) is set for
    ``PIXEL_SPACING`` and ``DETECTOR_PLANE``. ``magnification`` only for
    ``DETECTOR_PLANE``. ``calibration_type``: Pixel Spacing Calibration Type (GEOMETRY,
    FIDUCIAL) when the file gives it.
    """

    source: CalibrationSource
    spacing: tuple[float, float] | None = None
    us_regions: tuple[UltrasoundRegion, ...] = ()
    magnification: Magnification | None = None
    calibration_type: str = ""


UNCALIBRATED = Calibration(CalibrationSource.UNCALIBRATED)


@dataclass(frozen=True)
class Measurement:
    """A length. ``px``: in pixels (column and row steps). ``mm``: None when uncalibrated.
    ``source``: what gave ``mm`` (``UNCALIBRATED`` when it is None). ``region``: the
    ultrasound region used (``US_REGION``). ``patient_plane_mm``: for ``DETECTOR_PLANE``
    with a magnification, ``mm / magnification.factor``, an estimate."""

    px: float
    mm: float | None
    source: CalibrationSource
    region: UltrasoundRegion | None = None
    patient_plane_mm: float | None = None
    magnification: Magnification | None = None


@dataclass(frozen=True)
class AreaMeasurement:
    """An area. ``px``: in pixels; ``mm2``: None when uncalibrated; other fields as in
    ``Measurement`` (``patient_plane_mm2`` = ``mm2 / factor²``)."""

    px: float
    mm2: float | None
    source: CalibrationSource
    region: UltrasoundRegion | None = None
    patient_plane_mm2: float | None = None
    magnification: Magnification | None = None


def _same_spacing(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return all(math.isclose(x, y, rel_tol=1e-4, abs_tol=1e-6) for x, y in zip(a, b, strict=True))


def make_calibration(
    pixel_spacing: tuple[float, float] | None,
    spacing_source: str,
    imager_pixel_spacing: tuple[float, float] | None = None,
    calibration_type: str = "",
    us_regions: Iterable[UltrasoundRegion] = (),
    magnification: Magnification | None = None,
) -> Calibration:
    """The calibration of an image from ``DicomImage`` fields: ``pixel_spacing`` and
    ``spacing_source`` ("PixelSpacing", "ImagerPixelSpacing" or ""), the file's Imager
    Pixel Spacing and Pixel Spacing Calibration Type, its ultrasound regions and
    radiographic magnification. Spacings are (row, column) in mm. Never raises."""
    regions = tuple(us_regions)
    if any(region.is_spatial for region in regions):
        # The regions are what the scanner calibrated; a Pixel Spacing beside them (not part
        # of the US image) can disagree 10× and must not win.
        return Calibration(CalibrationSource.US_REGION, None, regions)
    if pixel_spacing is not None and spacing_source == "PixelSpacing":
        uncorrected = (
            imager_pixel_spacing is not None
            and not calibration_type
            and _same_spacing(pixel_spacing, imager_pixel_spacing)
        )
        if not uncorrected:
            return Calibration(
                CalibrationSource.PIXEL_SPACING,
                pixel_spacing,
                regions,
                calibration_type=calibration_type,
            )
        return Calibration(CalibrationSource.DETECTOR_PLANE, pixel_spacing, regions, magnification)
    if pixel_spacing is not None and spacing_source == "ImagerPixelSpacing":
        return Calibration(CalibrationSource.DETECTOR_PLANE, pixel_spacing, regions, magnification)
    if any(region.is_spatial for region in regions):
        return Calibration(CalibrationSource.US_REGION, None, regions)
    return Calibration(CalibrationSource.UNCALIBRATED, None, regions)


def region_for(calibration: Calibration, points: Iterable[Point]) -> UltrasoundRegion | None:
    """The ultrasound region in cm that holds every point: the smallest when regions
    overlap (an inset is more specific than the sector around it); None when no such
    region holds them all."""
    chosen = list(points)
    inside = [
        region
        for region in calibration.us_regions
        if region.is_spatial and all(region.contains(p) for p in chosen)
    ]
    return min(inside, key=lambda r: (r.pixel_area, r.index)) if inside else None


def _spacing_for(
    calibration: Calibration, points: Iterable[Point]
) -> tuple[tuple[float, float] | None, CalibrationSource, UltrasoundRegion | None]:
    if calibration.source in (CalibrationSource.PIXEL_SPACING, CalibrationSource.DETECTOR_PLANE):
        return calibration.spacing, calibration.source, None
    if calibration.source is CalibrationSource.US_REGION:
        region = region_for(calibration, points)
        if region is not None:
            return region.mm_per_pixel, CalibrationSource.US_REGION, region
    return None, CalibrationSource.UNCALIBRATED, None


def measure_length(calibration: Calibration, p0: Point, p1: Point) -> Measurement:
    """The length between two points in pixel coordinates (column, row).

    ``mm`` from the image's calibration (for ultrasound: the region in cm holding both
    points, else None); ``patient_plane_mm`` for a detector-plane length when the file
    gives a magnification. Never raises.
    """
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    px = math.hypot(dx, dy)
    spacing, source, region = _spacing_for(calibration, (p0, p1))
    if spacing is None:
        return Measurement(px, None, CalibrationSource.UNCALIBRATED)
    row_mm, col_mm = spacing
    mm = math.hypot(dx * col_mm, dy * row_mm)
    magnification = (
        calibration.magnification if source is CalibrationSource.DETECTOR_PLANE else None
    )
    patient = mm / magnification.factor if magnification else None
    return Measurement(px, mm, source, region, patient, magnification)


def measure_area(
    calibration: Calibration,
    corner0: Point,
    corner1: Point,
    pixels: float | None = None,
    ellipse: bool = False,
) -> AreaMeasurement:
    """The area of a rectangle or ellipse drawn in the box between two corners (pixel
    coordinates).

    ``pixels``: the area in pixels when the caller counted them (``roi.region_stats(…)
    .pixels``: pixels whose centre is inside); else the geometric area of the rectangle
    or ellipse. For ultrasound both corners must lie inside one region in cm (then the
    whole box does). Never raises.
    """
    width, height = abs(corner1[0] - corner0[0]), abs(corner1[1] - corner0[1])
    if pixels is None:
        pixels = width * height * (math.pi / 4 if ellipse else 1.0)
    spacing, source, region = _spacing_for(calibration, (corner0, corner1))
    if spacing is None:
        return AreaMeasurement(float(pixels), None, CalibrationSource.UNCALIBRATED)
    mm2 = pixels * spacing[0] * spacing[1]
    magnification = (
        calibration.magnification if source is CalibrationSource.DETECTOR_PLANE else None
    )
    patient = mm2 / magnification.factor**2 if magnification else None
    return AreaMeasurement(float(pixels), mm2, source, region, patient, magnification)


def to_pixels(point: Point, pixel_spacing: tuple[float, float] | None) -> Point:
    """A point in the viewer's scene units (mm of ``pixel_spacing`` = (row, column) mm,
    or pixels when None) as pixel coordinates (column, row)."""
    if pixel_spacing is None:
        return point
    row_mm, col_mm = pixel_spacing
    return point[0] / col_mm, point[1] / row_mm


# Reading the attributes from a dataset (decode.py fills DicomImage with these).


def _number(item: Dataset, keyword: str) -> float | None:
    """A finite number from a (possibly multi-valued) numeric element; None when absent
    or unusable."""
    try:
        value: Any = item.get(keyword)
        if value is None or value == "":
            return None
        if not isinstance(value, str | bytes) and hasattr(value, "__len__"):
            value = value[0] if len(value) else None
        number = float(value) if value is not None else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def ultrasound_regions(ds: Dataset) -> tuple[UltrasoundRegion, ...]:
    """The usable items of Sequence of Ultrasound Regions (0018,6011): those with a
    location (Min ≤ Max) and physical units and deltas. Items missing any of these are
    skipped (logged, no values). Never raises."""
    try:
        items = ds.get("SequenceOfUltrasoundRegions")
    except Exception:  # a damaged sequence may fail on first access
        log.info("Sequence of Ultrasound Regions unreadable; ignored")
        return ()
    if not isinstance(items, Sequence):
        return ()
    regions = []
    for index, item in enumerate(items):
        try:
            values = [
                _number(item, keyword)
                for keyword in (
                    "RegionLocationMinX0",
                    "RegionLocationMinY0",
                    "RegionLocationMaxX1",
                    "RegionLocationMaxY1",
                    "PhysicalUnitsXDirection",
                    "PhysicalUnitsYDirection",
                    "PhysicalDeltaX",
                    "PhysicalDeltaY",
                )
            ]
            spatial = _number(item, "RegionSpatialFormat") or 0
            data_type = _number(item, "RegionDataType") or 0
        except Exception as exc:  # a damaged item: skip it, keep the others
            log.info("ultrasound region %d unreadable: %s", index, safe(type(exc).__name__))
            continue
        if any(v is None for v in values):
            log.info("ultrasound region %d incomplete; ignored", index)
            continue
        x0, y0, x1, y1, ux, uy, dx, dy = (float(v) for v in values if v is not None)
        if x1 < x0 or y1 < y0:
            log.info("ultrasound region %d has an empty location; ignored", index)
            continue
        regions.append(
            UltrasoundRegion(
                index,
                int(x0),
                int(y0),
                int(x1),
                int(y1),
                int(ux),
                int(uy),
                dx,
                dy,
                int(spatial),
                int(data_type),
            )
        )
    return tuple(regions)


def radiographic_magnification(ds: Dataset) -> Magnification | None:
    """Estimated Radiographic Magnification Factor (0018,1114) when ≥ 1, else Distance
    Source to Detector ÷ Distance Source to Patient (0018,1110 / 0018,1111) when both are
    positive and the detector is not nearer than the patient; None otherwise. Never
    raises."""
    try:
        factor = _number(ds, "EstimatedRadiographicMagnificationFactor")
        detector = _number(ds, "DistanceSourceToDetector")
        patient = _number(ds, "DistanceSourceToPatient")
    except Exception:  # damaged elements: no magnification rather than no image
        return None
    if factor is not None and 1.0 <= factor <= 100.0:
        return Magnification(factor, MagnificationSource.ESTIMATED_FACTOR)
    if factor is not None:
        log.info("Estimated Radiographic Magnification Factor %s not used", factor)
    if detector and patient and detector > 0 and patient > 0 and detector >= patient:
        return Magnification(detector / patient, MagnificationSource.SOURCE_DISTANCES)
    return None


def imager_pixel_spacing(ds: Dataset) -> tuple[float, float] | None:
    """Imager Pixel Spacing (0018,1164) as (row, column) mm, None unless two positive
    finite values. Never raises."""
    try:
        value: Any = ds.get("ImagerPixelSpacing")
        values = [float(v) for v in value] if value is not None else []
    except (TypeError, ValueError, OverflowError):
        return None
    except Exception:  # a damaged element may fail on first access
        return None
    if len(values) != 2 or not all(math.isfinite(v) and v > 0 for v in values):
        return None
    return values[0], values[1]


def pixel_spacing_calibration_type(ds: Dataset) -> str:
    """Pixel Spacing Calibration Type (0028,0A02): "GEOMETRY", "FIDUCIAL" or ""."""
    try:
        return str(ds.get("PixelSpacingCalibrationType", "") or "").strip().upper()
    except Exception:  # a damaged element may fail on first access
        return ""
