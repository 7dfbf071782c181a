"""Enhanced multi-frame DICOM: per-frame and shared functional groups give each frame its own
position, rescale and windows; malformed groups fall back instead of failing."""

from __future__ import annotations

import io
import logging
import math
import warnings

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from workstation.imaging.decode import DicomImage, load
from workstation.imaging.display import default_voi, modality_values, render_frame
from workstation.imaging.frames import frame_position, frame_rescale, frame_windows
from workstation.imaging.geometry import display_key, frame_display_key, plane_name
from workstation.imaging.voi import VoiFunction, Window, apply_window, to_uint8

pytestmark = pytest.mark.unit

ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
AXIAL = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
Z = [0.0, 10.0, -10.0, 5.0]  # deliberately not in slice order
RESCALES = [(1.25, -5.0), (2.0, -100.0), (0.5, 10.0), (1.5, -1024.0)]
CENTERS = [[100.0, 300.0], [50.0, 500.0], [2000.0, 40.0], [10.0, 700.0]]
WIDTHS = [[200.0, 600.0], [80.0, 1000.0], [400.0, 400.0], [30.0, 1500.0]]


def _item(**elements: object) -> Dataset:
    item = Dataset()
    for keyword, value in elements.items():
        setattr(item, keyword, value)
    return item


def _macro(sequence: str, **elements: object) -> Dataset:
    return _item(**{sequence: Sequence([_item(**elements)])})


def _merge(*groups: Dataset) -> Dataset:
    merged = Dataset()
    for group in groups:
        for element in group:
            merged.add(element)
    return merged


def _base(sop_class: str, modality: str, frames: int = 4) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.Modality = modality
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 8
    ds.NumberOfFrames = frames
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    pixels = np.arange(frames * 64, dtype=np.uint16).reshape(frames, 8, 8) * 7
    ds.PixelData = pixels.tobytes()
    return ds


def _enhanced_mr() -> Dataset:
    """Four axial frames: shared orientation and pixel measures; per-frame position,
    rescale and two windows each."""
    ds = _base(ENHANCED_MR, "MR")
    ds.SharedFunctionalGroupsSequence = Sequence(
        [
            _merge(
                _macro("PlaneOrientationSequence", ImageOrientationPatient=AXIAL),
                _macro("PixelMeasuresSequence", PixelSpacing=[0.5, 0.6], SliceThickness=2.0),
            )
        ]
    )
    per_frame = []
    for z, (slope, intercept), centers, widths in zip(Z, RESCALES, CENTERS, WIDTHS, strict=True):
        per_frame.append(
            _merge(
                _macro("PlanePositionSequence", ImagePositionPatient=[-20.0, -30.0, z]),
                _macro(
                    "PixelValueTransformationSequence",
                    RescaleSlope=slope,
                    RescaleIntercept=intercept,
                    RescaleType="US",
                ),
                _macro(
                    "FrameVOILUTSequence",
                    WindowCenter=centers,
                    WindowWidth=widths,
                    WindowCenterWidthExplanation=["NARROW", "WIDE"],
                ),
            )
        )
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    return ds


def _load(ds: Dataset) -> DicomImage:
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    buffer.seek(0)
    return load(buffer)


def test_per_frame_groups_give_each_frame_its_own_values() -> None:
    image = _load(_enhanced_mr())
    assert image.frames == 4
    assert image.frame_positions == tuple((-20.0, -30.0, z) for z in Z)
    assert [frame_position(image, f) for f in range(4)] == [(-20.0, -30.0, z) for z in Z]
    assert [frame_rescale(image, f) for f in range(4)] == RESCALES
    for frame in range(4):
        windows = frame_windows(image, frame)
        assert [(w.center, w.width) for w in windows] == list(
            zip(CENTERS[frame], WIDTHS[frame], strict=True)
        )
        assert [w.explanation for w in windows] == ["NARROW", "WIDE"]
        assert all(w.function is VoiFunction.LINEAR for w in windows)


def test_image_level_attributes_come_from_shared_groups_and_frame_zero() -> None:
    image = _load(_enhanced_mr())
    assert image.orientation == tuple(AXIAL)
    assert image.pixel_spacing == (0.5, 0.6)
    assert image.spacing_source == "PixelSpacing"
    assert image.slice_thickness == 2.0
    assert image.position == (-20.0, -30.0, 0.0)
    assert (image.rescale_slope, image.rescale_intercept) == RESCALES[0]
    assert image.windows == frame_windows(image, 0)


def test_modality_values_use_the_frames_rescale() -> None:
    image = _load(_enhanced_mr())
    for frame, (slope, intercept) in enumerate(RESCALES):
        expected = image.pixels[frame].astype(np.float64) * slope + intercept
        assert np.array_equal(modality_values(image, frame), expected)


def test_render_frame_uses_the_frames_own_window() -> None:
    image = _load(_enhanced_mr())
    for frame in range(4):
        values = modality_values(image, frame)
        own = Window(CENTERS[frame][0], WIDTHS[frame][0], explanation="NARROW")
        assert default_voi(image, frame) == own
        assert np.array_equal(render_frame(image, frame), to_uint8(apply_window(values, own)))
    values = modality_values(image, 2)
    frame_zero_window = apply_window(values, default_voi(image, 0))
    assert not np.array_equal(render_frame(image, 2), to_uint8(frame_zero_window))


def test_frame_display_key_orders_axial_frames_head_first() -> None:
    image = _load(_enhanced_mr())
    order = sorted(range(image.frames), key=lambda f: frame_display_key(image, f) or 0.0)
    assert [Z[f] for f in order] == [10.0, 5.0, 0.0, -10.0]
    assert display_key(image) == frame_display_key(image, 0)


def test_frame_accessors_refuse_frames_outside_the_image() -> None:
    image = _load(_enhanced_mr())
    for accessor in (frame_rescale, frame_windows, frame_position, frame_display_key):
        with pytest.raises(IndexError):
            accessor(image, 4)
        with pytest.raises(IndexError):
            accessor(image, -1)


def test_enhanced_ct_shared_rescale_and_window_apply_to_every_frame() -> None:
    ds = _base(ENHANCED_CT, "CT", frames=3)
    ds.SharedFunctionalGroupsSequence = Sequence(
        [
            _merge(
                _macro("PlaneOrientationSequence", ImageOrientationPatient=AXIAL),
                _macro("PixelMeasuresSequence", PixelSpacing=[0.7, 0.7], SliceThickness=1.25),
                _macro("PixelValueTransformationSequence", RescaleSlope=1, RescaleIntercept=-1024),
                _macro("FrameVOILUTSequence", WindowCenter=40, WindowWidth=400),
            )
        ]
    )
    ds.PerFrameFunctionalGroupsSequence = Sequence(
        [_macro("PlanePositionSequence", ImagePositionPatient=[0, 0, -z]) for z in range(3)]
    )
    per_frame = ds.PerFrameFunctionalGroupsSequence[1]
    per_frame.update(
        _macro("PixelValueTransformationSequence", RescaleSlope=2, RescaleIntercept=-2048)
    )
    image = _load(ds)
    assert (image.rescale_slope, image.rescale_intercept) == (1.0, -1024.0)
    assert [frame_rescale(image, f) for f in range(3)] == [
        (1.0, -1024.0),
        (2.0, -2048.0),  # the per-frame item overrides the shared one
        (1.0, -1024.0),
    ]
    assert all(frame_windows(image, f) == (Window(40.0, 400.0),) for f in range(3))
    assert image.slice_thickness == 1.25
    assert [frame_display_key(image, f) for f in range(3)] == [0.0, 1.0, 2.0]


def test_malformed_groups_fall_back_without_failing(caplog: pytest.LogCaptureFixture) -> None:
    ds = _enhanced_mr()
    frame_one = ds.PerFrameFunctionalGroupsSequence[1]
    frame_one.PlanePositionSequence = Sequence([])
    transform = frame_one.PixelValueTransformationSequence[0]
    transform.add(DataElement(0x00281053, "LO", "not a number"))  # RescaleSlope
    frame_three = ds.PerFrameFunctionalGroupsSequence[3]
    frame_three.FrameVOILUTSequence[0].WindowWidth = [0.0, -5.0]
    with caplog.at_level(logging.INFO, logger="workstation.imaging"):
        image = _load(ds)
    assert "plane position missing" in caplog.text
    assert image.frame_positions is None
    assert image.position is None
    assert image.orientation == tuple(AXIAL)
    assert frame_position(image, 1) is None
    assert frame_display_key(image, 2) is None
    assert frame_rescale(image, 1) == RESCALES[0]  # the image's rescale, from frame 0
    assert frame_rescale(image, 2) == RESCALES[2]
    assert frame_windows(image, 3) == image.windows
    assert render_frame(image, 1).shape == (8, 8)


def test_fewer_per_frame_items_than_frames_cover_the_frames_they_describe() -> None:
    ds = _enhanced_mr()
    ds.PerFrameFunctionalGroupsSequence = Sequence(list(ds.PerFrameFunctionalGroupsSequence)[:2])
    image = _load(ds)
    assert image.frame_positions is None
    assert [frame_rescale(image, f) for f in range(4)] == [*RESCALES[:2], *RESCALES[:1] * 2]


def test_classic_images_have_no_per_frame_values() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        image = load(get_testdata_file("CT_small.dcm"))
    assert image.frame_positions is image.frame_rescales is image.frame_windows is None
    assert frame_rescale(image, 0) == (image.rescale_slope, image.rescale_intercept)
    assert frame_position(image, 0) == image.position
    assert frame_windows(image, 0) == image.windows
    assert frame_display_key(image, 0) == display_key(image)


def test_bundled_segmentation_with_functional_groups_matches_pydicom() -> None:
    # pydicom's only bundled file with functional groups: a one-frame SEG that kept the
    # three per-frame items of the volume it was cut from.
    path = get_testdata_file("liver_1frame.dcm")
    assert path is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(path)
        image = load(path)
    shared = ds.SharedFunctionalGroupsSequence[0]
    first = ds.PerFrameFunctionalGroupsSequence[0]
    expected = tuple(float(v) for v in first.PlanePositionSequence[0].ImagePositionPatient)
    assert image.frames == 1
    assert image.frame_positions == (expected,)
    assert image.position == expected
    orientation = shared.PlaneOrientationSequence[0].ImageOrientationPatient
    assert image.orientation == tuple(float(v) for v in orientation)
    measures = shared.PixelMeasuresSequence[0]
    assert image.pixel_spacing == tuple(float(v) for v in measures.PixelSpacing)
    assert image.slice_thickness == float(measures.SliceThickness)
    assert "PixelValueTransformationSequence" not in shared
    assert frame_rescale(image, 0) == (1.0, 0.0)
    assert plane_name(image.orientation) == "axial"


@pytest.mark.parametrize(
    ("orientation", "name"),
    [
        (AXIAL, "axial"),
        ([1.0, 0.0, 0.0, 0.0, 0.0, -1.0], "coronal"),
        ([0.0, 1.0, 0.0, 0.0, 0.0, -1.0], "sagittal"),
        ([1.0, 0.0, 0.0, 0.0, math.cos(0.3), -math.sin(0.3)], "axial"),  # 17° tilt
        ([1.0, 0.0, 0.0, 0.0, math.sqrt(0.5), -math.sqrt(0.5)], "oblique"),  # 45°
    ],
)
def test_plane_name(orientation: list[float], name: str) -> None:
    assert plane_name(orientation) == name
