"""YCbCr to RGB (PS3.3 C.7.6.3.1.2, BT.601 full range) for native and RLE pixel data, in
every byte order, held against DCMTK's dcmj2pnm; every Cb/Cr pair is exercised."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom.dataset import Dataset

from tests.dicom_builders import (
    dcmconv,
    dcmcrle,
    dcmtk_render,
    image_dataset,
    load_quietly,
    save,
    worst_difference,
)
from workstation.imaging.color import ybr_to_rgb
from workstation.imaging.display import render_frame

pytestmark = pytest.mark.unit
RNG = np.random.default_rng(5)


def _every_chroma() -> npt.NDArray[np.uint8]:
    """256 × 256 pixels: every (Cb, Cr) pair once, each with a random Y."""
    cb, cr = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    y = RNG.integers(0, 256, (256, 256))
    return np.stack([y, cb, cr], axis=-1).astype(np.uint8)


def _ybr_422(full: npt.NDArray[np.uint8]) -> Dataset:
    """YBR_FULL_422 as PS3.5 8.2.1 lays it out: Y1 Y2 Cb Cr for each pair of pixels, the
    chroma of the pair's first pixel."""
    ds = image_dataset(full, "YBR_FULL")
    ds.PhotometricInterpretation = "YBR_FULL_422"
    pairs = full.reshape(full.shape[0], -1, 2, 3)
    packed = np.stack(
        [pairs[:, :, 0, 0], pairs[:, :, 1, 0], pairs[:, :, 0, 1], pairs[:, :, 0, 2]], -1
    )
    ds.PixelData = packed.astype(np.uint8).tobytes()
    return ds


def _variants(tmp_path: Path, ds: Dataset, name: str) -> list[Path]:
    little = save(ds, tmp_path / f"{name}.dcm")
    return [
        little,
        dcmconv(little, tmp_path / f"{name}_be.dcm", "+tb"),
        dcmconv(little, tmp_path / f"{name}_implicit.dcm", "+ti"),
    ]


@pytest.mark.parametrize("planar", [0, 1])
def test_ybr_full_matches_dcmtk_in_every_byte_order_and_rle(tmp_path: Path, planar: int) -> None:
    ds = image_dataset(_every_chroma(), "YBR_FULL", planar=planar)
    paths = _variants(tmp_path, ds, f"ybr_full_{planar}")
    paths.append(dcmcrle(paths[0], tmp_path / f"ybr_full_{planar}_rle.dcm"))
    for path in paths:
        image = load_quietly(path)
        assert image.photometric == "RGB"
        worst = worst_difference(render_frame(image, 0), dcmtk_render(path))
        assert worst <= 1, (path.name, worst)


def test_ybr_full_422_matches_dcmtk(tmp_path: Path) -> None:
    for path in _variants(tmp_path, _ybr_422(_every_chroma()), "ybr_422"):
        worst = worst_difference(render_frame(load_quietly(path), 0), dcmtk_render(path))
        assert worst <= 1, (path.name, worst)


def test_16_bit_ybr_full_matches_dcmtk(tmp_path: Path) -> None:
    samples = RNG.integers(0, 65536, (40, 50, 3)).astype("<u2")
    for path in _variants(tmp_path, image_dataset(samples, "YBR_FULL"), "ybr16"):
        worst = worst_difference(render_frame(load_quietly(path), 0), dcmtk_render(path))
        assert worst <= 1, (path.name, worst)


def test_grey_axis_stays_grey() -> None:
    # Cb = Cr = 128 is no colour: R = G = B = Y within DCMTK's truncation (at most 1 below).
    grey = np.stack([np.arange(256), np.full(256, 128), np.full(256, 128)], -1)
    rgb = ybr_to_rgb(grey.astype(np.uint8)[np.newaxis], 8, subsampled=False)[0].astype(int)
    assert np.all(np.abs(rgb - np.arange(256)[:, None]) <= 1)
