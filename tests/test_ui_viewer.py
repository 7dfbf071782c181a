"""The viewer on synthetic images: orientation markers, scale bar, cine, window drag."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.viewer import ImageViewer
from workstation.imaging.decode import DicomImage
from workstation.imaging.geometry import orientation_letter
from workstation.imaging.voi import Window

pytestmark = pytest.mark.ui


def _image(frames: int = 1, z: float = 0.0, number: int = 1) -> DicomImage:
    pixels = np.zeros((frames, 64, 64), np.int16)
    pixels[:, 20:40, 20:40] = 1000
    return DicomImage(
        pixels=pixels,
        photometric="MONOCHROME2",
        modality="CT",
        sop_instance_uid=f"1.{number}",
        series_instance_uid="1",
        study_instance_uid="1",
        instance_number=number,
        rescale_intercept=-1024,
        windows=(Window(40, 400),),
        position=(0.0, 0.0, z),
        orientation=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0),
        pixel_spacing=(0.5, 0.5),
        spacing_source="PixelSpacing",
        frame_time_ms=40.0 if frames > 1 else None,
    )


def _shown_viewer(qtbot: QtBot, *images: DicomImage) -> ImageViewer:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(600, 640)
    viewer.show()
    for image in images:
        viewer.add_image(image)
    return viewer


@pytest.mark.unit
def test_orientation_letters() -> None:
    assert orientation_letter((1, 0, 0)) == "L"
    assert orientation_letter((-1, 0, 0)) == "R"
    assert orientation_letter((0, 1, 0)) == "P"
    assert orientation_letter((0, 0, -1)) == "F"
    assert orientation_letter((0.7, 0.7, 0)) in ("LP", "PL")


def test_axial_markers_and_scale_bar(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    assert viewer.markers["right"].text() == "L"
    assert viewer.markers["left"].text() == "R"
    assert viewer.markers["top"].text() == "A"
    assert viewer.markers["bottom"].text() == "P"
    assert viewer.scale_label.text().endswith("mm")
    assert viewer.scale_bar.isVisible()
    viewer.view.window_dragged.emit(0.0, 150.0)
    assert viewer.chosen_window is not None
    assert viewer.chosen_window.width > 400


def test_cine_loops_through_frames(qtbot: QtBot) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(600, 640)
    viewer.show()
    viewer.add_image(_image(frames=10))
    assert viewer.fps_box.value() == 25  # from FrameTime 40 ms
    assert "Frame 1 / 10" in viewer.top_right.text()  # a loop's frames, not images
    seen: set[int] = set()
    viewer.index_changed.connect(seen.add)
    viewer.cine_button.setChecked(True)
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=3000)
    viewer.cine_button.setChecked(False)
    assert not viewer.cine_timer.isActive()


def test_roi_statistics_and_probe_in_hu(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.view.setRange(xRange=(10, 20), yRange=(10, 20), padding=0)  # inside the square
    viewer.add_roi()
    assert "HU" in viewer.mark_texts()[-1]
    assert "-24.0" in viewer.mark_texts()[-1]  # stored 1000 − 1024
    assert "SD 0.0" in viewer.mark_texts()[-1]
    centre = viewer.view.mapViewToScene(QPointF(15.0, 15.0))
    viewer._probe(centre)
    assert viewer.probe_text.endswith("-24 HU")
    assert "-24 HU" in viewer.bottom_left.text()
    assert "%" in viewer.bottom_left.text()  # zoom shown
    viewer.clear_measurements()
    assert viewer.marks.marks(("1.1", 0)) == ()


def test_actual_size_and_window_button_setting(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.actual_size()
    (x0, x1), _ = viewer.view.viewRange()
    assert (x1 - x0) / 0.5 == pytest.approx(viewer.view.width(), rel=0.02)
    assert (
        "100%" in viewer.bottom_left.text()
        or "99%" in viewer.bottom_left.text()
        or "101%" in viewer.bottom_left.text()
    )
    viewer.set_window_button("middle")
    assert viewer.view.window_buttons == (Qt.MouseButton.MiddleButton,)


def test_angle_tool(qtbot: QtBot) -> None:
    from workstation.imaging.roi import angle_degrees

    assert angle_degrees((1, 0), (0, 0), (0, 1)) == pytest.approx(90.0)
    assert angle_degrees((1, 0), (0, 0), (-1, 0)) == pytest.approx(180.0)
    assert angle_degrees((0, 0), (0, 0), (1, 1)) == 0.0
    viewer = _shown_viewer(qtbot, _image())
    viewer.add_angle()
    assert float(viewer.mark_texts()[-1].rstrip("°")) == pytest.approx(90.0, abs=0.5)
    viewer.clear_measurements()
    assert viewer.mark_texts() == []


def test_marks_stay_on_their_slice_and_undo_brings_them_back(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image(z=0.0, number=1), _image(z=5.0, number=2))
    viewer.view.setRange(xRange=(10, 20), yRange=(10, 20), padding=0)
    viewer.add_rectangle()
    assert "-24.0 HU" in viewer.mark_texts()[-1]  # rectangle inside the 1000-valued square
    viewer.add_arrow("lesion")
    on_first = viewer.slice_key()
    assert len(viewer.mark_texts()) == 2
    first_index = viewer.index
    viewer.go_to(1 - first_index)
    assert viewer.slice_key() != on_first
    assert viewer.mark_texts() == []  # a mark belongs to the image it was drawn on
    viewer.go_to(first_index)
    assert "lesion" in viewer.mark_texts()
    viewer.mark_layer.select(viewer.marks.marks(on_first)[0].ident)
    qtbot.keyClick(viewer, Qt.Key.Key_Delete)
    assert [m.kind.value for m in viewer.marks.marks(on_first)] == ["arrow"]
    viewer.go_to(1 - first_index)
    qtbot.keyClick(viewer, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert viewer.slice_key() == on_first  # undo shows where it happened
    assert len(viewer.marks.marks(on_first)) == 2


def test_dragging_a_mark_is_recorded_in_image_millimetres(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.add_length()
    key = viewer.slice_key()
    assert key is not None
    graphic = viewer.mark_layer.graphics[0]
    graphic.roi.setPos(graphic.roi.pos() + QPointF(2.0, 3.0))  # finishes like a drag
    moved = viewer.marks.marks(key)[0]
    before = viewer.marks.undo()
    assert before == key
    assert viewer.marks.marks(key)[0].points != moved.points
    assert moved.points[0][0] - viewer.marks.marks(key)[0].points[0][0] == pytest.approx(2.0)


def test_rotation_and_flip_turn_markers_probe_and_marks_with_the_image(qtbot: QtBot) -> None:
    image = _image()
    image.pixels[0, 0:4, 60:64] = 3000  # a bright top-right corner: columns 60–63, rows 0–3
    viewer = _shown_viewer(qtbot, image)
    viewer.add_length()
    key = viewer.slice_key()
    assert key is not None
    points = viewer.marks.marks(key)[0].points
    viewer.rotate_clockwise()
    assert (viewer.markers["right"].text(), viewer.markers["top"].text()) == ("A", "R")
    assert viewer.marks.marks(key)[0].points == points  # stored in image mm, unchanged
    view_points = viewer.mark_layer.view_points(viewer.mark_layer.graphics[0])
    assert view_points[0][1] != view_points[1][1]  # the horizontal line now runs vertically
    # after a clockwise turn the image's top-right corner is at the bottom right
    corner = viewer.image_item.mapToView(QPointF(63.5, 0.5))  # displayed pixel → view mm
    assert (corner.x(), corner.y()) == pytest.approx((31.75, 31.75))
    viewer._probe(viewer.view.mapViewToScene(corner))
    assert viewer.probe_text.endswith("1976 HU")  # 3000 − 1024
    viewer.flip_horizontal()
    assert viewer.markers["right"].text() == "P"
    viewer.reset()
    assert (viewer.quarter_turns, viewer.flipped) == (0, False)
    assert viewer.markers["right"].text() == "L"


def test_a_localizer_inside_an_axial_series_is_its_own_stack(qtbot: QtBot) -> None:
    from dataclasses import replace

    axial = [_image(z=float(z), number=z + 10) for z in range(5)]
    localizer = replace(
        _image(number=1), orientation=(0.0, 1.0, 0.0, 0.0, 0.0, -1.0), sop_instance_uid="9.9"
    )
    viewer = _shown_viewer(qtbot, localizer, *axial)  # the localizer happens to arrive first
    assert len(viewer.stacks) == 2
    assert len(viewer.slices) == 5  # followed the main stack
    assert all(s.image.orientation == axial[0].orientation for s in viewer.slices)
    assert viewer.plane_box.isVisible()
    labels = [viewer.plane_box.itemText(i) for i in range(viewer.plane_box.count())]
    assert any("(5)" in label for label in labels)
    assert any("(1)" in label for label in labels)
    sagittal = next(i for i, label in enumerate(labels) if "(1)" in label)
    viewer.plane_box.activated.emit(sagittal)
    assert [s.image.sop_instance_uid for s in viewer.slices] == ["9.9"]
    assert viewer.markers["right"].text() == "P"  # a sagittal plane: rows run posterior
    viewer.add_image(_image(z=9.0, number=99))  # more axial images do not pull her back
    assert [s.image.sop_instance_uid for s in viewer.slices] == ["9.9"]


def test_auto_window_ignores_a_few_extreme_pixels(qtbot: QtBot) -> None:
    from workstation.imaging.voi import auto_window

    values = np.linspace(-100.0, 100.0, 10_000).reshape(100, 100)
    values[0, :5] = 30_000.0  # metal
    window = auto_window(values)
    assert window.low == pytest.approx(-98, abs=2.5)
    assert window.high == pytest.approx(98, abs=2.5)
    viewer = _shown_viewer(qtbot, _image())
    auto = next(
        i for i in range(viewer.preset_box.count()) if viewer.preset_box.itemData(i) == "auto"
    )
    viewer.preset_box.activated.emit(auto)
    assert viewer.chosen_window is not None
    assert viewer.chosen_window.explanation == "auto"


def test_clicking_a_mark_selects_it_and_delete_removes_only_that_one(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.add_rectangle()
    viewer.add_length()  # the newest mark is selected
    rectangle = viewer.mark_layer.graphics[0]
    assert viewer.mark_layer.selected != rectangle.mark.ident
    (x0, y0), (x1, y1) = viewer.mark_layer.view_points(rectangle)
    inside = QPointF((x0 + x1) / 2, y0 + (y1 - y0) * 0.2)  # away from the length line
    position = viewer.graphics.mapFromScene(viewer.view.mapViewToScene(inside))
    qtbot.mouseClick(viewer.graphics.viewport(), Qt.MouseButton.LeftButton, pos=position)
    assert viewer.mark_layer.selected == rectangle.mark.ident
    qtbot.keyClick(viewer, Qt.Key.Key_Delete)
    key = viewer.slice_key()
    assert key is not None
    assert [m.kind.value for m in viewer.marks.marks(key)] == ["length"]


def test_grid_layouts_and_double_click_shows_one_cell_alone(qtbot: QtBot) -> None:
    from ui.reading_grid import ReadingGrid

    grid = ReadingGrid()
    qtbot.addWidget(grid)
    grid.resize(900, 700)
    grid.show()
    grid.cells[2].add_image(_image())
    grid.set_layout(2, 2)
    assert [frame.isVisible() for frame in grid.frames[:5]] == [True, True, True, True, False]
    assert grid.cells[1].message.isVisible()  # an empty cell says what to do
    viewport = grid.cells[2].graphics.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton)
    assert grid.active == 2
    assert grid.toolbars.currentWidget() is grid.cells[2].toolbar
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton)
    assert grid.solo == 2
    assert [frame.isVisible() for frame in grid.frames[:4]] == [False, False, True, False]
    qtbot.waitUntil(lambda: grid.cells[2].width() > 800)
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton)
    assert grid.solo is None
    assert all(frame.isVisible() for frame in grid.frames[:4])


def test_user_presets_replace_the_menu_of_every_cell(qtbot: QtBot) -> None:
    from ui.reading_grid import ReadingGrid
    from workstation.imaging.presets import WindowPreset

    grid = ReadingGrid()
    qtbot.addWidget(grid)
    grid.cells[0].add_image(_image())
    grid.set_window_presets([WindowPreset("Temporal bone", "CT", 700, 4000)])
    labels = [grid.cells[0].preset_box.itemText(i) for i in range(grid.cells[0].preset_box.count())]
    assert any("Temporal bone  700/4000" in label for label in labels)
    assert not any("-600/1500" in label for label in labels)  # the default lung preset is gone
    assert grid.cells[3].presets == (WindowPreset("Temporal bone", "CT", 700, 4000),)


def test_probe_and_regions_go_through_the_modality_lut(qtbot: QtBot) -> None:
    from dataclasses import replace

    from workstation.imaging.decode import Lut
    from workstation.imaging.roi import region_stats

    lut = Lut(np.arange(0, 4096, dtype=np.int64) * 2 - 500, first_mapped=0)  # value = 2·s − 500
    image = replace(_image(), modality_lut=lut, rescale_intercept=0.0)
    viewer = _shown_viewer(qtbot, image)
    viewer._probe(viewer.view.mapViewToScene(QPointF(15.0, 15.0)))  # inside the square (1000)
    assert viewer.probe_text.endswith("1500 HU")
    viewer.view.setRange(xRange=(10, 20), yRange=(10, 20), padding=0)
    viewer.add_rectangle()
    assert "1500.0 HU" in viewer.mark_texts()[-1]
    # converting only the region's block gives what converting the whole frame gives
    from workstation.imaging.display import modality_values, to_modality

    box, spacing = (5.0, 5.0, 14.0, 9.0), (0.5, 0.5)
    whole = region_stats(modality_values(image), box, spacing)
    part = region_stats(
        image.pixels[0], box, spacing, convert=lambda block: to_modality(image, 0, block)
    )
    assert whole == part


def test_lengths_say_where_their_millimetres_come_from(qtbot: QtBot) -> None:
    from dataclasses import replace

    from workstation.imaging.calibration import (
        Magnification,
        MagnificationSource,
        PhysicalUnits,
        UltrasoundRegion,
    )

    dx = replace(
        _image(),
        modality="DX",
        orientation=None,
        pixel_spacing=(0.5, 0.5),
        spacing_source="ImagerPixelSpacing",
        imager_pixel_spacing=(0.5, 0.5),
        magnification=Magnification(1.25, MagnificationSource.ESTIMATED_FACTOR),
    )
    viewer = _shown_viewer(qtbot, dx)
    viewer.add_length()
    label = viewer.mark_texts()[-1]
    detector_mm = float(label.split(" mm")[0])
    start, end = viewer.marks.marks(viewer.slice_key())[0].points  # image mm
    assert detector_mm == pytest.approx(abs(end[0] - start[0]), abs=0.06)  # the label is the line
    assert "detector plane" in label
    estimate = float(label.split("\n")[1].split(" mm")[0])
    assert estimate == pytest.approx(detector_mm / 1.25, abs=0.1)  # both rounded to 0.1 mm
    assert "patient plane (estimated)" in label

    region = UltrasoundRegion(0, 0, 0, 63, 63, PhysicalUnits.CM, PhysicalUnits.CM, 0.02, 0.02)
    us = replace(
        _image(),
        modality="US",
        orientation=None,
        pixel_spacing=None,
        spacing_source="",
        us_regions=(region,),
    )
    viewer = _shown_viewer(qtbot, us)
    viewer.add_length()
    assert "(US region 1)" in viewer.mark_texts()[-1]  # 0.02 cm = 0.2 mm per pixel
    assert "uncalibrated" not in viewer.bottom_right.text()


@pytest.mark.parametrize("size", [(420, 460), (900, 700)])
def test_the_scale_bar_is_as_long_as_it_says_after_the_cell_is_resized(
    qtbot: QtBot, size: tuple[int, int]
) -> None:
    viewer = _shown_viewer(qtbot, _image())  # 64 px × 0.5 mm = 32 mm wide
    viewer.resize(*size)
    qtbot.wait(20)
    (x0, x1), _ = viewer.view.viewRange()
    screen_px_per_mm = viewer.view.width() / (x1 - x0)
    label_mm = float(viewer.scale_label.text().split(" mm")[0])
    assert viewer.scale_bar.width() == pytest.approx(label_mm * screen_px_per_mm, abs=1.5)


def test_the_keyboard_map_drives_keys_tooltips_and_the_sheet(qtbot: QtBot) -> None:
    from ui.viewer_keys import VIEWER_KEYS, keyboard_sheet

    viewer = _shown_viewer(qtbot, _image(frames=3))
    for binding in VIEWER_KEYS:
        assert callable(getattr(viewer, binding.action)), binding.action
        assert binding.label in keyboard_sheet()
    assert viewer.length_button.toolTip().endswith("(L)")
    qtbot.keyClick(viewer, Qt.Key.Key_End)
    assert viewer.index == 2
    qtbot.keyClick(viewer, Qt.Key.Key_O)
    assert not viewer.annotations_visible
    assert not viewer.top_left.isVisible()
    qtbot.keyClick(viewer, Qt.Key.Key_O)
    assert viewer.top_left.isVisible()


def test_a_projection_film_gets_letters_from_patient_orientation_and_says_when_mirrored(
    qtbot: QtBot,
) -> None:
    from dataclasses import replace

    from workstation.imaging.orientation import patient_orientation_directions

    pa_chest = replace(
        _image(),
        modality="DX",
        orientation=None,
        position=None,
        projection_orientation=patient_orientation_directions(["L", "F"]),
    )
    viewer = _shown_viewer(qtbot, pa_chest)
    letters = {side: viewer.markers[side].text() for side in ("left", "right", "top", "bottom")}
    assert letters == {"left": "R", "right": "L", "top": "H", "bottom": "F"}
    assert "mirrored" not in viewer.bottom_right.text()
    qtbot.keyClick(viewer, Qt.Key.Key_H)
    assert viewer.markers["right"].text() == "R"  # the letters turn with the image
    assert "mirrored left–right" in viewer.bottom_right.text()
    captions: list[str] = []
    viewer.key_image_marked.connect(lambda _png, caption, _mm: captions.append(caption))
    viewer.mark_key_image()
    assert "mirrored left–right" in captions[0]  # and the printed key image says so


def test_keys_1_to_9_are_her_presets_in_every_study_and_0_the_files_window(qtbot: QtBot) -> None:
    from dataclasses import replace

    one_window = _image()
    two_windows = replace(
        _image(), windows=(Window(40, 400), Window(-600, 1500, explanation="LUNG"))
    )
    for image in (one_window, two_windows):
        viewer = _shown_viewer(qtbot, image)
        qtbot.keyClick(viewer, Qt.Key.Key_3)  # the third CT preset: Stroke 32/8
        assert viewer.chosen_window is not None
        assert (viewer.chosen_window.center, viewer.chosen_window.width) == (32, 8)
        qtbot.keyClick(viewer, Qt.Key.Key_0)
        assert viewer.chosen_window is None
        assert viewer.effective_window() == Window(40, 400)


def test_dragging_down_brightens_monochrome1_and_monochrome2_alike(qtbot: QtBot) -> None:
    from dataclasses import replace

    for photometric in ("MONOCHROME2", "MONOCHROME1"):
        viewer = _shown_viewer(qtbot, replace(_image(), photometric=photometric))
        before = viewer.graphics.grab().toImage().pixelColor(300, 300).value()
        viewer.view.window_dragged.emit(30.0, 0.0)  # 30 px down
        after = viewer.graphics.grab().toImage().pixelColor(300, 300).value()
        assert after > before, photometric


def test_a_stack_opens_at_its_top_whatever_order_the_images_arrive_in(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot)
    for n, z in enumerate((-20.0, -10.0, 0.0, 10.0), start=1):  # feet first, as files come
        viewer.add_image(_image(z=z, number=n))
    assert viewer.index == 0
    assert viewer.current() is viewer.slices[0]
    assert viewer.current().position == pytest.approx(10.0)  # axial: head first
    assert "Im 4" in viewer.top_right.text()  # the file's own instance number
    viewer.step(2)  # she moves: later arrivals keep her slice
    kept = viewer.current()
    viewer.add_image(_image(z=20.0, number=5))
    assert viewer.current() is kept


def _screen(viewer: ImageViewer, x: float, y: float) -> QPoint:
    """Where a view point (image mm, no turn) is on the viewer's viewport."""
    scene = viewer.view.mapViewToScene(QPointF(x, y))
    return viewer.graphics.mapFromScene(scene)


def _drag(viewer: ImageViewer, a: QPoint, b: QPoint, button: Qt.MouseButton) -> None:
    """Press at ``a``, move in steps, release at ``b`` (real mouse events on the viewport)."""
    viewport = viewer.graphics.viewport()
    QTest.mousePress(viewport, button, Qt.KeyboardModifier.NoModifier, a)
    for step in range(1, 11):
        QTest.mouseMove(viewport, a + (b - a) * (step / 10))
    QTest.mouseRelease(viewport, button, Qt.KeyboardModifier.NoModifier, b)


def _mm(label: str) -> float:
    return float(label.split(" mm")[0])


def test_the_length_tool_draws_where_she_presses_and_esc_gives_left_drag_back_to_pan(
    qtbot: QtBot,
) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    assert viewer.length_button.isChecked()  # the tool held is visible in the toolbar
    before = viewer.view.viewRange()
    _drag(
        viewer, _screen(viewer, 4.0, 16.0), _screen(viewer, 24.0, 16.0), Qt.MouseButton.LeftButton
    )
    assert viewer.view.viewRange() == before  # drawing, not panning
    (mark,) = viewer.marks.marks(("1.1", 0))
    assert mark.points[0] == pytest.approx((4.0, 16.0), abs=0.1)  # where she pressed
    assert _mm(viewer.mark_texts()[-1]) == pytest.approx(20.0, abs=0.15)  # 40 pixels of 0.5 mm
    # a second length in the same mode, then Esc: left-drag pans again
    _drag(
        viewer, _screen(viewer, 10.0, 4.0), _screen(viewer, 10.0, 14.0), Qt.MouseButton.LeftButton
    )
    assert len(viewer.marks.marks(("1.1", 0))) == 2
    assert _mm(viewer.mark_texts()[-1]) == pytest.approx(10.0, abs=0.15)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.length_button.isChecked()
    assert viewer.view_state.tool is None
    _drag(
        viewer, _screen(viewer, 20.0, 20.0), _screen(viewer, 12.0, 20.0), Qt.MouseButton.LeftButton
    )
    assert viewer.view.viewRange()[0][0] == pytest.approx(before[0][0] + 8.0, abs=0.3)
    assert len(viewer.marks.marks(("1.1", 0))) == 2


def test_a_tool_held_on_one_study_is_dropped_when_the_cell_is_cleared(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key.Key_L)
    assert viewer.view.tool_active
    viewer.clear()  # the next study opens in a cleared cell
    assert viewer.view_state.tool is None
    assert not viewer.view.tool_active  # left-drag pans on the next study
    assert not viewer.length_button.isChecked()


def test_a_measurement_near_the_edge_keeps_its_values_inside_the_cell(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.setFocus()
    (_, x1), (_, y1) = viewer.view.viewRange()
    qtbot.keyClick(viewer, Qt.Key.Key_E)  # an ellipse ROI up to the right and bottom edges
    _drag(
        viewer,
        _screen(viewer, x1 - 6.0, y1 - 6.0),
        _screen(viewer, x1 - 0.5, y1 - 0.5),
        Qt.MouseButton.LeftButton,
    )
    (graphic,) = viewer.mark_layer.graphics
    shown = viewer.view.sceneBoundingRect()
    label = graphic.label.sceneBoundingRect()
    assert graphic.label.toPlainText()  # the ROI's values
    assert label.right() <= shown.right() + 1  # not cut at the cell's edge ("面积 1…")
    assert label.bottom() <= shown.bottom() + 1


def test_with_a_tool_held_middle_drag_and_space_drag_pan(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.setFocus()
    viewer.length_button.click()  # the toolbar button holds the tool too
    assert viewer.view_state.tool is not None
    start = viewer.view.viewRange()[0][0]
    _drag(
        viewer,
        _screen(viewer, 20.0, 20.0),
        _screen(viewer, 16.0, 20.0),
        Qt.MouseButton.MiddleButton,
    )
    moved = viewer.view.viewRange()[0][0]
    assert moved == pytest.approx(start + 4.0, abs=0.3)
    QTest.qWait(QApplication.doubleClickInterval() + 50)  # the next press is no double click
    QTest.keyPress(viewer, Qt.Key.Key_Space)
    _drag(
        viewer, _screen(viewer, 20.0, 20.0), _screen(viewer, 16.0, 20.0), Qt.MouseButton.LeftButton
    )
    QTest.keyRelease(viewer, Qt.Key.Key_Space)
    assert viewer.view.viewRange()[0][0] == pytest.approx(moved + 4.0, abs=0.3)
    assert viewer.marks.marks(("1.1", 0)) == ()  # panned, nothing drawn
    assert not viewer.cine_button.isChecked()  # Space held for a pan does not start cine
    viewer.length_button.click()
    assert viewer.view_state.tool is None


def test_the_angle_tool_drags_the_first_arm_and_clicks_the_third_point(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer.setFocus()
    qtbot.keyClick(viewer, Qt.Key.Key_G)
    assert viewer.angle_button.isChecked()
    assert not viewer.length_button.isChecked()
    _drag(
        viewer, _screen(viewer, 26.0, 16.0), _screen(viewer, 16.0, 16.0), Qt.MouseButton.LeftButton
    )
    assert viewer.marks.marks(("1.1", 0)) == ()  # waiting for the third point
    third = _screen(viewer, 16.0, 6.0)
    QTest.mouseMove(viewer.graphics.viewport(), third)
    qtbot.mouseClick(viewer.graphics.viewport(), Qt.MouseButton.LeftButton, pos=third)
    (mark,) = viewer.marks.marks(("1.1", 0))
    assert mark.points[1] == pytest.approx((16.0, 16.0), abs=0.1)  # the vertex
    assert float(viewer.mark_texts()[-1].rstrip("°")) == pytest.approx(90.0, abs=0.5)


@pytest.mark.unit
def test_known_window_explanations_are_named_as_the_built_in_presets() -> None:
    from workstation.imaging.presets import known_window_name

    assert known_window_name("LUNG") == "Lung"
    assert known_window_name("Mediastinum window") == "Mediastinum"
    assert known_window_name("SOFT_TISSUE") == "Soft tissue"
    assert known_window_name("WINDOW1") is None
    assert known_window_name("纵隔窗") is None  # already in words she reads


def test_the_presets_list_her_windows_on_1_to_9_and_the_files_apart_translated(
    qtbot: QtBot,
) -> None:
    from dataclasses import replace

    from ui.presets_dialog import preset_display_name
    from workstation.imaging.presets import WindowPreset

    image = replace(
        _image(),
        windows=(
            Window(40, 400, explanation="MEDIASTINUM"),
            Window(-600, 1500, explanation="LUNG"),
            Window(300, 1500, explanation="WINDOW3"),
        ),
    )
    viewer = _shown_viewer(qtbot, image)
    mine = (WindowPreset("Lung", "CT", -500, 1400), WindowPreset("Abdomen", "CT", 60, 360))
    viewer.set_presets(mine)
    box = viewer.preset_box
    labels = [box.itemText(i) for i in range(box.count())]
    assert labels[0] == f"1 {preset_display_name('Lung')}  -500/1400"
    assert labels[1] == f"2 {preset_display_name('Abdomen')}  60/360"
    heading = labels.index(viewer.tr("The file's windows"))
    assert heading > 1
    model = box.model()
    assert not model.flags(model.index(heading, 0)) & Qt.ItemFlag.ItemIsEnabled
    files = labels[heading + 1 : heading + 4]
    assert files == [
        f"0 {preset_display_name('Mediastinum')}  40/400",
        f"   {preset_display_name('Lung')}  -600/1500",
        "   WINDOW3  300/1500",
    ]
    # the closed box and its open list show the longest label whole
    metrics = box.fontMetrics()
    assert box.view().minimumWidth() >= max(metrics.horizontalAdvance(t) for t in labels)
    assert box.sizeHint().width() >= max(metrics.horizontalAdvance(t) for t in labels)
    # keys: 2 is her abdomen window on this file as on any other; the box says so
    qtbot.keyClick(viewer, Qt.Key.Key_2)
    assert viewer.effective_window() == Window(60, 360)
    assert box.currentIndex() == 1
    # a drag: no entry applies, the box shows the window itself
    viewer.view.window_dragged.emit(0.0, 30.0)
    assert box.currentIndex() == -1
    applied = viewer.effective_window()
    assert applied is not None
    assert box.placeholderText() == f"W {applied.width:.0f}  L {applied.center:.0f}"
    # F: the file's window is applied, and the box shows it
    qtbot.keyClick(viewer, Qt.Key.Key_F)
    assert viewer.effective_window() == Window(40, 400, explanation="MEDIASTINUM")
    assert box.currentText() == files[0]
    # picking the file's lung window from the list
    box.activated.emit(heading + 2)
    assert viewer.effective_window() == Window(-600, 1500, explanation="LUNG")
    assert box.currentText() == files[1]
    box.activated.emit(heading)  # the heading does nothing
    assert viewer.effective_window() == Window(-600, 1500, explanation="LUNG")


def test_a_small_cell_shows_less_text_and_no_letter_under_the_scale_bar(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    assert "Image 1 / 1" in viewer.top_right.text()  # a large cell: the full text
    for size, lines in (((640, 330), 2), ((420, 250), 1)):  # 1366 laptop; 2×3
        viewer.resize(*size)
        qtbot.waitUntil(lambda s=size: viewer.graphics.height() < s[1])
        assert "Image" not in viewer.top_right.text()
        assert viewer.top_right.text().startswith("1/1")
        assert len(viewer.bottom_left.text().splitlines()) <= lines
        bottom = viewer.markers["bottom"].geometry()
        assert not bottom.intersects(viewer.scale_bar.geometry())
        assert not bottom.intersects(viewer.scale_label.geometry())
        for corner in (viewer.bottom_left, viewer.bottom_right):
            assert not corner.geometry().intersects(viewer.scale_bar.geometry())
            assert not corner.geometry().intersects(bottom)


def test_a_magnified_image_is_interpolated(qtbot: QtBot) -> None:
    from PySide6.QtGui import QPainter

    viewer = _shown_viewer(qtbot, _image())  # 64 pixels over ~600: magnified
    smooth = QPainter.RenderHint.SmoothPixmapTransform
    assert viewer.magnification() > 1
    assert viewer.graphics.renderHints() & smooth
    viewer.view.setRange(xRange=(0, 32 * 20), yRange=(0, 32 * 20), padding=0)  # zoomed out
    assert viewer.magnification() < 1
    assert not viewer.graphics.renderHints() & smooth


def test_a_key_image_caption_gives_the_window_and_marks_not_the_cursor(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer._probe(viewer.view.mapViewToScene(QPointF(15.0, 15.0)))
    assert "HU" in viewer.bottom_left.text()  # the cursor readout is on screen
    viewer.add_length()
    captions: list[str] = []
    viewer.key_image_marked.connect(lambda _png, caption, _mm: captions.append(caption))
    viewer.mark_key_image()
    assert "W 400  L 40" in captions[0]
    assert "mm" in captions[0]  # the length
    assert "HU" not in captions[0]
    assert "(" not in captions[0].split("mm")[0]  # no "(col, row)"


def test_a_key_image_is_grabbed_without_the_cursor_readout(qtbot: QtBot) -> None:
    viewer = _shown_viewer(qtbot, _image())
    viewer._probe(viewer.view.mapViewToScene(QPointF(15.0, 15.0)))
    with_readout = viewer.graphics.grab().toImage()
    pngs: list[bytes] = []
    viewer.key_image_marked.connect(lambda png, _caption, _mm: pngs.append(png))
    viewer.mark_key_image()
    assert "HU" in viewer.bottom_left.text()  # back on screen after the grab
    printed = QImage.fromData(pngs[0])
    viewer.probe_text = ""
    viewer._update_text()
    without = viewer.graphics.grab().toImage().convertToFormat(printed.format())
    assert printed == without
    assert printed != with_readout.convertToFormat(printed.format())


def _film() -> DicomImage:
    pixels = np.zeros((1, 300, 250), np.uint16)
    pixels[:, 100:200, 80:170] = 3000
    return DicomImage(
        pixels=pixels,
        photometric="MONOCHROME2",
        modality="DX",
        sop_instance_uid="2.1",
        series_instance_uid="2",
        study_instance_uid="2",
        instance_number=1,
        windows=(Window(2048, 4096),),
        pixel_spacing=(0.139, 0.139),
        spacing_source="ImagerPixelSpacing",
        imager_pixel_spacing=(0.139, 0.139),
    )


@pytest.mark.parametrize(("width", "whole"), [(900, True), (330, False)])
def test_a_films_calibration_is_named_whole_or_shortened_never_cut(
    qtbot: QtBot, width: int, whole: bool
) -> None:
    viewer = ImageViewer()
    qtbot.addWidget(viewer)
    viewer.resize(width, 640)
    viewer.show()
    viewer.add_image(_film())
    QApplication.processEvents()
    label = viewer.bottom_right
    first = label.text().split("<br>")[0]
    assert first.startswith("DX  detector plane")
    assert ("(Imager Pixel Spacing)" in first) is whole
    assert label.fontMetrics().horizontalAdvance(first) <= label.width()
