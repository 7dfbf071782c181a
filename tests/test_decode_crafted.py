"""Crafted files end in a clear DecodeError (or an image shown without the bad part), never
a crash, a traceback, an abort or an out-of-memory: windows the standard forbids, RLE
"bombs", compressed frames larger than the header says, and the memory budget counted
before any decoder runs. The render command prints one line naming the file and exits 2."""

from __future__ import annotations

import io
import logging
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.filewriter import write_file_meta_info
from pydicom.sequence import Sequence
from pydicom.uid import JPEG2000Lossless, RLELossless

from tests.dicom_builders import image_dataset, save
from workstation.imaging.decode import DecodeError, DicomImage, load
from workstation.imaging.display import render_frame
from workstation.imaging.limits import (
    PIXEL_BUDGET_BYTES,
    check_budget,
    check_deflated,
    decoded_bytes,
)

pytestmark = pytest.mark.unit
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 2 * 1024**3  # the render command must live within this (RLIMIT_AS)


def _load(path: Path | io.BytesIO) -> DicomImage:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(path)


# ``python -m workstation`` with the address space limited first (no preexec_fn: the
# test process may have threads).
LIMITED_MAIN = (
    "import resource, runpy, sys; "
    "limit = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
    "sys.argv[0] = 'workstation'; "
    "runpy.run_module('workstation', run_name='__main__', alter_sys=True)"
)


def _render_command(
    path: Path, *extra: str, address_space: int = ADDRESS_SPACE
) -> subprocess.CompletedProcess[str]:
    """``python -m workstation render`` in a child with a bounded address space."""
    target = path.with_suffix(".png")
    command = [sys.executable, "-c", LIMITED_MAIN, str(address_space)]
    return subprocess.run(
        [*command, "render", str(path), str(target), *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )


def _assert_one_line_failure(result: subprocess.CompletedProcess[str], name: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"cannot render {name}: "), lines[0]
    return lines[0]


def _rle_bomb(tmp_path: Path, size: int, data_bytes: int) -> Path:
    """An 8-bit RLE image claiming ``size`` × ``size`` with ``data_bytes`` of replicate
    runs (each 2 bytes → 128 zero pixels): a small file that claims a huge image."""
    ds = image_dataset(np.zeros((1, 1), np.uint8))
    ds.file_meta.TransferSyntaxUID = RLELossless
    ds.Rows = ds.Columns = size
    header = struct.pack("<16L", 1, 64, *([0] * 14))
    ds.PixelData = encapsulate([header + b"\x81\x00" * (data_bytes // 2)])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    return save(ds, tmp_path / f"rle_{size}.dcm")


def test_linear_window_narrower_than_1_is_ignored_with_a_logged_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ds = image_dataset(np.arange(64 * 64, dtype="<u2").reshape(64, 64), bits_stored=12)
    ds.WindowCenter, ds.WindowWidth = [100, 2048], [0.5, 4096]
    path = save(ds, tmp_path / "w05.dcm")
    with caplog.at_level(logging.INFO, logger="workstation.imaging"):
        image = _load(path)
    assert [(w.center, w.width) for w in image.windows] == [(2048, 4096)]
    assert any("width 0.5 is below 1" in r.getMessage() for r in caplog.records)
    assert render_frame(image, 0).shape == (64, 64)
    ds.WindowCenter, ds.WindowWidth = 100, 0.5
    assert _load(save(ds, tmp_path / "w05_only.dcm")).windows == ()
    assert _render_command(tmp_path / "w05_only.dcm").returncode == 0


def test_voi_lut_with_absurd_bits_still_renders(tmp_path: Path) -> None:
    ds = image_dataset(np.arange(64 * 64, dtype="<u2").reshape(64, 64), bits_stored=12)
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 250]
    item.LUTData = np.zeros(4096, "<u2").tobytes()
    item["LUTData"].VR = "OW"
    ds.VOILUTSequence = Sequence([item])
    path = save(ds, tmp_path / "voi_bits.dcm")
    assert _load(path).voi_lut is None
    assert _render_command(path).returncode == 0


def test_rle_bomb_claiming_12000_squared_is_refused_before_decoding(tmp_path: Path) -> None:
    path = _rle_bomb(tmp_path, 12000, 2_000_000)  # 2 MB can expand to 128 MB, not 144 MB
    assert path.stat().st_size < 2_100_000
    with pytest.raises(DecodeError, match="too short"):
        _load(path)
    _assert_one_line_failure(_render_command(path), path.name)


def test_rle_bomb_claiming_46340_squared_does_not_abort(tmp_path: Path) -> None:
    # pylibjpeg-rle aborts the whole process when it cannot allocate 46340² bytes: it did
    # so here within a 4 GiB address space before the budget was checked first.
    path = _rle_bomb(tmp_path, 46340, 2_000_000)
    with pytest.raises(DecodeError, match="too large"):
        _load(path)
    result = _render_command(path, address_space=4 * 1024**3)
    line = _assert_one_line_failure(result, path.name)
    assert "MiB" in line


def test_complete_12000_squared_rle_never_crashes_the_command(tmp_path: Path) -> None:
    # Really 12000² black pixels in 2.25 MB: decoding is allowed (137 MiB); rendering may
    # run out of the 2 GiB address space, which must still be one clear line.
    path = _rle_bomb(tmp_path, 12000, 12000 * 12000 // 64)
    result = _render_command(path)
    if result.returncode != 0:
        _assert_one_line_failure(result, path.name)


def test_rle_segment_count_and_offsets_are_checked(tmp_path: Path) -> None:
    ds = image_dataset(np.zeros((8, 8), "<u2"))  # 16-bit: two segments per frame
    ds.file_meta.TransferSyntaxUID = RLELossless
    header = struct.pack("<16L", 1, 64, *([0] * 14))
    ds.PixelData = encapsulate([header + b"\xf9\x00" * 2])
    ds["PixelData"].VR = "OB"
    ds["PixelData"].is_undefined_length = True
    with pytest.raises(DecodeError, match="1 segments, 2 expected"):
        _load(save(ds, tmp_path / "segments.dcm"))
    header = struct.pack("<16L", 2, 64, 9999, *([0] * 13))
    ds.PixelData = encapsulate([header + b"\xf9\x00" * 2])
    with pytest.raises(DecodeError, match="offsets"):
        _load(save(ds, tmp_path / "offsets.dcm"))


def _with_header_size(source: str, rows: int, columns: int) -> io.BytesIO:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(TEST_FILES / source)
    ds.Rows, ds.Columns = rows, columns
    buffer = io.BytesIO()
    ds.save_as(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    "source",
    ["SC_rgb_jpeg_dcmtk.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm"],
)
def test_compressed_frame_larger_than_the_header_is_refused(source: str) -> None:
    with pytest.raises(DecodeError, match="compressed frame 1 is"):
        _load(_with_header_size(source, 8, 8))


def test_jpeg_2000_claiming_millions_of_tiles_is_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(TEST_FILES / "MR_small_jp2klossless.dcm")
    assert ds.file_meta.TransferSyntaxUID == JPEG2000Lossless
    frame = bytearray(pydicom.encaps.generate_frames(ds.PixelData, number_of_frames=1).__next__())
    struct.pack_into(">II", frame, 4 + 20, 1, 1)  # XTsiz = YTsiz = 1: 4096 tiles
    struct.pack_into(">II", frame, 4 + 4, 65535, 65535)  # and a 65535² image
    ds.PixelData = encapsulate([bytes(frame)])
    buffer = io.BytesIO()
    ds.save_as(buffer)
    buffer.seek(0)
    with pytest.raises(DecodeError, match="tiles"):
        _load(buffer)


def test_no_frames_is_a_clear_error(tmp_path: Path) -> None:
    ds = image_dataset(np.zeros((2, 8, 8), "<u2"))
    ds.NumberOfFrames = 0
    with pytest.raises(DecodeError, match="no frames"):
        _load(save(ds, tmp_path / "frames0.dcm"))


def test_budget_counts_the_working_dtype_exactly() -> None:
    ds = image_dataset(np.zeros((1, 1), "<u2"))
    ds.Rows, ds.Columns, ds.NumberOfFrames = 1000, 2000, 10
    frame = 1000 * 2000 * 2
    assert decoded_bytes(ds) == 10 * frame + frame  # all frames, and one inside the decoder
    check_budget(ds, budget=11 * frame)
    with pytest.raises(DecodeError, match="too large"):
        check_budget(ds, budget=11 * frame - 1)
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.RedPaletteColorLookupTableDescriptor = [256, 0, 8]
    assert decoded_bytes(ds) == 10 * (frame + 1000 * 2000 * 3) + frame
    ds.file_meta.TransferSyntaxUID = JPEG2000Lossless  # OpenJPEG: 4 bytes a sample
    assert decoded_bytes(ds) == 10 * (frame + 1000 * 2000 * 3) + 1000 * 2000 * 4
    assert PIXEL_BUDGET_BYTES == 1024**3


@pytest.mark.parametrize(
    ("name", "extra", "reason"),
    [
        ("rtplan.dcm", (), "no image"),
        ("CT_small.dcm", ("--frame", "5"), "there is no frame 5"),
        ("missing.dcm", (), "not a readable DICOM file"),
    ],
)
def test_render_command_failures_are_one_line(
    tmp_path: Path, name: str, extra: tuple[str, ...], reason: str
) -> None:
    source = TEST_FILES / name
    path = tmp_path / name
    if source.exists():
        path.write_bytes(source.read_bytes())
    line = _assert_one_line_failure(_render_command(path, *extra), name)
    assert reason in line


def _deflate_bomb(inflated: int) -> bytes:
    """A Part 10 file in Deflated Explicit VR Little Endian whose data set inflates to
    ``inflated`` bytes (a private OB element of zeros)."""
    meta = image_dataset(np.zeros((4, 4), np.uint8)).file_meta
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1.99"
    buffer = io.BytesIO()
    buffer.write(b"\0" * 128 + b"DICM")
    write_file_meta_info(buffer, meta, enforce_standard=True)
    head = buffer.getvalue()
    element = struct.pack("<HH2sHI", 0x0009, 0x1010, b"OB", 0, inflated)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = packer.compress(element) + packer.compress(b"\0" * inflated) + packer.flush()
    return head + body


def test_deflate_bomb_is_refused_before_inflating_in_memory() -> None:
    bomb = _deflate_bomb(40 * 1024**2)
    assert len(bomb) < 100_000
    with pytest.raises(DecodeError, match="inflates to more than 16 MiB"):
        check_deflated(io.BytesIO(bomb), limit=16 * 1024**2)
    check_deflated(io.BytesIO(bomb), limit=64 * 1024**2)  # within the limit: fine
    stream = io.BytesIO(bomb)
    stream.seek(0)
    check_deflated(stream)
    assert stream.tell() == 0
    assert _load(TEST_FILES / "image_dfl.dcm").frames == 1  # a real deflated file still opens


def test_a_tiny_image_claiming_millions_of_frames_is_refused_quickly(tmp_path: Path) -> None:
    frames = 2_000_000  # 1×1 pixels: 4 MB of data, far under the pixel budget
    ds = image_dataset(np.zeros((frames, 1, 1), dtype="<u2"), bits_stored=12)
    path = save(ds, tmp_path / "frames.dcm")
    with pytest.raises(DecodeError, match="2,000,000 frames"):
        _load(path)
    result = _render_command(path)
    assert result.returncode == 2
    assert "frames.dcm" in result.stderr
