"""The display chain against the standard: every case of the generated conformance corpus
(tests/conformance/corpus.py) rendered by the core (``render``) and drawn by the real
viewer (``ui.snapshot``) equals DCMTK's dcmj2pnm, an independent reference."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from pytestqt.qtbot import QtBot

from tests.conformance.corpus import Case, cases
from tests.dicom_builders import load_quietly, read_pnm
from ui.snapshot import grey_if_neutral, qimage_pixels, snapshot
from ui.viewer import ImageViewer
from workstation.imaging.display import render_frame
from workstation.imaging.downsample import area_downsample
from workstation.imaging.voi import Window

DCMJ2PNM = shutil.which("dcmj2pnm")
CASES = {case.name: case for case in cases()}
FRAMES = [(name, frame) for name, case in CASES.items() for frame in case.frames]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("conformance")
    return {name: case.write(folder) for name, case in CASES.items()}


def _dcmtk(case: Case, path: Path, frame: int) -> npt.NDArray[np.uint8]:
    assert DCMJ2PNM, "install the Debian package dcmtk (.ci/run does)"
    out = path.with_suffix(f".{frame}.pnm")
    args = [DCMJ2PNM, "--quiet", "+F", str(frame + 1), *case.dcmtk_args, str(path), str(out)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return read_pnm(out.read_bytes())


def _worst(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> int:
    assert a.shape == b.shape, (a.shape, b.shape)
    return int(np.max(np.abs(a.astype(np.int16) - b.astype(np.int16))))


@pytest.mark.unit
@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[f"{n}-f{f}" for n, f in FRAMES])
def test_render_equals_dcmtk(corpus: dict[str, Path], name: str, frame: int) -> None:
    case = CASES[name]
    ours = render_frame(load_quietly(corpus[name]), frame)
    shown_to_dcmtk = case.write(corpus[name].parent, reference=True) if case.twin else corpus[name]
    reference = _dcmtk(case, shown_to_dcmtk, frame)
    assert _worst(ours, reference) <= case.tolerance


@pytest.mark.ui
@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[f"{n}-f{f}" for n, f in FRAMES])
def test_screen_equals_render(qtbot: QtBot, corpus: dict[str, Path], name: str, frame: int) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    image = load_quietly(corpus[name])
    shown = snapshot(viewer, image, frame)
    assert np.array_equal(shown, render_frame(image, frame))


@pytest.mark.ui
def test_screen_at_half_zoom_is_the_native_image_resampled(
    qtbot: QtBot, corpus: dict[str, Path]
) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    image = load_quietly(corpus["dx_monochrome1_inverse"])
    snapshot(viewer, image)
    viewer.graphics.setFixedSize(image.columns // 2, image.rows // 2)
    qtbot.wait(10)
    viewer.view.setRange(xRange=(0, image.columns), yRange=(0, image.rows), padding=0.0)
    qtbot.wait(10)
    half = grey_if_neutral(qimage_pixels(viewer.graphics.grab().toImage()))
    expected = np.rint(area_downsample(render_frame(image), 2)).astype(np.uint8)
    assert half.shape == expected.shape
    assert _worst(half, expected) <= 1


@pytest.mark.ui
def test_snapshot_command_writes_what_the_viewer_draws(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "dx.png"
    command = [sys.executable, "-m", "ui.snapshot", str(corpus["dx_monochrome1_inverse"]), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    bad = subprocess.run(
        [sys.executable, "-m", "ui.snapshot", str(tmp_path / "missing.dcm"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "missing.dcm" in bad.stderr


@pytest.mark.ui
@pytest.mark.parametrize(
    "name", ["dx_monochrome1_inverse", "ct_signed_rescale", "voi_lut_16bit_us"]
)
def test_screen_with_her_window_and_inversion_equals_render(
    qtbot: QtBot, corpus: dict[str, Path], name: str
) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    image = load_quietly(corpus[name])
    narrow = Window(32, 8)
    assert np.array_equal(snapshot(viewer, image, 0, narrow), render_frame(image, 0, narrow))
    viewer.set_inverted(True)
    shown = grey_if_neutral(qimage_pixels(viewer.graphics.grab().toImage()))
    assert np.array_equal(shown, render_frame(image, 0, narrow, invert=True))
