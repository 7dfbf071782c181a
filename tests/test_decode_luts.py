"""Modality and VOI LUT Sequences as PS3.3 C.11 and PS3.6 describe them: LUT Data as US or
OW in every byte order, 8-bit entries one or two per word, the first mapped value's sign,
and descriptors that break the rules. Pixels are held against DCMTK's dcmj2pnm."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from tests.dicom_builders import (
    dcmconv,
    dcmtk_render,
    image_dataset,
    load_quietly,
    save,
    worst_difference,
)
from workstation.imaging.decode import DecodeError
from workstation.imaging.display import render_frame

pytestmark = pytest.mark.unit
RNG = np.random.default_rng(14)


def _ramp(
    low: int, high: int, dtype: str, rows: int = 48, columns: int = 64
) -> npt.NDArray[np.integer]:
    """Every value from ``low`` to ``high`` appears, in a shuffled but seeded order."""
    values = np.resize(np.arange(low, high + 1), rows * columns)
    return RNG.permutation(values).reshape(rows, columns).astype(dtype)


def _lut_item(descriptor: list[int], entries: npt.NDArray[np.integer], vr: str) -> Dataset:
    """A LUT Sequence item with LUT Data as US numbers or OW little-endian words."""
    item = Dataset()
    item.LUTDescriptor = descriptor
    item["LUTDescriptor"].VR = "US"  # the 16-bit patterns, as PS3.3 C.11.1.1 writes them
    if vr == "US":
        item.LUTData = [int(v) for v in entries]
    else:
        item.LUTData = np.asarray(entries, "<u2").tobytes()
    item["LUTData"].VR = vr
    return item


def _packed(entries: npt.NDArray[np.integer]) -> npt.NDArray[np.uint16]:
    """8-bit entries two per 16-bit word, the first in the low byte."""
    padded = np.append(entries, [0] * (len(entries) % 2)).astype(np.uint16)
    return np.asarray(padded[0::2] | (padded[1::2] << 8), np.uint16)


def _encodings(tmp_path: Path, ds: Dataset, name: str) -> list[Path]:
    """The file as written (explicit VR little endian), and DCMTK's implicit VR and big
    endian re-encodings of it (DCMTK swaps each value by its VR)."""
    written = save(ds, tmp_path / f"{name}_le.dcm")
    return [
        written,
        dcmconv(written, tmp_path / f"{name}_implicit.dcm", "+ti"),
        dcmconv(written, tmp_path / f"{name}_be.dcm", "+tb"),
    ]


def _modality_lut_ct(vr: str) -> Dataset:
    ds = image_dataset(_ramp(0, 4095, "<u2"), bits_stored=12, modality="CT")
    curve = np.rint(np.sqrt(np.arange(4096) / 4095) * 65535).astype(np.uint16)
    item = _lut_item([4096, 0, 16], curve, vr)
    item.ModalityLUTType = "US"
    ds.ModalityLUTSequence = Sequence([item])
    ds.WindowCenter, ds.WindowWidth = 30000, 50000
    return ds


@pytest.mark.parametrize("vr", ["US", "OW"])
def test_modality_lut_data_as_us_or_ow_in_every_byte_order(tmp_path: Path, vr: str) -> None:
    for path in _encodings(tmp_path, _modality_lut_ct(vr), vr):
        image = load_quietly(path)
        assert image.modality_lut is not None
        assert len(image.modality_lut.data) == 4096
        assert image.modality_lut.data[4095] == 65535
        worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wi", "1"))
        assert worst <= 1, (path.name, worst)


@pytest.mark.parametrize("layout", ["packed", "one_per_word"])
def test_voi_lut_with_8_bit_entries(tmp_path: Path, layout: str) -> None:
    ds = image_dataset(_ramp(0, 4095, "<u2"), bits_stored=12)
    entries = (np.arange(4096) * 7 // 16 % 256).astype(np.uint16)  # a saw tooth
    words = _packed(entries) if layout == "packed" else entries
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 8]
    item.LUTData = np.asarray(words, "<u2").tobytes()
    item["LUTData"].VR = "OW"
    ds.VOILUTSequence = Sequence([item])
    for path in _encodings(tmp_path, ds, layout):
        image = load_quietly(path)
        assert image.voi_lut is not None
        assert np.array_equal(image.voi_lut.data, entries)
        worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wl", "1"))
        assert worst <= 1, (path.name, worst)


def test_first_mapped_above_32767_is_unsigned_on_unsigned_pixels(tmp_path: Path) -> None:
    ds = image_dataset(_ramp(39_000, 45_000, "<u2"))
    curve = (np.arange(4096) * 16).astype(np.uint16)
    ds.ModalityLUTSequence = Sequence([_lut_item([4096, 40_000, 16], curve, "US")])
    ds.WindowCenter, ds.WindowWidth = 32768, 65536
    path = save(ds, tmp_path / "first_40000.dcm")
    image = load_quietly(path)
    assert image.modality_lut is not None
    assert image.modality_lut.first_mapped == 40_000
    worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wi", "1"))
    assert worst <= 1, worst


def test_first_mapped_above_32767_is_negative_on_signed_pixels(tmp_path: Path) -> None:
    ds = image_dataset(_ramp(-2048, 2047, "<i2"), bits_stored=12)
    curve = (np.arange(4096) * 16).astype(np.uint16)
    ds.ModalityLUTSequence = Sequence([_lut_item([4096, 65536 - 2048, 16], curve, "US")])
    ds.WindowCenter, ds.WindowWidth = 32768, 65536
    path = save(ds, tmp_path / "first_minus_2048.dcm")
    image = load_quietly(path)
    assert image.modality_lut is not None
    assert image.modality_lut.first_mapped == -2048
    worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wi", "1"))
    assert worst <= 1, worst


def test_voi_lut_first_mapped_is_signed_when_the_rescaled_range_is(tmp_path: Path) -> None:
    # Unsigned stored values, intercept −1024: the VOI LUT maps HU, which can be negative
    # (PS3.3 C.11.2.1.1), so 64536 means −1000.
    ds = image_dataset(_ramp(0, 3000, "<u2"), bits_stored=12, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    curve = np.linspace(0, 65535, 2000).astype(np.uint16)
    ds.VOILUTSequence = Sequence([_lut_item([2000, 65536 - 1000, 16], curve, "OW")])
    path = save(ds, tmp_path / "voi_signed.dcm")
    image = load_quietly(path)
    assert image.voi_lut is not None
    assert image.voi_lut.first_mapped == -1000
    worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wl", "1"))
    assert worst <= 1, worst


def test_zero_entries_means_65536(tmp_path: Path) -> None:
    ds = image_dataset(_ramp(0, 65535, "<u2", rows=256, columns=256))
    curve = (65535 - np.arange(65536)).astype(np.uint16)
    ds.ModalityLUTSequence = Sequence([_lut_item([0, 0, 16], curve, "OW")])
    ds.WindowCenter, ds.WindowWidth = 32768, 65536
    path = save(ds, tmp_path / "entries_0.dcm")
    image = load_quietly(path)
    assert image.modality_lut is not None
    assert len(image.modality_lut.data) == 65536
    worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wi", "1"))
    assert worst <= 1, worst


def _broken(tmp_path: Path, sequence: str, descriptor: list[int], words: int) -> Path:
    ds = image_dataset(_ramp(0, 4095, "<u2"), bits_stored=12)
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    item = _lut_item(descriptor, np.zeros(words, np.uint16), "OW")
    setattr(ds, sequence, Sequence([item]))
    return save(ds, tmp_path / f"{sequence}_{len(descriptor)}_{words}.dcm")


BROKEN = [
    pytest.param([4096, 0, 40], 4096, "bits per entry", id="absurd-bits"),
    pytest.param([4096, 0, 0], 4096, "bits per entry", id="zero-bits"),
    pytest.param([4096, 0, 16], 1000, "data words", id="data-too-short"),
    pytest.param([4096, 0], 4096, "3", id="two-values"),
]


@pytest.mark.parametrize(("descriptor", "words", "reason"), BROKEN)
def test_broken_modality_lut_is_a_clear_error(
    tmp_path: Path, descriptor: list[int], words: int, reason: str
) -> None:
    path = _broken(tmp_path, "ModalityLUTSequence", descriptor, words)
    with pytest.raises(DecodeError, match=f"Modality LUT.*{reason}|{reason}.*Modality LUT"):
        load_quietly(path)


@pytest.mark.parametrize(("descriptor", "words", "reason"), BROKEN)
def test_broken_voi_lut_is_left_out_with_a_logged_reason(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    descriptor: list[int],
    words: int,
    reason: str,
) -> None:
    path = _broken(tmp_path, "VOILUTSequence", descriptor, words)
    with caplog.at_level(logging.INFO, logger="workstation.imaging"):
        image = load_quietly(path)
    assert image.voi_lut is None
    assert any(
        "VOI LUT not used" in r.getMessage() and reason in r.getMessage() for r in caplog.records
    )
    worst = worst_difference(render_frame(image, 0), dcmtk_render(path, "+Wi", "1"))
    assert worst <= 1, worst
