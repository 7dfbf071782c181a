"""The marks of the slice on screen as draggable pyqtgraph items: select by clicking,
drag to move; the store (workstation.imaging.marks) stays the record, this only draws it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPainterPath, QPainterPathStroker, QPolygonF

from workstation.imaging.marks import BOX_KINDS, Mark, MarkKind, Point, canonical_points

COLORS: dict[MarkKind, tuple[int, int, int]] = {
    MarkKind.LENGTH: (255, 255, 0),
    MarkKind.ANGLE: (255, 170, 0),
    MarkKind.ELLIPSE: (0, 230, 255),
    MarkKind.RECTANGLE: (0, 230, 255),
    MarkKind.ARROW: (130, 255, 130),
}

# Marks read from saved objects (the issuing hospital's, other doctors', her older reports):
# one colour apart from all of hers, and they take no mouse input.
SAVED_COLOR = (255, 110, 200)


@dataclass(eq=False)
class MarkGraphic:
    """The items that draw one mark."""

    mark: Mark
    roi: pg.ROI
    label: pg.TextItem
    head: pg.ArrowItem | None = None


class AngleROI(pg.ROI):
    """Two lines sharing a vertex: three free handles (end, vertex, end).

    (pyqtgraph's PolyLineROI lets a click on a line add a fourth point, which an angle must
    not have.)
    """

    def __init__(self, points: Sequence[Point], pen: object) -> None:
        super().__init__([0, 0], [1, 1], pen=pen)
        for point in points:
            self.addFreeHandle(list(point))

    def _points(self) -> list[QPointF]:
        return [handle.pos() for handle in self.getHandles()]

    def paint(self, painter: QPainter, *_args: object) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self.currentPen)
        painter.drawPolyline(QPolygonF(self._points()))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        points = self._points()
        if len(points) < 2:  # two while she draws the first arm
            return path
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
        stroker = QPainterPathStroker()
        pixel = self.pixelLength(QPointF(1, 0))  # view units per screen pixel; None unshown
        stroker.setWidth(8 * (pixel or 1.0))
        return stroker.createStroke(path)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self.shape().boundingRect()


def _roi(kind: MarkKind, points: Sequence[Point], pen: object) -> pg.ROI:
    if kind in BOX_KINDS:
        (x0, y0), (x1, y1) = points[0], points[1]
        pos, size = [min(x0, x1), min(y0, y1)], [abs(x1 - x0), abs(y1 - y0)]
        if kind is MarkKind.ELLIPSE:
            return pg.EllipseROI(pos, size, pen=pen)
        return pg.RectROI(pos, size, pen=pen, centered=False, sideScalers=True)
    if kind is MarkKind.ANGLE:
        return AngleROI(points, pen)
    return pg.LineSegmentROI([list(p) for p in points], pen=pen)


class MarkLayer(QObject):
    """Draws marks given in image mm through ``to_view``; reports drags in image mm.

    ``describe(kind, image_points, text)`` gives the label of a mark."""

    moved = Signal(int, object)  # mark ident, image points

    def __init__(
        self,
        view: pg.ViewBox,
        to_view: Callable[[Point], Point],
        to_image: Callable[[Point], Point],
        describe: Callable[[MarkKind, tuple[Point, ...], str], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.to_view = to_view
        self.to_image = to_image
        self.describe = describe
        self.graphics: list[MarkGraphic] = []
        self.selected: int | None = None
        self.draft_graphic: MarkGraphic | None = None  # the mark she is drawing
        self.saved_graphics: list[MarkGraphic] = []  # read-only marks of saved objects
        view.sigRangeChanged.connect(lambda *_a: self._keep_labels_inside())

    def show(self, marks: Sequence[Mark]) -> None:
        """Replace what is drawn by ``marks`` (keeps the selection if it is still there)."""
        self.remove_all()
        for mark in marks:
            self._draw(mark)
        if self.selected not in {m.ident for m in marks}:
            self.selected = None
        self._restyle()

    def remove_all(self) -> None:
        """Take every item off the view."""
        for graphic in self.graphics:
            self._remove(graphic)
        self.graphics = []

    def _remove(self, graphic: MarkGraphic) -> None:
        for item in (graphic.roi, graphic.label, graphic.head):
            if item is not None:
                self.view.removeItem(item)

    def show_saved(self, marks: Sequence[Mark]) -> None:
        """Replace the read-only marks (points in image mm) by ``marks``: drawn in
        ``SAVED_COLOR``, labelled like hers, never selected, moved or deleted."""
        self.clear_saved()
        for mark in marks:
            graphic = self._graphic(mark, SAVED_COLOR)
            graphic.roi.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            for handle in graphic.roi.getHandles():
                handle.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                handle.hide()
            self.saved_graphics.append(graphic)

    def clear_saved(self) -> None:
        """Take the read-only marks off the view."""
        for graphic in self.saved_graphics:
            self._remove(graphic)
        self.saved_graphics = []

    def saved_labels(self) -> list[str]:
        """The label texts of the read-only marks, in drawing order."""
        return [g.label.toPlainText() for g in self.saved_graphics]

    def draft(self, kind: MarkKind, points: Sequence[Point]) -> None:
        """Draw the mark being drawn (points in image mm) with its live label; it takes no
        mouse input and is not in the store until she finishes it."""
        self.clear_draft()
        graphic = self._graphic(Mark(0, kind, tuple(points)))
        graphic.roi.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        for handle in graphic.roi.getHandles():
            handle.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.draft_graphic = graphic

    def clear_draft(self) -> None:
        """Take the mark being drawn off the view."""
        if self.draft_graphic is not None:
            self._remove(self.draft_graphic)
            self.draft_graphic = None

    def draft_label(self) -> str:
        """The live label of the mark being drawn ("" when none)."""
        return self.draft_graphic.label.toPlainText() if self.draft_graphic else ""

    def labels(self) -> list[str]:
        """The label texts on screen, in drawing order."""
        return [g.label.toPlainText() for g in self.graphics]

    def select(self, ident: int | None) -> None:
        """Highlight one mark (None: none)."""
        if ident != self.selected:
            self.selected = ident
            self._restyle()

    def _graphic(self, mark: Mark, color: tuple[int, int, int] | None = None) -> MarkGraphic:
        """The items of one mark, on the view, labelled (in its kind's colour by default)."""
        color = color or COLORS[mark.kind]
        view_points = tuple(self.to_view(p) for p in mark.points)
        roi = _roi(mark.kind, view_points, pg.mkPen(color, width=2))
        roi.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        anchor = (0, 0) if mark.kind in BOX_KINDS else (0, 1)
        # a dark backing keeps the text readable on bright radiographs
        label = pg.TextItem(color=color, anchor=anchor, fill=pg.mkBrush(0, 0, 0, 160))
        head = None
        if mark.kind is MarkKind.ARROW:
            head = pg.ArrowItem(headLen=16, tipAngle=35, tailLen=0, pen=color, brush=color)
            self.view.addItem(head)
        self.view.addItem(roi)
        self.view.addItem(label)
        graphic = MarkGraphic(mark, roi, label, head)
        self._relabel(graphic, drawn=True)
        return graphic

    def _draw(self, mark: Mark) -> None:
        graphic = self._graphic(mark)
        roi = graphic.roi
        self.graphics.append(graphic)
        roi.sigClicked.connect(lambda *_a: self.select(mark.ident))
        roi.sigRegionChangeStarted.connect(lambda *_a: self.select(mark.ident))
        roi.sigRegionChanged.connect(lambda *_a: self._relabel(graphic))
        roi.sigRegionChangeFinished.connect(
            lambda *_a: self.moved.emit(mark.ident, self.image_points(graphic))
        )

    def view_points(self, graphic: MarkGraphic) -> tuple[Point, ...]:
        """Where the mark's points are now, in view coordinates."""
        roi = graphic.roi
        if graphic.mark.kind in BOX_KINDS:
            (x, y), (w, h) = roi.pos(), roi.size()
            return ((float(x), float(y)), (float(x + w), float(y + h)))
        points = []
        for _name, scene in roi.getSceneHandlePositions():
            point = self.view.mapSceneToView(scene)
            points.append((float(point.x()), float(point.y())))
        return tuple(points)

    def image_points(
        self, graphic: MarkGraphic, view_points: tuple[Point, ...] | None = None
    ) -> tuple[Point, ...]:
        """Where the mark's points are now (or ``view_points``, when already read), in image
        mm (boxes as top-left, bottom-right)."""
        if view_points is None:
            view_points = self.view_points(graphic)
        points = tuple(self.to_image(p) for p in view_points)
        return canonical_points(graphic.mark.kind, points)

    def _relabel(self, graphic: MarkGraphic, drawn: bool = False) -> None:
        """Label and place a mark's text. Just drawn (``drawn``), the mark's own points are
        used: its handles have no scene position until the view has laid them out."""
        mark = graphic.mark
        if drawn:
            view_points = tuple(self.to_view(p) for p in mark.points)
            image_points = canonical_points(mark.kind, mark.points)
        else:
            view_points = self.view_points(graphic)
            image_points = self.image_points(graphic, view_points)
        graphic.label.setText(self.describe(mark.kind, image_points, mark.text))
        xs, ys = [p[0] for p in view_points], [p[1] for p in view_points]
        if mark.kind in BOX_KINDS:
            graphic.label.setPos(max(xs), max(ys))
        elif mark.kind is MarkKind.ANGLE:
            graphic.label.setPos(*view_points[1])
        elif mark.kind is MarkKind.ARROW:
            graphic.label.setPos(*view_points[1])
            self._aim(graphic, view_points[0], view_points[1])
        else:
            graphic.label.setPos(max(xs), min(ys))
        self._keep_inside(graphic)

    def _keep_labels_inside(self) -> None:
        extra = [g for g in (self.draft_graphic,) if g is not None]
        for graphic in (*self.graphics, *self.saved_graphics, *extra):
            self._keep_inside(graphic)

    def _keep_inside(self, graphic: MarkGraphic) -> None:
        """Turn a label to the other side of its point where it would run out of the cell
        (an ROI's values near the right edge read "面积 1…")."""
        label = graphic.label
        pixel_w, pixel_h = self.view.viewPixelSize()  # view units per screen pixel
        if pixel_w <= 0 or pixel_h <= 0:
            return
        (x0, x1), (y0, y1) = self.view.viewRange()
        box = label.boundingRect()
        width, height = box.width() * pixel_w, box.height() * pixel_h
        at = label.pos()
        below = graphic.mark.kind in BOX_KINDS  # boxes put their values under the corner
        anchor_x = 1.0 if at.x() + width > x1 and at.x() - width >= x0 else 0.0
        if below:
            anchor_y = 1.0 if at.y() + height > y1 and at.y() - height >= y0 else 0.0
        else:
            anchor_y = 0.0 if at.y() - height < y0 and at.y() + height <= y1 else 1.0
        if (anchor_x, anchor_y) != tuple(label.anchor):
            label.setAnchor((anchor_x, anchor_y))

    def _aim(self, graphic: MarkGraphic, tip: Point, tail: Point) -> None:
        """Put the arrow head on the tip, pointing away from the tail (screen angles)."""
        if graphic.head is None:
            return
        tip_scene = self.view.mapViewToScene(QPointF(*tip))
        tail_scene = self.view.mapViewToScene(QPointF(*tail))
        dx, dy = tail_scene.x() - tip_scene.x(), tail_scene.y() - tip_scene.y()
        # ArrowItem at angle 0 points left (its tail to the right); positive angles turn it
        # clockwise on screen.
        graphic.head.setStyle(angle=math.degrees(math.atan2(dy, dx)))
        graphic.head.setPos(*tip)

    def _restyle(self) -> None:
        for graphic in self.graphics:
            color = COLORS[graphic.mark.kind]
            chosen = graphic.mark.ident == self.selected
            style = Qt.PenStyle.DashLine if chosen else Qt.PenStyle.SolidLine
            graphic.roi.setPen(pg.mkPen(color, width=3 if chosen else 2, style=style))
