"""Pixel Padding Value and Pixel Padding Range Limit (PS3.3 C.7.5.1.1.2): a CT with
−3024 HU padding outside its round field of view gets full-range and auto windows and ROI
statistics of the patient only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom.dataset import Dataset

from tests.dicom_builders import image_dataset, load_quietly, save
from workstation.imaging.display import modality_values
from workstation.imaging.padding import padding_mask
from workstation.imaging.roi import region_stats
from workstation.imaging.voi import auto_window, full_range_window

pytestmark = pytest.mark.unit
SIZE = 128
PADDING_STORED = -2000  # with intercept −1024: −3024 HU, as GE scanners write it


def _field_of_view() -> npt.NDArray[np.bool_]:
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    return bool_array(
        (rows - SIZE / 2 + 0.5) ** 2 + (cols - SIZE / 2 + 0.5) ** 2 <= (SIZE / 2) ** 2
    )


def bool_array(values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    return np.asarray(values, dtype=bool)


def _ct(padding_vr: str = "SS") -> Dataset:
    body = np.random.default_rng(3).integers(24, 2024, (SIZE, SIZE))  # −1000 … +1000 HU
    stored = np.where(_field_of_view(), body, PADDING_STORED).astype("<i2")
    ds = image_dataset(stored, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.PixelPaddingValue = PADDING_STORED if padding_vr == "SS" else PADDING_STORED & 0xFFFF
    ds["PixelPaddingValue"].VR = padding_vr
    return ds


@pytest.mark.parametrize("vr", ["SS", "US"])
def test_padding_is_read_as_stored_values_whatever_the_vr(tmp_path: Path, vr: str) -> None:
    image = load_quietly(save(_ct(vr), tmp_path / "ct.dcm"))
    assert image.padding == (PADDING_STORED, PADDING_STORED)
    mask = padding_mask(image, 0)
    assert mask is not None
    assert np.array_equal(mask, ~_field_of_view())


def test_windows_and_statistics_leave_the_padding_out(tmp_path: Path) -> None:
    image = load_quietly(save(_ct(), tmp_path / "ct.dcm"))
    hu = modality_values(image, 0)
    mask = padding_mask(image, 0)
    body = hu[_field_of_view()]
    assert full_range_window(hu).low == -3024  # what the padding did to the full range
    full = full_range_window(hu, exclude=mask)
    assert (full.low, full.high) == (body.min(), body.max())
    auto = auto_window(hu, exclude=mask)
    assert auto.low >= body.min()
    assert auto.low == pytest.approx(np.percentile(body, 1), abs=1)
    corner = (0.0, 0.0, 40.0, 40.0)  # a box over the edge of the field of view
    everything = region_stats(hu, corner, (1.0, 1.0), ellipse=False)
    patient = region_stats(hu, corner, (1.0, 1.0), ellipse=False, exclude=mask)
    assert everything is not None
    assert patient is not None
    assert everything.minimum == -3024
    assert patient.minimum > -1001
    assert patient.excluded > 0
    assert patient.pixels + patient.excluded == everything.pixels
    assert patient.area_mm2 == everything.area_mm2
    inside = hu[:40, :40][_field_of_view()[:40, :40]]
    assert patient.mean == pytest.approx(inside.mean())


def test_all_padding_region_has_no_statistics(tmp_path: Path) -> None:
    image = load_quietly(save(_ct(), tmp_path / "ct.dcm"))
    hu = modality_values(image, 0)
    mask = padding_mask(image, 0)
    assert region_stats(hu, (0.0, 0.0, 3.0, 3.0), (1.0, 1.0), ellipse=False, exclude=mask) is None


@pytest.mark.parametrize(("value", "limit"), [(0, 10), (10, 0)])
def test_padding_range_limit_on_either_side(tmp_path: Path, value: int, limit: int) -> None:
    stored = np.arange(40 * 40).reshape(40, 40).astype("<u2")
    ds = image_dataset(stored)
    ds.PixelPaddingValue, ds.PixelPaddingRangeLimit = value, limit
    image = load_quietly(save(ds, tmp_path / "mr.dcm"))
    assert image.padding == (0, 10)
    mask = padding_mask(image, 0)
    assert mask is not None
    assert int(mask.sum()) == 11
    assert full_range_window(modality_values(image, 0), exclude=mask).low == 11


def test_padding_outside_the_dtype_marks_nothing(tmp_path: Path) -> None:
    ds = image_dataset(np.full((8, 8), 7, "<u2"))
    ds.PixelPaddingValue = 0
    ds.PixelPaddingRangeLimit = 3
    image = load_quietly(save(ds, tmp_path / "u.dcm"))
    mask = padding_mask(image, 0)
    assert mask is not None
    assert not mask.any()
    assert full_range_window(np.ones((4, 4)), exclude=np.ones((4, 4), bool)).low == 1.0


def test_colour_images_have_no_padding(tmp_path: Path) -> None:
    ds = image_dataset(np.zeros((8, 8, 3), "u1"), "RGB")
    ds.PixelPaddingValue = 0
    image = load_quietly(save(ds, tmp_path / "rgb.dcm"))
    assert image.padding is None
    assert padding_mask(image, 0) is None
    with pytest.raises(IndexError):
        padding_mask(image, 1)
