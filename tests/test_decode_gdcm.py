"""GDCM decodes JPEG for us (workstation.imaging.gdcm_jpeg): header pixel formats it would
abort the process on (8 bits allocated, fewer stored) give an image or a clear error, in a
child process so an abort shows as a signal rather than ending the test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from tests.dicom_builders import load_quietly

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
CHILD = """
import sys, warnings
from workstation.imaging.decode import DecodeError, load
warnings.simplefilter("ignore")
for path in sys.argv[1:]:
    try:
        image = load(path)
        print("image", image.pixels.shape)
    except DecodeError as exc:
        print("error", exc)
"""


@pytest.mark.parametrize("source", ["SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_jpeg_gdcm.dcm"])
def test_fewer_bits_stored_than_allocated_do_not_abort(tmp_path: Path, source: str) -> None:
    paths = []
    for stored in (1, 6, 7):
        ds = pydicom.dcmread(TEST_FILES / source)
        ds.BitsStored, ds.HighBit = stored, stored - 1
        path = tmp_path / f"{stored}.dcm"
        ds.save_as(path, enforce_file_format=False)
        paths.append(str(path))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-500:]  # pydicom's GDCM plugin: SIGABRT
    outcomes = result.stdout.splitlines()
    assert len(outcomes) == 3
    assert all(line.startswith(("image", "error")) for line in outcomes)


def test_twelve_bit_jpeg_extended_decodes_to_twelve_bit_values() -> None:
    for name in ("JPGExtended.dcm", "JPEG-lossy.dcm"):
        image = load_quietly(TEST_FILES / name)
        assert image.pixels.dtype.itemsize == 2
        assert 200 < int(image.pixels.max()) < 4096, name
