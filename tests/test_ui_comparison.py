"""A prior from another hospital beside the current study in the reading grid: it opens at
the anatomically corresponding slice, scrolling stays untied until she confirms, the offset
is in the corner and Shift+↑/↓ corrects it."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.reading_grid import ReadingGrid
from workstation.imaging.decode import DicomImage
from workstation.imaging.sync import beyond_stack
from workstation.imaging.voi import Window

pytestmark = pytest.mark.ui


def _slice(z: float, number: int, frame: str, study: str) -> DicomImage:
    pixels = np.zeros((1, 32, 32), np.int16)
    return DicomImage(
        pixels=pixels,
        photometric="MONOCHROME2",
        modality="CT",
        sop_instance_uid=f"{study}.{number}",
        series_instance_uid=study,
        study_instance_uid=study,
        instance_number=number,
        rescale_intercept=-1024,
        windows=(Window(40, 400),),
        position=(0.0, 0.0, z),
        orientation=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0),
        pixel_spacing=(0.7, 0.7),
        spacing_source="PixelSpacing",
        frame_of_reference_uid=frame,
        body_part="CHEST",
    )


def _grid(qtbot: QtBot) -> ReadingGrid:
    grid = ReadingGrid()
    qtbot.addWidget(grid)
    grid.resize(1200, 700)
    grid.show()
    grid.set_layout(1, 2)
    return grid


def _load(grid: ReadingGrid, cell: int, images: list[DicomImage]) -> None:
    for image in images:
        grid.cells[cell].add_image(image)
    grid.stack_complete(cell)


def test_a_prior_with_another_frame_of_reference_opens_at_the_corresponding_slice(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot)
    # current: 111 slices of 2.5 mm from −387.5 to −112.5; prior: 55 slices of 6 mm, −412…−88
    current = [_slice(-387.5 + 2.5 * k, k + 1, "1.2.A", "cur") for k in range(111)]
    prior = [_slice(-412.0 + 6.0 * k, k + 1, "1.2.B", "pri") for k in range(55)]
    _load(grid, 0, current)
    grid.cells[0].go_to(len(current) // 2)  # she reads the middle: −250 mm
    assert grid.cells[0].current().position == pytest.approx(-250.0)  # type: ignore[union-attr]
    _load(grid, 1, prior)
    # middle to middle, although the positions differ by nothing and the tops by 24 mm
    assert grid.cells[1].current().position == pytest.approx(-250.0)  # type: ignore[union-attr]
    assert not grid.sync_scroll.isChecked()  # other coordinates: not tied until she says so
    assert "not synced" in grid.cells[1].top_right.text()
    assert grid.cells[0].top_right.text().count("synced") == 0  # the reference says nothing
    grid.cells[0].go_to(0)  # the current alone to its apex (−112.5 mm): the prior stays
    assert grid.cells[1].current().position == pytest.approx(-250.0)  # type: ignore[union-attr]
    grid.cells[1].go_to(0)  # the prior to its apex (−88 mm) too, then she ticks
    grid.sync_scroll.setChecked(True)
    assert grid.slice_sync.offset(1) == pytest.approx(-88.0 - -112.5)
    assert "Synced, offset +24.5 mm (aligned by you)" in grid.cells[1].top_right.text()
    grid.cells[0].go_to(12)  # 30 mm down
    assert grid.cells[1].current().position == pytest.approx(-88.0 - 30.0)  # type: ignore[union-attr]
    # Shift+↓ moves the prior alone one slice on and corrects the offset
    qtbot.keyClick(grid.cells[1], Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert grid.cells[1].current().position == pytest.approx(-88.0 - 30.0 - 6.0)  # type: ignore[union-attr]
    assert grid.cells[0].current().position == pytest.approx(-142.5)  # type: ignore[union-attr]
    assert grid.slice_sync.offset(1) == pytest.approx(18.5)
    assert "+18.5 mm" in grid.cells[1].top_right.text()


def test_a_shared_frame_of_reference_opens_at_the_same_position_and_stays_tied(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot)
    _load(grid, 0, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.A", "cur") for k in range(40)])
    grid.cells[0].go_to(10)  # the stack opens at its top (−105 mm): ten slices down
    position = grid.cells[0].current().position  # type: ignore[union-attr]
    same = [_slice(-290.0 + 2.0 * k, k + 1, "1.2.A", "rec") for k in range(100)]
    _load(grid, 1, same)
    assert grid.cells[1].current().position == pytest.approx(position, abs=1.0)  # type: ignore[union-attr]
    assert grid.sync_scroll.isChecked()
    assert "same frame of reference" in grid.sync_text(1)
    assert "Synced" in grid.cells[1].top_right.text()  # the short form where the long is cut
    grid.cells[0].step(2)
    assert grid.cells[1].current().position == pytest.approx(position - 10.0, abs=1.0)  # type: ignore[operator, union-attr]


def test_a_tied_prior_that_ends_before_the_current_scan_says_so(qtbot: QtBot) -> None:
    # same frame: current −300…−105 mm (5 mm), prior −290…−92 mm, so the current's top
    # slices lie beyond the prior's, whose nearest slice then shows other anatomy
    grid = _grid(qtbot)
    _load(grid, 0, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.A", "cur") for k in range(40)])
    _load(grid, 1, [_slice(-200.0 + 2.0 * k, k + 1, "1.2.A", "pri") for k in range(50)])
    assert grid.sync_scroll.isChecked()
    grid.cells[0].go_to(len(grid.cells[0].slices) - 1)  # the current's lowest: −300 mm
    assert grid.cells[1].current().position == pytest.approx(-200.0)  # type: ignore[union-attr]
    assert grid.sync_text(1) == "Synced, but beyond this scan's range"
    grid.cells[0].go_to(0)  # back up to −105 mm: within the prior again
    assert "same frame of reference" in grid.sync_text(1)
    assert beyond_stack([-10.0, -8.0, -6.0], -11.0) is False  # half a spacing: still the end
    assert beyond_stack([-10.0, -8.0, -6.0], -11.5) is True
    assert beyond_stack([-10.0], -50.0) is False


def test_with_sync_wl_ticked_a_prior_opens_at_the_current_studys_window(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    _load(grid, 0, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.A", "cur") for k in range(10)])
    grid.cells[0].set_window(Window(-600, 1500))  # she reads the lungs
    grid.sync_window.setChecked(True)
    _load(grid, 1, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.B", "pri") for k in range(10)])
    assert grid.cells[1].voi() == Window(-600, 1500)  # not the prior's file window 40/400


def test_without_sync_wl_a_prior_opens_at_its_own_window(qtbot: QtBot) -> None:
    grid = _grid(qtbot)
    _load(grid, 0, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.A", "cur") for k in range(10)])
    grid.cells[0].set_window(Window(-600, 1500))
    grid.sync_window.setChecked(False)
    _load(grid, 1, [_slice(-300.0 + 5.0 * k, k + 1, "1.2.B", "pri") for k in range(10)])
    assert grid.cells[1].voi() == Window(40, 400)


def _film(modality: str, rows: int, columns: int, spacing: float, uid: str) -> DicomImage:
    return DicomImage(
        pixels=np.zeros((1, rows, columns), np.uint16),
        photometric="MONOCHROME2",
        modality=modality,
        sop_instance_uid=f"{uid}.1",
        series_instance_uid=uid,
        study_instance_uid=uid,
        instance_number=1,
        windows=(Window(2048, 4096),),
        pixel_spacing=(spacing, spacing),
        spacing_source="PixelSpacing",
    )


def _fitted(cell_range: tuple[list[float], list[float]], size_mm: tuple[float, float]) -> bool:
    """The whole image is in view and it fills the view along one axis."""
    (x0, x1), (y0, y1) = cell_range
    width, height = size_mm
    inside = x0 <= 0.5 and y0 <= 0.5 and x1 >= width - 0.5 and y1 >= height - 0.5
    fills = abs((x1 - x0) - width) < 1.0 or abs((y1 - y0) - height) < 1.0
    return inside and fills


def test_with_sync_zoom_a_study_opening_beside_another_is_fitted_not_given_its_range(
    qtbot: QtBot,
) -> None:
    # the review's case: an ultrasound opened beside a 3000×2500 film with "同步缩放" ticked
    # came up tiny and off-centre, the film cut: the film's range had been copied onto it
    grid = _grid(qtbot)
    assert grid.sync_zoom.isChecked()
    grid.cells[1].add_image(_film("DX", 3000, 2500, 0.14, "dx"))
    grid.stack_complete(1)
    grid.cells[0].add_image(_film("US", 600, 800, 0.1, "us"))
    grid.stack_complete(0)
    qtbot.wait(20)  # the grid fits its cells once they have their sizes
    assert _fitted(grid.cells[0].view.viewRange(), (80.0, 60.0))
    assert _fitted(grid.cells[1].view.viewRange(), (350.0, 420.0))
    grid.cells[0].actual_size()  # she zooms the ultrasound: the film is another modality
    assert _fitted(grid.cells[1].view.viewRange(), (350.0, 420.0))


def test_sync_zoom_keeps_the_same_millimetres_per_screen_pixel_and_relative_place(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot)
    grid.cells[0].add_image(_film("CT", 512, 512, 0.7, "cur"))  # 358 mm field of view
    grid.stack_complete(0)
    grid.cells[1].add_image(_film("CT", 512, 512, 0.9, "pri"))  # 461 mm field of view
    grid.stack_complete(1)
    qtbot.wait(20)
    grid.cells[0].actual_size()  # one image pixel per screen pixel: 0.7 mm per screen pixel
    (x0, x1), _ = grid.cells[1].view.viewRange()
    width_px, _ = grid.cells[1].screen_size()
    assert (x1 - x0) / width_px == pytest.approx(0.7, rel=0.02)
    (cx0, cx1), _ = grid.cells[0].view.viewRange()
    # the current's centre at its middle: the prior's at its own middle, 230 mm
    assert (cx0 + cx1) / 2 == pytest.approx(179.2, abs=1.0)
    assert (x0 + x1) / 2 == pytest.approx(230.4, abs=1.0)
