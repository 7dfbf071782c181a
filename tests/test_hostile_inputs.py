"""What an attacker's files found in the decoders, the log and the task runner (each
would have passed or misled before): refused or shown honestly, never silently wrong."""

from __future__ import annotations

import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests.dicom_builders import image_dataset, load_quietly, save
from workstation.imaging.calibration import CalibrationSource, PhysicalUnits, UltrasoundRegion
from workstation.imaging.decode import DecodeError, DicomImage
from workstation.imaging.display import frame_full_range, render_frame
from workstation.imaging.names import decode_text
from workstation.redact import redact

pytestmark = pytest.mark.unit


BAD_RESCALES = [("RescaleSlope", "NaN"), ("RescaleSlope", "0"), ("RescaleSlope", "inf"),
                ("RescaleIntercept", "nan")]  # fmt: skip


@pytest.mark.parametrize(("keyword", "value"), BAD_RESCALES)
def test_a_rescale_that_is_not_a_usable_number_is_refused_not_shown_black(
    tmp_path: Path, keyword: str, value: str
) -> None:
    ds = image_dataset(np.arange(64, dtype="<u2").reshape(8, 8), bits_stored=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about the value it is asked to write
        setattr(ds, keyword, value)
        path = save(ds, tmp_path / "rescale.dcm")
    with pytest.raises(DecodeError, match=keyword):
        load_quietly(path)


def test_one_nan_in_a_float_frame_leaves_the_rest_of_the_image_visible() -> None:
    values = np.linspace(0.0, 100.0, 64, dtype=np.float32).reshape(1, 8, 8)
    values[0, 0, 0] = np.nan
    image = DicomImage(values, "MONOCHROME2", "RTDOSE", "1", "1", "1", 1)
    window = frame_full_range(image)
    assert np.isfinite(window.center)
    assert np.isfinite(window.width)
    grey = render_frame(image)
    assert grey[0, 0] == 0
    assert grey[-1, -1] == 255


def test_ultrasound_regions_win_over_a_stray_pixel_spacing() -> None:
    from dataclasses import replace

    region = UltrasoundRegion(0, 0, 0, 63, 63, PhysicalUnits.CM, PhysicalUnits.CM, 0.01, 0.01)
    image = DicomImage(np.zeros((1, 64, 64), np.uint8), "MONOCHROME2", "US", "1", "1", "1", 1)
    stray = replace(
        image, pixel_spacing=(1.0, 1.0), spacing_source="PixelSpacing", us_regions=(region,)
    )
    assert stray.calibration.source is CalibrationSource.US_REGION


def test_an_overlay_far_larger_than_its_image_is_left_out(tmp_path: Path) -> None:
    ds = image_dataset(np.zeros((4, 4), dtype="<u2"), bits_stored=12)
    rows = cols = 65535
    ds.add_new((0x6000, 0x0010), "US", rows)
    ds.add_new((0x6000, 0x0011), "US", cols)
    ds.add_new((0x6000, 0x0040), "CS", "G")
    ds.add_new((0x6000, 0x0050), "SS", [1, 1])
    ds.add_new((0x6000, 0x0100), "US", 1)
    ds.add_new((0x6000, 0x0102), "US", 0)
    ds.add_new((0x6000, 0x3000), "OW", b"\xff" * 4096)
    image = load_quietly(save(ds, tmp_path / "overlay.dcm"))
    assert image.overlays == ()


def test_a_30_mb_name_is_decoded_in_moments() -> None:
    start = time.perf_counter()
    text = decode_text("张".encode("gb18030") * 15_000_000, [])
    assert time.perf_counter() - start < 2.0
    assert text.text.startswith("张张")


def test_id_card_numbers_next_to_letters_are_masked_and_pydicom_logs_no_values() -> None:
    line = redact("/cache/P110101199003074514_CT.dcm ID110101199003074514abc")
    assert "199003074" not in line
    from workstation.logs import setup_logging

    root = logging.getLogger()
    handlers = list(root.handlers)
    level = root.level
    try:
        import tempfile

        setup_logging(Path(tempfile.mkdtemp()), to_stderr=False)
        assert not logging.getLogger("pydicom").isEnabledFor(logging.WARNING)
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)


def test_a_segmented_palette_of_endless_empty_indirections_is_refused_in_moments() -> None:
    from workstation.imaging.palette import _Expansion

    # one discrete entry, 65,535 empty discrete segments from word 3, then 60 indirect
    # segments that each walk all of them again: nothing is emitted, the walk is endless
    words = [0, 1, 7] + [0, 0] * 65535 + [2, 65535, 6, 0] * 60
    start = time.perf_counter()
    with pytest.raises(DecodeError, match="too many segments"):
        _Expansion(np.asarray(words, dtype=np.int64), 256, 2).run()
    assert time.perf_counter() - start < 5.0


def test_a_fake_size_marker_in_a_jp2_metadata_box_does_not_vouch_for_the_image() -> None:
    import struct

    from workstation.imaging.codestream import _j2k_size

    def siz(columns: int, rows: int) -> bytes:
        fields = struct.pack(">HHIIIIIIIIH", 41, 0, columns, rows, 0, 0, columns, rows, 0, 0, 1)
        return b"\xff\x4f\xff\x51" + fields

    signature = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
    decoy = siz(8, 8)
    xml_box = struct.pack(">I4s", 8 + len(decoy), b"xml ") + decoy
    real = siz(32000, 32000) + b"\x00" * 16
    codestream_box = struct.pack(">I4s", 8 + len(real), b"jp2c") + real
    assert _j2k_size(signature + xml_box + codestream_box)[:2] == (32000, 32000)
    assert _j2k_size(real)[:2] == (32000, 32000)
