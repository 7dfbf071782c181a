"""Pixels are medicine: what we render must match DCMTK's dcmj2pnm, an independent reference,
within one grey level, on every image of pydicom's test files that dcmj2pnm can render."""

from __future__ import annotations

import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pydicom
import pytest

from tests.dicom_builders import read_pnm
from workstation.imaging.decode import DecodeError, DicomImage, load
from workstation.imaging.display import modality_values, render_frame
from workstation.imaging.voi import Window

pytestmark = pytest.mark.unit
TEST_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
DCMJ2PNM = shutil.which("dcmj2pnm")
# Files DCMTK renders and we cannot, each with the reason. The test fails if this list is
# wrong in either direction, so a fixed decoder or a new failure is noticed.
# (GDCM's IJG copy reads the 12-bit JPEG-lossy.dcm whose scan header libjpeg refused.)
KNOWN_UNSUPPORTED: dict[str, str] = {}


# Lossy JPEG: decoders may differ by ±1 in each decoded sample (ISO/IEC 10918-2 allows IDCT
# implementations to differ); the window and YCbCr→RGB conversion can turn that into 2–3 levels.
LOSSY_SYNTAXES = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"}
LOSSY_TOLERANCE = 3
# DCMTK renders these big-endian 32-bit RT Dose copies white, but renders their little-endian
# twins (same pixel values, as pydicom reads them) exactly like us; checked below.
DCMTK_DIFFERS = {
    "rtdose_expb.dcm": "rtdose.dcm",
    "rtdose_expb_1frame.dcm": "rtdose_1frame.dcm",
}


def _window_for(image: DicomImage) -> Window | None:
    if image.is_color:
        return None
    if image.windows:
        first = image.windows[0]
        return Window(first.center, first.width)
    values = modality_values(image, 0)
    low, high = float(values.min()), float(values.max())
    return Window((low + high) / 2, max(high - low, 1.0))


def _dcmtk(path: Path, window: Window | None, out: Path) -> npt.NDArray[np.uint8] | None:
    assert DCMJ2PNM is not None
    args = [DCMJ2PNM, "--quiet", "+op"]
    if window is not None:
        args += ["+Ww", repr(window.center), repr(window.width)]
    result = subprocess.run([*args, str(path), str(out)], capture_output=True, check=False)
    if result.returncode != 0 or not out.exists():
        return None
    return read_pnm(out.read_bytes())


def _ours(path: Path) -> DicomImage | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return load(path)
        except DecodeError:
            return None


def test_dcmj2pnm_is_installed() -> None:
    assert DCMJ2PNM, "install the Debian package dcmtk (.ci/run does)"


def test_every_renderable_test_image_matches_dcmtk(tmp_path: Path) -> None:
    compared: list[str] = []
    mismatches: list[str] = []
    ours_failed: list[str] = []
    for path in sorted(TEST_FILES.glob("*.dcm")):
        image = _ours(path)
        window = _window_for(image) if image is not None else None
        reference = _dcmtk(path, window, tmp_path / f"{path.stem}.pnm")
        if reference is None:
            continue  # dcmj2pnm cannot render it either (no image, unsupported codec)
        if image is None:
            ours_failed.append(path.name)
            continue
        ours = render_frame(image, 0, window)
        if path.name in DCMTK_DIFFERS:
            twin = _ours(TEST_FILES / DCMTK_DIFFERS[path.name])
            assert twin is not None
            assert np.array_equal(ours, render_frame(twin, 0, window)), path.name
            continue
        if ours.shape != reference.shape:
            mismatches.append(f"{path.name}: shape {ours.shape} vs {reference.shape}")
            continue
        worst = int(np.max(np.abs(ours.astype(int) - reference.astype(int))))
        syntax = str(pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)
        if worst > (LOSSY_TOLERANCE if syntax in LOSSY_SYNTAXES else 1):
            mismatches.append(f"{path.name}: off by up to {worst} grey levels")
        compared.append(path.name)
    assert sorted(ours_failed) == sorted(KNOWN_UNSUPPORTED), "dcmj2pnm renders these, we do not"
    assert mismatches == [], "\n".join(mismatches)
    assert len(compared) >= 30, compared


def test_render_command_line(tmp_path: Path) -> None:
    out = tmp_path / "ct.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "render",
            str(TEST_FILES / "CT_small.dcm"),
            str(out),
            "--window",
            "40,400",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "render",
            str(TEST_FILES / "rtplan.dcm"),
            str(tmp_path / "x.png"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "no image" in bad.stderr
