"""A presentation state's whole grey pipeline (PS3.4 N.2: its Modality LUT, Softcopy VOI LUT
and Softcopy Presentation LUT in place of the image's) gives what DCMTK's dcmp2pgm shows,
an independent reference. Images and states are built here from PS3.3's rules
(tests/gsps_builders.py), not by our writer.

Tolerance: one grey level. Both sides round a real-valued VOI/P-value output to 8 bits,
DCMTK in its own fixed steps (it keeps a window's output in 12 or more bits and scales
it to 8 at the end), ours in one rounding of the real number: the two roundings of the
same value differ by at most one level. Anything larger is a different pipeline."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset

from tests.dicom_builders import image_dataset, save
from tests.gsps_builders import (
    DCMP2PGM,
    complete_state,
    dcmp2pgm,
    hospital_gsps,
    lut_item,
    voi_item,
    voi_table_item,
)
from workstation.annotations.gsps_writer import presentation_state
from workstation.annotations.measure import mark_to_save
from workstation.annotations.model import Author, Rendering
from workstation.annotations.reader import read_object
from workstation.annotations.service import part10
from workstation.annotations.softcopy_voi import state_on_image
from workstation.imaging.decode import DicomImage, load
from workstation.imaging.display import render_frame
from workstation.imaging.marks import Mark, MarkKind
from workstation.imaging.voi import Window

TOLERANCE = 1  # grey levels: see the module's docstring


def _ours_and_dcmtk(
    tmp_path: Path, ds: Dataset, state: Dataset
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], DicomImage]:
    image_path = save(ds, tmp_path / "image.dcm")
    state_path = tmp_path / "state.dcm"
    state_path.write_bytes(part10(state))
    image = load(image_path)
    obj = read_object(dcmread(state_path))
    on = state_on_image(obj, image)
    assert on is not None
    ours = render_frame(image, 0, on.voi, steps=on.steps)
    return ours, dcmp2pgm(image_path, state_path, tmp_path / "dcmtk.pgm"), image


def _state(
    ds: Dataset, *items: Dataset, rescale: tuple[float, float] | None, **kw: object
) -> Dataset:
    state = hospital_gsps(
        ds.StudyInstanceUID,
        [(ds.SeriesInstanceUID, ds.SOPClassUID, ds.SOPInstanceUID)],
        items,
        rescale,
    )
    return complete_state(state, int(ds.Rows), int(ds.Columns), **kw)  # type: ignore[arg-type]


def _ct(slope: float = 1.0, intercept: float = -1024.0) -> Dataset:
    """A signed CT: stored −1000 … 3095 across 64 × 64 pixels (air to bone after the rescale)."""
    pixels = (np.arange(64 * 64, dtype=np.int16) - 1000).reshape(64, 64)
    ds = image_dataset(pixels, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = slope, intercept, "HU"
    ds.WindowCenter, ds.WindowWidth = 40, 400  # the image's own: the state's replaces it
    return ds


def _assert_close(ours: npt.NDArray[np.uint8], dcmtk: npt.NDArray[np.uint8]) -> None:
    assert ours.shape == dcmtk.shape
    difference = np.abs(ours.astype(np.int16) - dcmtk.astype(np.int16))
    assert int(difference.max()) <= TOLERANCE, f"{int((difference > TOLERANCE).sum())} pixels off"
    assert len(np.unique(ours)) > 20  # a picture, not a flat field both agree on


def test_dcmp2pgm_is_installed() -> None:
    assert DCMP2PGM is not None, "DCMTK's dcmp2pgm is the reference (devtools/system_packages.sh)"


def _voi_curve(first: int, entries: int, bits: int) -> list[int]:
    """A non-linear VOI LUT (a square-root ramp) over ``entries`` values from ``first``."""
    top = 2**bits - 1
    return [round(top * (i / (entries - 1)) ** 0.5) for i in range(entries)]


def test_a_voi_lut_table_on_a_signed_ct_is_shown_as_dcmtk_shows_it(tmp_path: Path) -> None:
    # after the state's rescale the values run −2024 … 2071 HU: the table's first value
    # mapped, −1200, is negative and written as its 16-bit pattern (C.11.2.1.1)
    ds = _ct()
    table = lut_item(_voi_curve(-1200, 2400, 12), -1200, 12, "SQRT")
    ours, dcmtk, _ = _ours_and_dcmtk(
        tmp_path, ds, _state(ds, voi_table_item(table), rescale=(1.0, -1024.0))
    )
    _assert_close(ours, dcmtk)
    assert ours[0, 0] == 0
    assert ours[-1, -1] == 255


def test_a_voi_lut_table_maps_the_states_own_rescale_not_the_images(tmp_path: Path) -> None:
    ds = _ct(1.0, -1024.0)
    table = lut_item(_voi_curve(0, 3000, 16), 0, 16, words=True)
    state = _state(ds, voi_table_item(table), rescale=(0.5, 500.0))
    ours, dcmtk, _ = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)


def test_a_modality_lut_table_then_a_window_is_shown_as_dcmtk_shows_it(tmp_path: Path) -> None:
    pixels = (np.arange(64 * 64, dtype=np.uint16) % 4096).reshape(64, 64)
    ds = image_dataset(pixels, bits_stored=12, modality="CR")
    # the modality table: a bend (stored² / 4096, 12 bits), from stored value 100
    curve = [min(4095, (v * v) // 4096) for v in range(100, 4096)]
    modality = lut_item(curve, 100, 12, "BEND")
    state = _state(ds, voi_item(1500.0, 2500.0), rescale=None, modality_lut=modality)
    ours, dcmtk, _image = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)


def test_a_modality_lut_table_then_a_voi_lut_table(tmp_path: Path) -> None:
    pixels = (np.arange(64 * 64, dtype=np.uint16) % 4096).reshape(64, 64)
    ds = image_dataset(pixels, bits_stored=12, modality="CR")
    modality = lut_item([v // 2 for v in range(4096)], 0, 12)
    voi = lut_item(_voi_curve(0, 2048, 8), 0, 8)
    state = _state(ds, voi_table_item(voi), rescale=None, modality_lut=modality)
    ours, dcmtk, _ = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)


def _film(photometric: str) -> Dataset:
    pixels = (np.arange(64 * 64, dtype=np.uint16) % 4096).reshape(64, 64)
    return image_dataset(pixels, photometric=photometric, bits_stored=12, modality="DX")


@pytest.mark.parametrize(
    ("photometric", "shape", "low_shows"),
    [
        ("MONOCHROME2", "INVERSE", "white"),
        ("MONOCHROME1", "INVERSE", "white"),
        ("MONOCHROME1", "IDENTITY", "black"),
        ("MONOCHROME2", "IDENTITY", "black"),
    ],
)
def test_the_states_presentation_lut_shape_decides_the_polarity_whatever_the_image_says(
    tmp_path: Path, photometric: str, shape: str, low_shows: str
) -> None:
    # PS3.4 N.2.1.4 note 1: the image's Photometric Interpretation is ignored and overridden
    ds = _film(photometric)
    state = _state(ds, voi_item(2048.0, 4096.0), rescale=None, shape=shape)
    ours, dcmtk, _ = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)
    assert ours[0, 0] == (255 if low_shows == "white" else 0)  # stored 0


def test_a_presentation_lut_table_is_shown_as_dcmtk_shows_it(tmp_path: Path) -> None:
    ds = _film("MONOCHROME2")
    # P-values over 256 entries of 12 bits: a gamma-like curve, the VOI output scaled onto it
    presentation = lut_item([round(4095 * (i / 255) ** 2) for i in range(256)], 0, 12)
    state = _state(ds, voi_item(2048.0, 4096.0), rescale=None, presentation_lut=presentation)
    ours, dcmtk, _ = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)


def test_a_state_without_a_table_or_shape_for_an_image_changes_nothing_of_it(
    tmp_path: Path,
) -> None:
    ds = _film("MONOCHROME1")
    image = load(save(ds, tmp_path / "image.dcm"))
    other = _film("MONOCHROME1")
    state = _state(other, rescale=None, shape=None)
    assert state_on_image(read_object(dcmread(io.BytesIO(part10(state)))), image) is None


def test_her_own_state_of_a_monochrome1_film_keeps_it_as_she_saw_it(tmp_path: Path) -> None:
    # she read a MONOCHROME1 film (low values white) with a window: the state she saves
    # says INVERSE, so DCMTK (and this viewer, showing it) draw what she saw
    ds = _film("MONOCHROME1")
    ds.PixelSpacing = [0.2, 0.2]
    image_path = save(ds, tmp_path / "film.dcm")
    image = load(image_path)
    window = Window(1800.0, 3000.0)
    saved = [mark_to_save(image, 0, Mark(1, MarkKind.LENGTH, ((3.0, 2.0), (30.0, 20.0))))]
    rendering = Rendering((window.center, window.width), (1.0, 0.0), "DX", inverse=True)
    state = presentation_state(saved, rendering, Author("李明", "dr.li"), dt.datetime.now(dt.UTC))
    state_path = tmp_path / "state.dcm"
    state_path.write_bytes(part10(state))
    as_she_saw = render_frame(image, 0, window)
    _assert_close(as_she_saw, dcmp2pgm(image_path, state_path, tmp_path / "dcmtk.pgm"))
    on = state_on_image(read_object(dcmread(state_path)), image)
    assert on is not None
    _assert_close(render_frame(image, 0, on.voi, steps=on.steps), as_she_saw)


def test_a_modality_lut_table_on_signed_pixels_reads_its_first_value_as_signed(
    tmp_path: Path,
) -> None:
    # stored −1000 … 3095: the table's first value mapped, −1000, is its 16-bit pattern
    # read as the pixels are (C.11.1.1); 16-bit entries (values 0 … 8190), then a window
    ds = _ct()
    modality = lut_item([2 * i for i in range(4096)], -1000, 16, "DOUBLE")
    state = _state(ds, voi_item(4000.0, 6000.0), rescale=None, modality_lut=modality)
    ours, dcmtk, _ = _ours_and_dcmtk(tmp_path, ds, state)
    _assert_close(ours, dcmtk)
