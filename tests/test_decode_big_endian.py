"""Every photometric interpretation in every byte order: each image is written in explicit
VR little endian, re-encoded by DCMTK (dcmconv) as implicit VR and as explicit VR big endian
(1.2.840.10008.1.2.2), and all three must render like the little-endian file and like
DCMTK's dcmj2pnm. Palettes follow PS3.3 C.7.6.3.1.5-6 (plain) and C.7.9 (segmented)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom.dataset import Dataset
from pydicom.uid import ExplicitVRBigEndian

from tests.dicom_builders import (
    dcmconv,
    dcmtk_render,
    image_dataset,
    load_quietly,
    save,
    transfer_syntax,
    worst_difference,
)
from workstation.imaging.display import render_frame

pytestmark = pytest.mark.unit
RNG = np.random.default_rng(2)


def _grey(dtype: str, low: int, high: int, frames: int = 1) -> npt.NDArray[np.integer]:
    return RNG.integers(low, high + 1, (frames, 37, 45)).astype(dtype)


def _mono(photometric: str, dtype: str, bits: int, signed: bool) -> Dataset:
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
    ds = image_dataset(_grey(dtype, low, high, frames=2), photometric, bits_stored=bits)
    ds.WindowCenter, ds.WindowWidth = (low + high) / 2, (high - low) * 0.8
    return ds


def _palette(entry_bits: int, index_dtype: str, entries: int, first: int) -> Dataset:
    indices = _grey(index_dtype, first - 5, first + entries + 5)
    ds = image_dataset(indices, "PALETTE COLOR")
    top = 2**entry_bits - 1
    ramp = np.linspace(0, top, entries).astype(np.int64)
    tables = (ramp, top - ramp, RNG.integers(0, top + 1, entries))
    for channel, table in zip(("Red", "Green", "Blue"), tables, strict=True):
        setattr(
            ds, f"{channel}PaletteColorLookupTableDescriptor", [entries % 65536, first, entry_bits]
        )
        dtype = "u1" if entry_bits == 8 else "<u2"
        data = np.asarray(table, dtype).tobytes()
        setattr(ds, f"{channel}PaletteColorLookupTableData", data + b"\0" * (len(data) % 2))
        ds[f"{channel}PaletteColorLookupTableData"].VR = "OW"
    return ds


CASES = {
    "MONOCHROME2 8-bit": lambda: _mono("MONOCHROME2", "u1", 8, signed=False),
    "MONOCHROME2 12-bit unsigned": lambda: _mono("MONOCHROME2", "<u2", 12, signed=False),
    "MONOCHROME2 16-bit signed": lambda: _mono("MONOCHROME2", "<i2", 16, signed=True),
    "MONOCHROME1 12-bit signed": lambda: _mono("MONOCHROME1", "<i2", 12, signed=True),
    "RGB 8-bit planar 0": lambda: image_dataset(_rgb("u1", 255), "RGB", planar=0),
    "RGB 8-bit planar 1": lambda: image_dataset(_rgb("u1", 255), "RGB", planar=1),
    "RGB 16-bit planar 0": lambda: image_dataset(_rgb("<u2", 65535), "RGB", planar=0),
    "RGB 16-bit planar 1": lambda: image_dataset(_rgb("<u2", 65535), "RGB", planar=1),
    "PALETTE 8-bit entries": lambda: _palette(8, "u1", 256, 0),
    "PALETTE 16-bit entries": lambda: _palette(16, "u1", 256, 0),
    "PALETTE 16-bit entries, 16-bit indices": lambda: _palette(16, "<u2", 1000, 100),
    "PALETTE 8-bit entries, 16-bit indices": lambda: _palette(8, "<u2", 4096, 0),
}


def _rgb(dtype: str, top: int) -> npt.NDArray[np.integer]:
    return RNG.integers(0, top + 1, (2, 29, 31, 3)).astype(dtype)


def _window_options(ds: Dataset) -> tuple[str, ...]:
    return ("+Wi", "1") if "WindowCenter" in ds else ()


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_photometric_in_every_byte_order_matches_dcmtk(tmp_path: Path, case: str) -> None:
    ds = CASES[case]()
    name = case.replace(" ", "_").replace(",", "")
    little = save(ds, tmp_path / f"{name}_le.dcm")
    big = dcmconv(little, tmp_path / f"{name}_be.dcm", "+tb")
    implicit = dcmconv(little, tmp_path / f"{name}_implicit.dcm", "+ti")
    assert transfer_syntax(big) == ExplicitVRBigEndian
    reference = load_quietly(little)
    for path in (little, big, implicit):
        image = load_quietly(path)
        for frame in range(image.frames):
            ours = render_frame(image, frame)
            assert np.array_equal(ours, render_frame(reference, frame)), (path.name, frame)
            worst = worst_difference(ours, dcmtk_render(path, *_window_options(ds), frame=frame))
            assert worst <= 1, (path.name, frame, worst)


def _words(values: list[int]) -> bytes:
    return np.asarray(values, "<u2").tobytes()


def _bytes(values: list[int]) -> bytes:
    data = bytes(values)
    return data + b"\0" * (len(data) % 2)


# Segments whose linear parts land on whole numbers, so the expansion is exact whatever
# rounding an implementation uses (C.7.9.2.2 does not say). Blue copies segments 0 and 1
# with an indirect segment at byte offset 0 (C.7.9.2.3).
_BLUE_START = [10, 20, 30, *(30 + 300 * i for i in range(1, 101))]
SEGMENTED_16 = {
    "Red": ([0, 1, 0, 1, 255, 65535], [257 * i for i in range(256)]),
    "Green": ([0, 1, 65535, 1, 255, 0], [65535 - 257 * i for i in range(256)]),
    "Blue": (
        [0, 3, 10, 20, 30, 1, 100, 30030, 2, 2, 0, 0, 0, 50, *range(1000, 51000, 1000)],
        [*_BLUE_START, *_BLUE_START, *range(1000, 51000, 1000)],
    ),
}
SEGMENTED_8 = {
    "Red": ([0, 1, 0, 1, 255, 255], list(range(256))),
    "Green": ([0, 1, 255, 1, 255, 0], [255 - i for i in range(256)]),
    "Blue": (
        [0, 1, 7, 1, 100, 207, 0, 155, *(i % 256 for i in range(155))],
        [7, *(7 + 2 * i for i in range(1, 101)), *(i % 256 for i in range(155))],
    ),
}


@pytest.mark.parametrize("bits", [16, 8])
def test_segmented_palette_in_both_byte_orders_equals_its_expanded_twin(
    tmp_path: Path, bits: int
) -> None:
    segments = SEGMENTED_16 if bits == 16 else SEGMENTED_8
    indices = RNG.integers(0, 256, (40, 50)).astype(np.uint8)
    segmented, twin = (
        image_dataset(indices, "PALETTE COLOR"),
        image_dataset(indices, "PALETTE COLOR"),
    )
    for channel, (data, expanded) in segments.items():
        assert len(expanded) == 256
        for ds in (segmented, twin):
            setattr(ds, f"{channel}PaletteColorLookupTableDescriptor", [256, 0, bits])
        encode = _words if bits == 16 else _bytes
        setattr(segmented, f"Segmented{channel}PaletteColorLookupTableData", encode(data))
        setattr(twin, f"{channel}PaletteColorLookupTableData", encode(expanded))
        twin[f"{channel}PaletteColorLookupTableData"].VR = "OW"
    twin_path = save(twin, tmp_path / "twin.dcm")
    reference = dcmtk_render(twin_path)  # DCMTK has no segmented palettes: it draws the twin
    assert worst_difference(render_frame(load_quietly(twin_path), 0), reference) <= 1
    little = save(segmented, tmp_path / "segmented_le.dcm")
    for path in (little, dcmconv(little, tmp_path / "segmented_be.dcm", "+tb")):
        ours = render_frame(load_quietly(path), 0)
        assert worst_difference(ours, reference) <= 1, path.name
