"""Overlay planes (PS3.3 C.9.2-C.9.3, PS3.5 8.1.2): multi-frame overlays go on the frames
Image Frame Origin names, single-frame overlays on their one frame, and overlays embedded in
unused high bits are read without leaking into the pixel values. Frames are held against
DCMTK's dcmj2pnm, which draws overlays by these rules."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom.dataset import Dataset

from tests.dicom_builders import (
    dcmconv,
    dcmtk_render,
    image_dataset,
    load_quietly,
    save,
    worst_difference,
)
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import render_frame

pytestmark = pytest.mark.unit
RNG = np.random.default_rng(60)
FRAMES, ROWS, COLUMNS = 4, 40, 48


def _shown(image: DicomImage, frame: int) -> npt.NDArray[np.uint8]:
    """The frame as DCMTK draws it: grey, then each overlay that applies to the frame in
    white (the overlay's ``frame_mask``)."""
    grey = render_frame(replace(image, overlays=()), frame).copy()
    for overlay in image.overlays:
        mask = overlay.frame_mask(frame)
        if mask is None:
            continue
        top, left = overlay.origin
        part = grey[max(top, 0) : top + mask.shape[0], max(left, 0) : left + mask.shape[1]]
        part[mask[: part.shape[0], : part.shape[1]]] = 255
    return grey


def _grey(frames: int = FRAMES) -> Dataset:
    ds = image_dataset(RNG.integers(0, 3000, (frames, ROWS, COLUMNS)).astype("<u2"), bits_stored=12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    return ds


def _add_overlay(ds: Dataset, masks: npt.NDArray[np.bool_], origin: int | None) -> None:
    """Group 6000 with its own Overlay Data (OW, bits packed little-endian first)."""
    ds.add_new(0x60000010, "US", masks.shape[1])
    ds.add_new(0x60000011, "US", masks.shape[2])
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [3, 5])
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    if len(masks) > 1:
        ds.add_new(0x60000015, "IS", len(masks))
    if origin is not None:
        ds.add_new(0x60000051, "US", origin)
    packed = np.packbits(masks.ravel(), bitorder="little").tobytes()
    ds.add_new(0x60003000, "OW", packed + b"\0" * (len(packed) % 2))


def _masks(frames: int) -> npt.NDArray[np.bool_]:
    masks = np.zeros((frames, 20, 24), bool)
    for i in range(frames):
        masks[i, 2 + 3 * i : 8 + 3 * i, 4:20] = True  # a bar that moves from frame to frame
    return masks


def _both_orders(tmp_path: Path, ds: Dataset, name: str) -> list[Path]:
    little = save(ds, tmp_path / f"{name}.dcm")
    return [little, dcmconv(little, tmp_path / f"{name}_be.dcm", "+tb")]


def test_multi_frame_overlay_goes_on_the_frames_image_frame_origin_names(tmp_path: Path) -> None:
    ds = _grey()
    masks = _masks(2)
    _add_overlay(ds, masks, origin=3)
    for path in _both_orders(tmp_path, ds, "multi"):
        image = load_quietly(path)
        (overlay,) = image.overlays
        assert overlay.frame_mask(0) is None
        assert overlay.frame_mask(1) is None
        assert np.array_equal(overlay.frame_mask(2), masks[0])
        assert np.array_equal(overlay.frame_mask(3), masks[1])
        for frame in range(FRAMES):
            worst = worst_difference(
                _shown(image, frame), dcmtk_render(path, "+Wi", "1", frame=frame)
            )
            assert worst <= 1, (path.name, frame, worst)


def test_plain_overlay_of_a_multi_frame_image_is_on_every_frame(tmp_path: Path) -> None:
    ds = _grey()
    masks = _masks(1)
    _add_overlay(ds, masks, origin=None)
    path = save(ds, tmp_path / "single.dcm")
    image = load_quietly(path)
    (overlay,) = image.overlays
    for frame in range(FRAMES):
        assert np.array_equal(overlay.frame_mask(frame), masks[0])
        worst = worst_difference(_shown(image, frame), dcmtk_render(path, "+Wi", "1", frame=frame))
        assert worst <= 1, (frame, worst)


def test_one_frame_overlay_with_an_image_frame_origin_is_on_that_frame_only(
    tmp_path: Path,
) -> None:
    # "an overlay for frame 3": Image Frame Origin places it (C.9.3.1.1); DCMTK agrees
    # when Number of Frames in Overlay (1) is stated too.
    ds = _grey()
    masks = _masks(1)
    _add_overlay(ds, masks, origin=3)
    ds.add_new(0x60000015, "IS", 1)
    path = save(ds, tmp_path / "frame3.dcm")
    (overlay,) = load_quietly(path).overlays
    assert [overlay.frame_mask(f) is not None for f in range(FRAMES)] == [False, False, True, False]
    for frame in range(FRAMES):
        worst = worst_difference(
            _shown(load_quietly(path), frame), dcmtk_render(path, "+Wi", "1", frame=frame)
        )
        assert worst <= 1, (frame, worst)
    del ds[0x60000015]
    (without_count,) = load_quietly(save(ds, tmp_path / "frame3_origin_only.dcm")).overlays
    assert [without_count.frame_mask(f) is not None for f in range(FRAMES)] == [
        False,
        False,
        True,
        False,
    ]


def test_embedded_overlay_is_drawn_and_its_bit_stays_out_of_the_pixels(tmp_path: Path) -> None:
    values = RNG.integers(0, 4096, (2, ROWS, COLUMNS)).astype(np.uint16)
    marks = np.zeros(values.shape, bool)
    marks[0, 5:15, 5:30] = True
    marks[1, 20:35, 10:20] = True
    ds = image_dataset((values | (marks.astype(np.uint16) << 15)).astype("<u2"), bits_stored=12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.add_new(0x60000010, "US", ROWS)
    ds.add_new(0x60000011, "US", COLUMNS)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000050, "SS", [1, 1])
    ds.add_new(0x60000100, "US", 16)
    ds.add_new(0x60000102, "US", 15)
    for path in _both_orders(tmp_path, ds, "embedded"):  # native fast path, pydicom's decoder
        image = load_quietly(path)
        assert np.array_equal(image.pixels, values), path.name
        (overlay,) = image.overlays
        assert overlay.embedded
        assert np.array_equal(overlay.frame_mask(0), marks[0])
        assert np.array_equal(overlay.frame_mask(1), marks[1])  # each frame carries its own
        # DCMTK draws frame 1 with frame 0's overlay bits, so only frame 0 is compared.
        worst = worst_difference(_shown(image, 0), dcmtk_render(path, "+Wi", "1"))
        assert worst <= 1, (path.name, worst)


def test_broken_overlay_is_left_out_and_the_image_still_shows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ds = _grey(1)
    _add_overlay(ds, _masks(1), origin=None)
    ds[0x60003000].value = b"\xff\xff"  # 16 bits for a 20 × 24 overlay
    ds.add_new(0x60020010, "US", ROWS)  # an embedded overlay in a bit that holds pixel data
    ds.add_new(0x60020011, "US", COLUMNS)
    ds.add_new(0x60020100, "US", 16)
    ds.add_new(0x60020102, "US", 3)
    with caplog.at_level(logging.INFO, logger="workstation.imaging"):
        image = load_quietly(save(ds, tmp_path / "broken.dcm"))
    assert image.overlays == ()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "overlay 6000 not shown" in messages
    assert "overlay 6002 not shown" in messages
