"""Viewer speed, offscreen, measured with grab() (a real paint each time):
- window/level drag on a 3000×3000 16-bit radiograph in a ~1000×1000 view (target ≥ 60/s);
- stack scrolling through 300 slices of 512×512 CT (target ≥ 60 slices/s)."""

from __future__ import annotations

import os
import time

import numpy as np

from bench.common import record


def _image(pixels: np.ndarray, modality: str, number: int = 0, z: float = 0.0) -> object:
    from workstation.imaging.decode import DicomImage
    from workstation.imaging.voi import Window

    return DicomImage(
        pixels=pixels[np.newaxis, ...],
        photometric="MONOCHROME2",
        modality=modality,
        sop_instance_uid=f"1.2.{number}",
        series_instance_uid="1.2",
        study_instance_uid="1",
        instance_number=number,
        rescale_slope=1.0,
        rescale_intercept=-1024.0,
        windows=(Window(40, 400),),
        position=(0.0, 0.0, z),
        orientation=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0),
        pixel_spacing=(0.7, 0.7),
        spacing_source="PixelSpacing",
    )


def run(results: dict[str, float]) -> None:
    """Measure both figures in one offscreen window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.viewer import ImageViewer
    from workstation.imaging.voi import Window

    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    viewer = ImageViewer()
    viewer.resize(1000, 1040)
    viewer.show()
    radiograph = rng.integers(0, 4096, (3000, 3000), dtype=np.uint16)
    viewer.add_image(_image(radiograph, "DX"))  # type: ignore[arg-type]
    app.processEvents()
    viewer.graphics.grab()
    updates = 120
    start = time.perf_counter()
    for i in range(updates):
        viewer.set_window(Window(1024 + 4 * i, 2000 + 8 * i))
        viewer.graphics.grab()
    elapsed = time.perf_counter() - start
    record(results, "viewer_window_level_3000px_updates_per_s", updates / elapsed)

    viewer.clear()
    for n in range(300):
        slice_pixels = rng.integers(0, 2000, (512, 512), dtype=np.int16)
        viewer.add_image(_image(slice_pixels, "CT", n, float(-n)))  # type: ignore[arg-type]
    viewer.go_to(0)
    app.processEvents()
    viewer.graphics.grab()
    start = time.perf_counter()
    for _ in range(299):
        viewer.step(1)
        viewer.graphics.grab()
    elapsed = time.perf_counter() - start
    record(results, "viewer_stack_scroll_512px_slices_per_s", 299 / elapsed)
    viewer.close()
