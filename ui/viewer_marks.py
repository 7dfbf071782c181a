"""The viewer's marks: length, angle, ellipse and rectangle regions, text arrows; their
labels (mm and where they come from, HU statistics) and undo. A part of ``ImageViewer``
(ui/viewer.py), which provides the view, the slice on screen and its transform."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtWidgets import QInputDialog, QToolButton, QWidget

from ui.mark_layer import MarkLayer
from workstation.annotations.model import SavedMark, to_mm
from workstation.imaging.calibration import (
    CalibrationSource,
    measure_area,
    measure_length,
    to_pixels,
)
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import to_modality
from workstation.imaging.marks import Mark, MarkKind, MarkStore, Point, SliceKey
from workstation.imaging.padding import padding_mask
from workstation.imaging.roi import angle_degrees, region_stats
from workstation.imaging.view_transform import ViewTransform
from workstation.session.cell import CellView
from workstation.session.series_stack import Slice

if TYPE_CHECKING:
    import pyqtgraph as pg

    from workstation.session.series_stack import Entry

SavedMarkSource = Callable[[str, int], Sequence[SavedMark]]  # (SOP UID, frame) → marks


class MarkTools:
    """Marks on the slice on screen, kept in a ``MarkStore`` per result. Texts are in the
    ImageViewer translation context."""

    marks: MarkStore
    mark_layer: MarkLayer
    view: pg.ViewBox
    graphics: pg.GraphicsView
    tool_buttons: dict[MarkKind, QToolButton]
    view_state: CellView
    slices: list[Entry]
    annotations_visible: bool
    saved_marks: SavedMarkSource | None = None  # read-only marks of saved objects
    # the gesture in progress (view points): where the drag started, the angle's first arm
    _gesture_start: Point | None = None
    _angle_arm: tuple[Point, Point] | None = None

    def current(self) -> Slice | None:  # provided by ImageViewer
        raise NotImplementedError

    def _transform(self) -> ViewTransform:  # provided by ImageViewer
        raise NotImplementedError

    def go_to(self, index: int) -> None:  # provided by ImageViewer
        raise NotImplementedError

    def set_mark_store(self, store: MarkStore) -> None:
        """Keep marks in ``store`` (one per result, so they survive switching results)."""
        self.marks = store
        self._refresh_marks()

    def slice_key(self) -> SliceKey | None:
        """Which image the marks on screen belong to: (SOP Instance UID, frame)."""
        current = self.current()
        return (current.image.sop_instance_uid, current.frame) if current else None

    def set_saved_marks(self, source: SavedMarkSource | None) -> None:
        """Draw read-only marks of saved objects from ``source(sop_uid, frame)`` (marks in
        pixels) beside hers; None: none."""
        self.saved_marks = source
        self._refresh_marks()

    def refresh_marks(self) -> None:
        """Draw the marks of the slice on screen again (hers and the saved ones)."""
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        key = self.slice_key()
        shown = key is not None and self.annotations_visible
        self.mark_layer.show(self.marks.marks(key) if shown and key is not None else ())
        current = self.current()
        saved: list[Mark] = []
        if shown and key is not None and current is not None and self.saved_marks is not None:
            spacing = current.image.pixel_spacing
            for index, mark in enumerate(self.saved_marks(*key)):
                points = tuple(to_mm(p, spacing) for p in mark.points_px)
                saved.append(Mark(-(index + 1), mark.kind, points, mark.text))
        self.mark_layer.show_saved(saved)

    def _add_mark(self, kind: MarkKind, view_points: list[Point], text: str = "") -> Mark | None:
        key = self.slice_key()
        if key is None:
            return None
        to_image = self._transform().to_image
        mark = self.marks.add(key, kind, tuple(to_image(*p) for p in view_points), text)
        self._refresh_marks()
        self.mark_layer.select(mark.ident)
        return mark

    def _centre_and_span(self) -> tuple[float, float, float]:
        """The view's centre and the size new marks are scaled to: the visible part of the
        image, so a new line never reaches far past the anatomy in a wide cell."""
        (x0, x1), (y0, y1) = self.view.viewRange()
        width, height = self._transform().view_size
        span = min(x1 - x0, y1 - y0, max(width, height))
        return (x0 + x1) / 2, (y0 + y1) / 2, span

    # --- the tool she holds (a mode) ----------------------------------------------------------
    def set_tool(self, kind: MarkKind | None) -> None:
        """Hold a measuring tool (left-drag draws it) or none (left-drag pans)."""
        self.view_state.tool = kind if self.current() is not None or kind is None else None
        self._view_state_changed("tool")  # the buttons follow even when nothing changed

    def _view_state_changed(self, field: str) -> None:
        if field == "index":
            self._cancel_gesture()
        if field != "tool":
            return
        tool = self.view_state.tool
        for kind, button in self.tool_buttons.items():
            button.setChecked(kind is tool)
        self.view.tool_active = tool is not None
        self._cancel_gesture()
        cursor = Qt.CursorShape.CrossCursor if tool is not None else Qt.CursorShape.ArrowCursor
        self.graphics.viewport().setCursor(cursor)

    def length_tool(self) -> None:
        """Hold the length tool."""
        self.set_tool(MarkKind.LENGTH)

    def angle_tool(self) -> None:
        """Hold the angle tool."""
        self.set_tool(MarkKind.ANGLE)

    def ellipse_tool(self) -> None:
        """Hold the ellipse region tool."""
        self.set_tool(MarkKind.ELLIPSE)

    def rectangle_tool(self) -> None:
        """Hold the rectangle region tool."""
        self.set_tool(MarkKind.RECTANGLE)

    def escape(self) -> None:
        """Esc: drop a mark half drawn, leave the tool, deselect the mark."""
        self.set_tool(None)
        self.deselect()

    def deselect(self) -> None:
        """No mark selected."""
        self.mark_layer.select(None)

    # --- drawing with the tool she holds (press, drag, release) ------------------------------
    def _draft(self, kind: MarkKind, view_points: list[Point]) -> None:
        to_image = self._transform().to_image
        self.mark_layer.draft(kind, [to_image(*p) for p in view_points])

    def _cancel_gesture(self) -> None:
        """Drop a mark half drawn (Esc, another slice, another tool)."""
        self._gesture_start = self._angle_arm = None
        self.mark_layer.clear_draft()

    def _tool_started(self, point: Point) -> None:
        if self.view_state.tool is None or self.slice_key() is None:
            return
        if self._angle_arm is not None:  # a drag instead of the third click: start over
            self._angle_arm = None
        self._gesture_start = point

    def _tool_dragged(self, point: Point) -> None:
        kind, start = self.view_state.tool, self._gesture_start
        if kind is not None and start is not None and point != start:
            self._draft(kind, [start, point])

    def _tool_finished(self, point: Point) -> None:
        kind, start = self.view_state.tool, self._gesture_start
        self._gesture_start = None
        self.mark_layer.clear_draft()
        if kind is None or start is None or point == start:
            return
        if kind is MarkKind.ANGLE:
            self._angle_arm = (start, point)  # end and vertex; the third point is a click
            self._draft(kind, [start, point, point])
            return
        self._add_mark(kind, [start, point])

    def _tool_clicked(self, point: Point) -> None:
        arm = self._angle_arm
        if self.view_state.tool is MarkKind.ANGLE and arm is not None:
            self._angle_arm = None
            self.mark_layer.clear_draft()
            self._add_mark(MarkKind.ANGLE, [arm[0], arm[1], point])

    def _tool_hover(self, scene_pos: QPointF) -> None:
        """While the angle waits for its third point, its second arm follows the mouse."""
        arm = self._angle_arm
        if arm is None or self.view_state.tool is not MarkKind.ANGLE:
            return
        point = self.view.mapSceneToView(scene_pos)
        self._draft(MarkKind.ANGLE, [arm[0], arm[1], (float(point.x()), float(point.y()))])

    def add_length(self) -> None:
        """A length line in the middle of the view (drag its handles); shows mm when the
        image is calibrated, and says which spacing the millimetres come from."""
        cx, cy, span = self._centre_and_span()
        self._add_mark(MarkKind.LENGTH, [(cx - span / 6, cy), (cx + span / 6, cy)])

    def add_angle(self) -> None:
        """Three points (end, vertex, end) in the middle of the view; shows the angle."""
        cx, cy, span = self._centre_and_span()
        d = span / 8
        self._add_mark(MarkKind.ANGLE, [(cx + d, cy), (cx, cy), (cx, cy - d)])

    def add_roi(self) -> None:
        """An ellipse region in the middle of the view; drag or resize it."""
        cx, cy, span = self._centre_and_span()
        half = span / 16
        self._add_mark(MarkKind.ELLIPSE, [(cx - half, cy - half), (cx + half, cy + half)])

    def add_rectangle(self) -> None:
        """A rectangular region in the middle of the view; drag or resize it."""
        cx, cy, span = self._centre_and_span()
        half = span / 16
        self._add_mark(MarkKind.RECTANGLE, [(cx - half, cy - half), (cx + half, cy + half)])

    def add_arrow(self, text: str | None = None) -> None:
        """An arrow pointing at the middle of the view with a text at its tail; asks for the
        text when none is given (an empty answer cancels)."""
        if self.current() is None:
            return
        if text is None:
            text, ok = QInputDialog.getText(
                self if isinstance(self, QWidget) else None,
                QCoreApplication.translate("ImageViewer", "Arrow"),
                QCoreApplication.translate("ImageViewer", "Text:"),
            )
            if not ok:
                return
        cx, cy, span = self._centre_and_span()
        d = span / 10
        self._add_mark(MarkKind.ARROW, [(cx, cy), (cx + d, cy - d)], text.strip())

    def _mark_moved(self, ident: int, points: tuple[Point, ...]) -> None:
        key = self.slice_key()
        if key is not None:
            self.marks.move(key, ident, points)

    def delete_selected(self) -> None:
        """Delete the selected mark (undoable)."""
        key, ident = self.slice_key(), self.mark_layer.selected
        if key is not None and ident is not None:
            self.marks.remove(key, ident)
            self._refresh_marks()

    def undo(self) -> None:
        """Revert the last change to the marks, showing the image it happened on."""
        key = self.marks.undo()
        if key is None:
            return
        if key != self.slice_key():
            index = next(
                (
                    i
                    for i, s in enumerate(self.slices)
                    if isinstance(s, Slice) and (s.image.sop_instance_uid, s.frame) == key
                ),
                None,
            )
            if index is not None:
                self.go_to(index)
                return
        self._refresh_marks()

    def clear_measurements(self) -> None:
        """Delete every mark on the image on screen (one undoable step)."""
        key = self.slice_key()
        if key is not None:
            self.marks.clear(key)
            self._refresh_marks()

    def mark_texts(self) -> list[str]:
        """The labels of the marks on screen (for captions)."""
        return [text for text in self.mark_layer.labels() if text]

    def _describe_mark(self, kind: MarkKind, points: tuple[Point, ...], text: str) -> str:
        """The label of a mark from its points in image mm."""
        current = self.current()
        if current is None:
            return ""
        image = current.image
        if kind is MarkKind.LENGTH:
            return self._length_text(image, points[0], points[1])
        if kind is MarkKind.ANGLE:
            if len(points) < 3:
                return ""
            return f"{angle_degrees(points[0], points[1], points[2]):.1f}°"
        if kind is MarkKind.ARROW:
            return text
        return self._region_text(kind, points)

    def _length_text(self, image: DicomImage, a: Point, b: Point) -> str:
        """A length's label: mm and where they come from (detector plane with the patient-plane
        estimate, an ultrasound region), or pixels when the image is uncalibrated."""
        spacing = image.pixel_spacing
        m = measure_length(image.calibration, to_pixels(a, spacing), to_pixels(b, spacing))
        if m.mm is None:
            return QCoreApplication.translate("ImageViewer", "%1 px (uncalibrated)").replace(
                "%1", f"{m.px:.0f}"
            )
        if m.source is CalibrationSource.DETECTOR_PLANE:
            text = QCoreApplication.translate("ImageViewer", "%1 mm (detector plane)").replace(
                "%1", f"{m.mm:.1f}"
            )
            if m.patient_plane_mm is not None:
                estimate = QCoreApplication.translate(
                    "ImageViewer", "%1 mm patient plane (estimated)"
                )
                text += "\n" + estimate.replace("%1", f"{m.patient_plane_mm:.1f}")
            return text
        if m.source is CalibrationSource.US_REGION and m.region is not None:
            return (
                QCoreApplication.translate("ImageViewer", "%1 mm (US region %2)")
                .replace("%1", f"{m.mm:.1f}")
                .replace("%2", str(m.region.index + 1))
            )
        return f"{m.mm:.1f} mm"

    def _area_text(
        self, image: DicomImage, points: tuple[Point, ...], pixels: int, ellipse: bool
    ) -> str:
        spacing = image.pixel_spacing
        a, b = (to_pixels(p, spacing) for p in points[:2])
        area = measure_area(image.calibration, a, b, pixels=pixels, ellipse=ellipse)
        if area.mm2 is None:
            return QCoreApplication.translate("ImageViewer", "%1 px").replace("%1", str(pixels))
        text = QCoreApplication.translate("ImageViewer", "area %1 mm²").replace(
            "%1", f"{area.mm2:.1f}"
        )
        if area.source is CalibrationSource.DETECTOR_PLANE:
            text += QCoreApplication.translate("ImageViewer", " (detector plane)")
        elif area.source is CalibrationSource.US_REGION:
            text += QCoreApplication.translate("ImageViewer", " (US region)")
        return text

    def _region_text(self, kind: MarkKind, points: tuple[Point, ...]) -> str:
        current = self.current()
        if current is None or current.image.is_color:
            return ""
        image = current.image
        (x0, y0), (x1, y1) = points[0], points[1]
        frame = current.frame
        stats = region_stats(
            image.pixels[frame],
            (x0, y0, x1 - x0, y1 - y0),
            image.pixel_spacing,
            ellipse=kind is MarkKind.ELLIPSE,
            convert=lambda block: to_modality(image, frame, block),
            exclude=padding_mask(image, frame),  # outside the field of view is not tissue
        )
        if stats is None:
            return ""
        unit = " HU" if image.modality == "CT" else ""
        area = self._area_text(image, points, stats.pixels, kind is MarkKind.ELLIPSE)
        mean, low, high = (
            QCoreApplication.translate("ImageViewer", "mean"),
            QCoreApplication.translate("ImageViewer", "min"),
            QCoreApplication.translate("ImageViewer", "max"),
        )
        return (
            f"{mean} {stats.mean:.1f}{unit}  SD {stats.sd:.1f}\n"
            f"{low} {stats.minimum:.0f}  {high} {stats.maximum:.0f}  {area}"
        )
