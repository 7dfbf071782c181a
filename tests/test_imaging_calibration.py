"""Calibration of lengths and areas: Pixel Spacing, Imager Pixel Spacing (detector plane)
with the patient-plane estimate from the radiographic magnification, and ultrasound
regions (PS3.3 C.8.5.5). Inputs are DICOM files written byte by byte (tests/dicom_bytes.py)
following the standard's attribute definitions."""

from __future__ import annotations

import io
import math
import warnings

import pytest
from pydicom import dcmread

from tests.dicom_bytes import Element, element, image, part10, sequence
from workstation.imaging.calibration import (
    Calibration,
    CalibrationSource,
    MagnificationSource,
    PhysicalUnits,
    RegionSpatialFormat,
    UltrasoundRegion,
    imager_pixel_spacing,
    make_calibration,
    measure_area,
    measure_length,
    region_for,
    to_pixels,
)
from workstation.imaging.decode import DicomImage, load

pytestmark = pytest.mark.unit

US_IMAGE = "1.2.840.10008.5.1.4.1.1.6.1"
DX_IMAGE = "1.2.840.10008.5.1.4.1.1.1.1"
# Tags (PS3.6)
SEQUENCE_OF_ULTRASOUND_REGIONS = 0x00186011
REGION_SPATIAL_FORMAT = 0x00186012
REGION_DATA_TYPE = 0x00186014
REGION_FLAGS = 0x00186016
MIN_X0, MIN_Y0, MAX_X1, MAX_Y1 = 0x00186018, 0x0018601A, 0x0018601C, 0x0018601E
REFERENCE_PIXEL_X0, REFERENCE_PIXEL_Y0 = 0x00186020, 0x00186022
UNITS_X, UNITS_Y = 0x00186024, 0x00186026
DELTA_X, DELTA_Y = 0x0018602C, 0x0018602E
DISTANCE_SOURCE_TO_DETECTOR = 0x00181110
DISTANCE_SOURCE_TO_PATIENT = 0x00181111
MAGNIFICATION_FACTOR = 0x00181114
IMAGER_PIXEL_SPACING = 0x00181164
PIXEL_SPACING = 0x00280030
PIXEL_SPACING_CALIBRATION_TYPE = 0x00280A02
SOP_CLASS = 0x00080016


def region_item(
    box: tuple[int, int, int, int],
    units: tuple[int, int],
    delta: tuple[float, float],
    spatial_format: int = RegionSpatialFormat.TWO_D,
    data_type: int = 1,
    drop: int | None = None,
) -> list[Element]:
    """One item of the Sequence of Ultrasound Regions with the Type 1 attributes."""
    x0, y0, x1, y1 = box
    item = [
        element(REGION_SPATIAL_FORMAT, "US", spatial_format),
        element(REGION_DATA_TYPE, "US", data_type),
        element(REGION_FLAGS, "UL", 0),
        element(MIN_X0, "UL", x0),
        element(MIN_Y0, "UL", y0),
        element(MAX_X1, "UL", x1),
        element(MAX_Y1, "UL", y1),
        element(REFERENCE_PIXEL_X0, "SL", (x0 + x1) // 2),
        element(REFERENCE_PIXEL_Y0, "SL", y0),
        element(UNITS_X, "US", units[0]),
        element(UNITS_Y, "US", units[1]),
        element(DELTA_X, "FD", delta[0]),
        element(DELTA_Y, "FD", delta[1]),
    ]
    return [e for e in item if e[0] != drop]


def load_with(
    extra: list[Element], rows: int = 8, columns: int = 8, modality: str = "OT"
) -> DicomImage:
    return load(io.BytesIO(part10(image(extra, rows, columns, modality))))


CM = PhysicalUnits.CM


@pytest.fixture
def ultrasound() -> DicomImage:
    """A B-mode region (0.2 mm per pixel across, 0.3 mm down) above a spectral Doppler
    strip (seconds across, cm/s up), as ultrasound scanners lay them out."""
    regions = sequence(
        SEQUENCE_OF_ULTRASOUND_REGIONS,
        [
            region_item((10, 20, 209, 219), (CM, CM), (0.02, 0.03)),
            region_item(
                (10, 230, 209, 299),
                (PhysicalUnits.SECONDS, PhysicalUnits.CM_PER_SECOND),
                (0.01, -2.5),
                RegionSpatialFormat.SPECTRAL,
                3,
            ),
        ],
    )
    return load_with(
        [regions, element(SOP_CLASS, "UI", US_IMAGE)], rows=300, columns=220, modality="US"
    )


def test_ultrasound_regions_are_read(ultrasound: DicomImage) -> None:
    assert ultrasound.pixel_spacing is None
    first, second = ultrasound.us_regions
    assert (first.x0, first.y0, first.x1, first.y1) == (10, 20, 209, 219)
    assert (first.units_x, first.units_y) == (CM, CM)
    assert first.spatial_format == RegionSpatialFormat.TWO_D
    assert first.mm_per_pixel == pytest.approx((0.3, 0.2))
    assert second.units_x == PhysicalUnits.SECONDS
    assert not second.is_spatial
    assert ultrasound.calibration.source is CalibrationSource.US_REGION


def test_a_length_inside_a_region_in_cm_is_measured_in_mm(ultrasound: DicomImage) -> None:
    found = measure_length(ultrasound.calibration, (20.0, 30.0), (50.0, 70.0))
    assert found.source is CalibrationSource.US_REGION
    assert found.region is not None
    assert found.region.index == 0
    assert found.px == pytest.approx(50.0)
    assert found.mm == pytest.approx(math.hypot(30 * 0.2, 40 * 0.3))
    assert found.patient_plane_mm is None


@pytest.mark.parametrize(
    ("p0", "p1"),
    [
        ((20.0, 30.0), (20.0, 250.0)),  # from the B-mode image into the Doppler strip
        ((20.0, 240.0), (60.0, 280.0)),  # inside the Doppler strip: seconds and cm/s
        ((5.0, 30.0), (50.0, 30.0)),  # starts left of the region
        ((20.0, 30.0), (210.0, 30.0)),  # ends one pixel right of the last column
    ],
)
def test_a_length_not_inside_one_region_in_cm_is_uncalibrated(
    ultrasound: DicomImage, p0: tuple[float, float], p1: tuple[float, float]
) -> None:
    found = measure_length(ultrasound.calibration, p0, p1)
    assert found.mm is None
    assert found.source is CalibrationSource.UNCALIBRATED
    assert found.px == pytest.approx(math.dist(p0, p1))


def test_the_last_column_and_row_belong_to_the_region(ultrasound: DicomImage) -> None:
    found = measure_length(ultrasound.calibration, (10.0, 20.0), (209.99, 219.99))
    assert found.source is CalibrationSource.US_REGION


def test_an_area_inside_a_region_in_cm(ultrasound: DicomImage) -> None:
    calibration = ultrasound.calibration
    box = measure_area(calibration, (20.0, 30.0), (50.0, 70.0))
    assert box.px == pytest.approx(1200.0)
    assert box.mm2 == pytest.approx(1200 * 0.2 * 0.3)
    assert box.source is CalibrationSource.US_REGION
    counted = measure_area(calibration, (20.0, 30.0), (50.0, 70.0), pixels=937, ellipse=True)
    assert counted.mm2 == pytest.approx(937 * 0.06)
    ellipse = measure_area(calibration, (50.0, 70.0), (20.0, 30.0), ellipse=True)
    assert ellipse.mm2 == pytest.approx(math.pi * 15 * 20 * 0.06)
    outside = measure_area(calibration, (20.0, 30.0), (60.0, 260.0))
    assert outside.mm2 is None
    assert outside.source is CalibrationSource.UNCALIBRATED


def test_nested_regions_use_the_smallest_and_negative_deltas_count_as_lengths() -> None:
    sector = UltrasoundRegion(0, 0, 0, 399, 399, CM, CM, 0.05, 0.05)
    zoom = UltrasoundRegion(1, 100, 100, 199, 199, CM, CM, 0.01, -0.01)
    calibration = make_calibration(None, "", us_regions=(sector, zoom))
    inside_zoom = measure_length(calibration, (110.0, 110.0), (140.0, 150.0))
    assert inside_zoom.region is zoom
    assert inside_zoom.mm == pytest.approx(50 * 0.1)
    across = measure_length(calibration, (110.0, 110.0), (300.0, 110.0))
    assert across.region is sector
    assert across.mm == pytest.approx(190 * 0.5)
    assert region_for(calibration, [(500.0, 0.0)]) is None


def test_incomplete_region_items_are_skipped() -> None:
    regions = sequence(
        SEQUENCE_OF_ULTRASOUND_REGIONS,
        [
            region_item((0, 0, 7, 7), (CM, CM), (0.02, 0.02), drop=DELTA_X),
            region_item((0, 0, 7, 7), (CM, CM), (0.02, 0.02)),
        ],
    )
    got = load_with([regions])
    assert [r.index for r in got.us_regions] == [1]


def test_regions_with_no_cm_direction_leave_the_image_uncalibrated() -> None:
    regions = sequence(
        SEQUENCE_OF_ULTRASOUND_REGIONS,
        [region_item((0, 0, 7, 7), (PhysicalUnits.SECONDS, CM), (0.01, 0.02))],
    )
    got = load_with([regions])
    assert got.calibration.source is CalibrationSource.UNCALIBRATED
    assert measure_length(got.calibration, (0.0, 0.0), (3.0, 4.0)).mm is None


def radiograph(*extra: Element) -> DicomImage:
    return load_with([element(SOP_CLASS, "UI", DX_IMAGE), *extra], modality="DX")


def test_detector_plane_length_with_the_estimated_magnification_factor() -> None:
    got = radiograph(
        element(IMAGER_PIXEL_SPACING, "DS", "0.139\\0.139"),
        element(MAGNIFICATION_FACTOR, "DS", "1.1"),
        element(DISTANCE_SOURCE_TO_DETECTOR, "DS", "1800"),
        element(DISTANCE_SOURCE_TO_PATIENT, "DS", "1500"),
    )
    assert (got.pixel_spacing, got.spacing_source) == ((0.139, 0.139), "ImagerPixelSpacing")
    calibration = got.calibration
    assert calibration.source is CalibrationSource.DETECTOR_PLANE
    found = measure_length(calibration, (0.0, 0.0), (100.0, 0.0))
    assert found.source is CalibrationSource.DETECTOR_PLANE
    assert found.mm == pytest.approx(13.9)
    assert found.magnification is not None
    assert found.magnification.source is MagnificationSource.ESTIMATED_FACTOR
    assert found.patient_plane_mm == pytest.approx(13.9 / 1.1)
    area = measure_area(calibration, (0.0, 0.0), (100.0, 100.0))
    assert area.mm2 == pytest.approx(10000 * 0.139**2)
    assert area.patient_plane_mm2 == pytest.approx(10000 * 0.139**2 / 1.1**2)


def test_source_distances_when_no_factor_is_given() -> None:
    got = radiograph(
        element(IMAGER_PIXEL_SPACING, "DS", "0.2\\0.1"),
        element(DISTANCE_SOURCE_TO_DETECTOR, "DS", "1800"),
        element(DISTANCE_SOURCE_TO_PATIENT, "DS", "1650"),
    )
    found = measure_length(got.calibration, (0.0, 0.0), (30.0, 40.0))
    assert found.mm == pytest.approx(math.hypot(30 * 0.1, 40 * 0.2))
    assert found.magnification is not None
    assert found.magnification.source is MagnificationSource.SOURCE_DISTANCES
    assert found.patient_plane_mm == pytest.approx(math.hypot(3, 8) * 1650 / 1800)


@pytest.mark.parametrize(
    "extra",
    [
        [],
        [element(MAGNIFICATION_FACTOR, "DS", "0.5")],  # below 1: not a magnification
        [element(DISTANCE_SOURCE_TO_DETECTOR, "DS", "1000")],
        [
            element(DISTANCE_SOURCE_TO_DETECTOR, "DS", "1000"),
            element(DISTANCE_SOURCE_TO_PATIENT, "DS", "1200"),  # patient behind the detector
        ],
    ],
)
def test_no_patient_plane_estimate_without_a_usable_magnification(extra: list[Element]) -> None:
    got = radiograph(element(IMAGER_PIXEL_SPACING, "DS", "0.15\\0.15"), *extra)
    found = measure_length(got.calibration, (0.0, 0.0), (10.0, 0.0))
    assert found.source is CalibrationSource.DETECTOR_PLANE
    assert found.mm == pytest.approx(1.5)
    assert found.patient_plane_mm is None


def test_a_pixel_spacing_different_from_the_imager_pixel_spacing_wins() -> None:
    got = radiograph(
        element(PIXEL_SPACING, "DS", "0.12\\0.12"),
        element(IMAGER_PIXEL_SPACING, "DS", "0.139\\0.139"),
        element(MAGNIFICATION_FACTOR, "DS", "1.1"),
    )
    found = measure_length(got.calibration, (0.0, 0.0), (100.0, 0.0))
    assert found.source is CalibrationSource.PIXEL_SPACING
    assert found.mm == pytest.approx(12.0)
    assert found.patient_plane_mm is None  # already in the patient


def test_a_pixel_spacing_equal_to_the_imager_pixel_spacing_is_at_the_detector() -> None:
    # PS3.3 10.7.1.1: equal values mean no correction for magnification was made.
    same = (
        element(PIXEL_SPACING, "DS", "0.139\\0.139"),
        element(IMAGER_PIXEL_SPACING, "DS", "0.139\\0.139"),
        element(MAGNIFICATION_FACTOR, "DS", "1.25"),
    )
    found = measure_length(radiograph(*same).calibration, (0.0, 0.0), (100.0, 0.0))
    assert found.source is CalibrationSource.DETECTOR_PLANE
    assert found.patient_plane_mm == pytest.approx(13.9 / 1.25)
    calibrated = radiograph(*same, element(PIXEL_SPACING_CALIBRATION_TYPE, "CS", "GEOMETRY"))
    assert calibrated.calibration.source is CalibrationSource.PIXEL_SPACING
    assert calibrated.calibration.calibration_type == "GEOMETRY"


def test_pixel_spacing_alone_and_nothing_at_all() -> None:
    ct = load_with([element(PIXEL_SPACING, "DS", "0.5\\0.25")], modality="CT")
    found = measure_length(ct.calibration, (0.0, 0.0), (4.0, 4.0))
    assert found.source is CalibrationSource.PIXEL_SPACING
    assert found.mm == pytest.approx(math.hypot(4 * 0.25, 4 * 0.5))
    bare = load_with([])
    assert bare.calibration == Calibration(CalibrationSource.UNCALIBRATED)
    length = measure_length(bare.calibration, (1.0, 1.0), (4.0, 5.0))
    assert (length.px, length.mm, length.source) == (5.0, None, CalibrationSource.UNCALIBRATED)
    assert measure_area(bare.calibration, (0.0, 0.0), (2.0, 3.0)).mm2 is None


def test_imager_pixel_spacing_is_never_reported_as_pixel_spacing() -> None:
    for spacing in ("0.1\\0.1", "0.139\\0.15"):
        got = radiograph(element(IMAGER_PIXEL_SPACING, "DS", spacing))
        assert got.calibration.source is CalibrationSource.DETECTOR_PLANE
        assert measure_length(got.calibration, (0, 0), (1, 1)).source is not (
            CalibrationSource.PIXEL_SPACING
        )


def test_scene_points_to_pixels() -> None:
    assert to_pixels((10.0, 6.0), (0.5, 0.25)) == (40.0, 12.0)
    assert to_pixels((10.0, 6.0), None) == (10.0, 6.0)


def test_damaged_calibration_attributes_leave_the_image_uncalibrated() -> None:
    junk_region = [
        element(MIN_X0, "UL", 0),
        element(MIN_Y0, "UL", 0),
        element(MAX_X1, "UL", 7),
        element(MAX_Y1, "UL", 7),
        element(UNITS_X, "US", CM),
        element(UNITS_Y, "US", CM),
        element(DELTA_X, "FD", float("nan")),
        element(DELTA_Y, "FD", 0.02),
    ]
    upside_down = region_item((7, 7, 0, 0), (CM, CM), (0.02, 0.02))
    got = load_with(
        [
            sequence(SEQUENCE_OF_ULTRASOUND_REGIONS, [junk_region, upside_down]),
            element(IMAGER_PIXEL_SPACING, "DS", "0\\0.1"),
            element(MAGNIFICATION_FACTOR, "DS", "x1.2"),
            element(DISTANCE_SOURCE_TO_DETECTOR, "DS", "-5"),
            element(DISTANCE_SOURCE_TO_PATIENT, "DS", "0"),
        ]
    )
    assert got.us_regions == ()
    assert got.imager_pixel_spacing is None
    assert got.magnification is None
    assert got.calibration.source is CalibrationSource.UNCALIBRATED


def test_unreadable_imager_pixel_spacing_is_none() -> None:
    data = part10(image([element(IMAGER_PIXEL_SPACING, "DS", "abc\\0.1")]))
    ds = dcmread(io.BytesIO(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert imager_pixel_spacing(ds) is None
