"""Decoding: the zero-copy fast path agrees with pydicom, geometry sorting, bad input."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom import dcmread

from workstation.imaging.decode import DecodeError, load, native_pixels
from workstation.imaging.geometry import display_key, sort_slices
from workstation.imaging.voi import VoiFunction, Window, apply_window

pytestmark = pytest.mark.unit
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def test_fast_path_matches_pydicom_on_every_bundled_file_it_takes() -> None:
    checked = 0
    for path in sorted(TEST_FILES.glob("*.dcm")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ds = dcmread(path, force=True)
                fast = native_pixels(ds)
            except Exception:
                continue
            if fast is None:
                continue
            reference = ds.pixel_array
        assert fast.dtype == reference.dtype, path.name
        assert np.array_equal(fast, reference), path.name
        checked += 1
    assert checked >= 5


def test_bits_above_bits_stored_are_masked_and_sign_extended() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmread(TEST_FILES / "CT_small.dcm")
    ds.BitsStored = 12
    raw = np.frombuffer(ds.PixelData, "<i2").copy()
    raw[0] = 0x7FFF  # garbage in the top bits: stored value −1 in 12-bit two's complement
    ds.PixelData = raw.tobytes()
    pixels = native_pixels(ds)
    assert pixels is not None
    assert pixels.flat[0] == -1


@pytest.mark.parametrize(
    "data",
    [b"", b"DICM" * 10, (TEST_FILES / "CT_small.dcm").read_bytes()[:2000]],
)
def test_bad_files_are_clear_errors(data: bytes) -> None:
    with pytest.raises(DecodeError):
        load(io.BytesIO(data))


def test_absurd_dimensions_are_refused_before_decoding() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = dcmread(TEST_FILES / "CT_small.dcm")
    ds.Rows = ds.Columns = 60000
    buffer = io.BytesIO()
    ds.save_as(buffer)
    buffer.seek(0)
    with pytest.raises(DecodeError, match="too large"):
        load(buffer)


def test_sort_by_geometry_not_file_order() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = dcmread(TEST_FILES / "CT_small.dcm")
    images = []
    for z, number in ((10.0, 3), (-5.0, 1), (2.5, 2)):
        base.ImagePositionPatient = [0, 0, z]
        base.InstanceNumber = number
        buffer = io.BytesIO()
        base.save_as(buffer)
        buffer.seek(0)
        images.append(load(buffer))
    assert [i.instance_number for i in sort_slices(images)] == [1, 2, 3]
    head_first = sorted(images, key=lambda i: display_key(i) or 0.0)
    assert [i.position[2] for i in head_first if i.position] == [10.0, 2.5, -5.0]


@pytest.mark.parametrize(
    ("x", "expected"),
    [(-1000.0, 0.0), (40.0, 127.82), (239.5, 255.0), (-159.0, 0.639)],
)
def test_linear_window_follows_the_standard(x: float, expected: float) -> None:
    y = float(apply_window(np.array([x]), Window(40, 400))[0])
    assert y == pytest.approx(expected, abs=0.01)


def test_sigmoid_and_linear_exact() -> None:
    sigmoid = apply_window(np.array([40.0]), Window(40, 400, VoiFunction.SIGMOID))
    assert float(sigmoid[0]) == pytest.approx(127.5)
    exact = apply_window(np.array([-160.0, 240.0]), Window(40, 400, VoiFunction.LINEAR_EXACT))
    assert list(exact) == [0.0, 255.0]


def test_area_downsample_averages_blocks() -> None:
    from workstation.imaging.downsample import area_downsample, screen_factor

    pixels = np.arange(36, dtype=np.uint16).reshape(6, 6)
    small = area_downsample(pixels, 3)
    assert small.shape == (2, 2)
    assert small[0, 0] == pytest.approx(pixels[:3, :3].mean())
    assert area_downsample(np.ones((7, 5), np.int16), 2).shape == (4, 3)
    assert screen_factor(3000, 1000) == 3
    assert screen_factor(500, 1000) == 1


def test_region_stats_in_hounsfield_units() -> None:
    from workstation.imaging.roi import region_stats

    values = np.full((100, 100), -1000.0)
    values[40:60, 40:60] = 40.0  # a 20×20 px water-like square
    stats = region_stats(values, (45.0, 45.0, 10.0, 10.0), (1.0, 1.0), ellipse=False)
    assert stats is not None
    assert stats.mean == pytest.approx(40.0)
    assert stats.sd == pytest.approx(0.0)
    assert stats.area_mm2 == pytest.approx(stats.pixels)
    circle = region_stats(values, (0.0, 0.0, 50.0, 50.0), (0.5, 0.5), ellipse=True)
    assert circle is not None
    assert circle.pixels == pytest.approx(np.pi * 50 * 50, rel=0.02)  # r = 25 mm = 50 px
    assert circle.minimum == -1000.0
    assert circle.maximum == 40.0
    assert region_stats(values, (500.0, 500.0, 5.0, 5.0), (1.0, 1.0)) is None
