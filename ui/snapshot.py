"""What the viewer itself draws, written to a PNG: ``python -m ui.snapshot IN.dcm OUT.png
[--frame N] [--window CENTER,WIDTH]``.

The real ``ImageViewer`` is opened offscreen at one image pixel per screen pixel, with no
corner text, orientation letters, scale bar or marks, and the pixels are read back from
the rendered scene (not from the core). Support staff use it to reproduce what a doctor
saw; the tests hold it equal to ``python -m workstation render`` and to DCMTK.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ui.viewer import ImageViewer, Slice
from workstation.cli_args import parse_window
from workstation.imaging.decode import DecodeError, DicomImage, load
from workstation.imaging.png import write_png
from workstation.imaging.voi import Window


def qimage_pixels(image: QImage) -> npt.NDArray[np.uint8]:
    """A QImage as rows × columns × 3 RGB bytes."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def grey_if_neutral(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """One channel when every pixel is neutral grey (R = G = B), else the RGB array."""
    if np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2]):
        return np.ascontiguousarray(rgb[..., 0])
    return rgb


def snapshot(
    viewer: ImageViewer, image: DicomImage, frame: int = 0, window: Window | None = None
) -> npt.NDArray[np.uint8]:
    """Show ``image`` in ``viewer`` at 1:1 without annotations and return the pixels the
    scene draws: rows × columns grey, or × 3 for colour. Raises IndexError for a bad frame.
    Pixels that are not square are shown at their aspect ratio (rows scaled)."""
    if not 0 <= frame < image.frames:
        raise IndexError(f"frame {frame} of {image.frames}")
    viewer.clear()
    viewer.set_annotations_visible(False)
    viewer.toolbar.hide()
    viewer.add_image(image)
    index = next(
        i
        for i, s in enumerate(viewer.slices)
        if isinstance(s, Slice) and s.image is image and s.frame == frame
    )
    viewer.go_to(index)
    row_mm, col_mm = image.pixel_spacing or (1.0, 1.0)
    width, height = image.columns, round(image.rows * row_mm / col_mm)
    viewer.graphics.setFixedSize(width, height)
    viewer.adjustSize()
    viewer.show()
    QApplication.processEvents()
    viewer.view.setRange(
        xRange=(0.0, image.columns * col_mm), yRange=(0.0, image.rows * row_mm), padding=0.0
    )
    if window is not None:
        viewer.set_window(window)
    QApplication.processEvents()
    return grey_if_neutral(qimage_pixels(viewer.graphics.grab().toImage()))


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    parser = argparse.ArgumentParser(prog="python -m ui.snapshot")
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--frame", type=int, default=0, help="frame number, from 0")
    parser.add_argument("--window", type=parse_window, default=None, metavar="CENTER,WIDTH")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    viewer = ImageViewer()
    try:
        pixels = snapshot(viewer, load(args.input), args.frame, args.window)
        write_png(args.output, pixels)
    except Exception as exc:  # every failure is one line naming the file, never a traceback
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if not isinstance(exc, DecodeError | IndexError | ValueError | OSError):
            reason = f"unexpected error ({type(exc).__name__}: {reason})"
        print(f"cannot snapshot {args.input.name}: {reason[:300]}", file=sys.stderr)
        return 2
    finally:
        viewer.close()
        del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
