"""The image viewer pane: a stack of slices or frames on pyqtgraph, window/level by mouse,
presets, corner text. It renders what the core decoded; it never parses DICOM itself."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workstation.imaging.decode import DicomImage
from workstation.imaging.downsample import area_downsample, screen_factor
from workstation.imaging.geometry import display_key, orientation_letter, slice_position
from workstation.imaging.presets import CT_PRESETS
from workstation.imaging.render import modality_values, render_frame
from workstation.imaging.roi import angle_degrees, region_stats
from workstation.imaging.voi import Window, full_range_window

_INVERTED_LUT = np.arange(255, -1, -1, dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class Slice:
    """One displayable plane: an image and a frame of it."""

    image: DicomImage
    frame: int
    key: float  # sort key: position along the normal, else instance/frame number


class WindowingViewBox(pg.ViewBox):
    """A ViewBox where the right (or middle) button drags window/level and the wheel scrolls
    slices; Ctrl+wheel zooms, left drag pans."""

    window_dragged = Signal(float, float)  # d(center), d(width) in screen pixels
    scrolled = Signal(int)

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.window_buttons = (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton)

    def mouseDragEvent(self, ev: object, axis: object = None) -> None:  # noqa: N802
        button = ev.button()  # type: ignore[attr-defined]
        if button in self.window_buttons:
            ev.accept()  # type: ignore[attr-defined]
            delta: QPointF = ev.screenPos() - ev.lastScreenPos()  # type: ignore[attr-defined]
            self.window_dragged.emit(float(delta.y()), float(delta.x()))
            return
        super().mouseDragEvent(ev, axis)

    def wheelEvent(self, ev: object, axis: object = None) -> None:  # noqa: N802
        modifiers = ev.modifiers()  # type: ignore[attr-defined]
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis)
            return
        ev.accept()  # type: ignore[attr-defined]
        delta = ev.delta()  # type: ignore[attr-defined]
        if delta:
            self.scrolled.emit(-1 if delta > 0 else 1)


class ImageViewer(QWidget):
    """Shows one series (or multi-frame image) with window/level, presets and corner text."""

    window_changed = Signal(object)  # Window
    index_changed = Signal(int)
    key_image_marked = Signal(bytes, str, object)  # PNG, caption, mm per pixel or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slices: list[Slice] = []
        self.index = 0
        self.window: Window | None = None
        self.inverted = False
        self.expected = 0

        self.graphics = pg.GraphicsView(background="k")
        self.view = WindowingViewBox()
        self.graphics.setCentralItem(self.view)
        # Downsampled by us once per slice and zoom (area mean): W/L changes then touch only
        # screen-resolution pixels.
        self.image_item = pg.ImageItem(axisOrder="row-major", autoDownsample=False)
        self._display_key: tuple[int, int, int] | None = None
        self.view.addItem(self.image_item)
        self.view.window_dragged.connect(self._drag_window)
        self.view.scrolled.connect(self.step)
        self.view.sigRangeChanged.connect(lambda *_args: self._zoom_changed())

        self.top_left = self._corner()
        self.top_right = self._corner(Qt.AlignmentFlag.AlignRight)
        self.bottom_left = self._corner()
        self.bottom_right = self._corner(Qt.AlignmentFlag.AlignRight)
        self.message = QLabel(self.graphics)
        self.message.setObjectName("viewerMessage")
        self.message.setStyleSheet("color: #ffb300; background: transparent; font-size: 14px;")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.preset_box = QComboBox()
        self.preset_box.setObjectName("presetBox")
        self.preset_box.setToolTip(self.tr("Window presets (keys 1–9)"))
        self.preset_box.setMinimumContentsLength(12)
        adjust = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        self.preset_box.setSizeAdjustPolicy(adjust)
        self.preset_box.activated.connect(self._preset_chosen)
        self.invert_button = QPushButton(self.tr("Invert"))
        self.invert_button.setCheckable(True)
        self.invert_button.setToolTip(self.tr("Invert grey levels (I)"))
        self.invert_button.toggled.connect(self.set_inverted)
        self.reset_button = QPushButton(self.tr("Reset"))
        self.reset_button.setToolTip(self.tr("Fit to window and restore the file's window (F)"))
        self.reset_button.clicked.connect(self.reset)
        self.length_button = QPushButton(self.tr("Length (L)"))
        self.length_button.setObjectName("lengthTool")
        self.length_button.setToolTip(self.tr("Add a length measurement; drag its ends (L)"))
        self.length_button.clicked.connect(self.add_length)
        self.angle_button = QPushButton(self.tr("Angle (G)"))
        self.angle_button.setObjectName("angleTool")
        self.angle_button.setToolTip(
            self.tr("Angle between two lines sharing a vertex; drag the three points (G)")
        )
        self.angle_button.clicked.connect(self.add_angle)
        self.angles: list[tuple[pg.PolyLineROI, pg.TextItem]] = []
        self.last_angle = 0.0
        self.roi_button = QPushButton(self.tr("ROI (E)"))
        self.roi_button.setObjectName("roiTool")
        self.roi_button.setToolTip(
            self.tr("Ellipse region: mean, SD, min, max, area in modality units (HU for CT) (E)")
        )
        self.roi_button.clicked.connect(self.add_roi)
        self.rois: list[tuple[pg.EllipseROI, pg.TextItem]] = []
        self.last_roi_text = ""
        self.probe_text = ""
        self.graphics.scene().sigMouseMoved.connect(self._probe)
        self.actual_size_button = QPushButton(self.tr("1:1"))
        self.actual_size_button.setToolTip(self.tr("One image pixel per screen pixel"))
        self.actual_size_button.clicked.connect(self.actual_size)
        self.clear_button = QPushButton(self.tr("Clear marks"))
        self.clear_button.clicked.connect(self.clear_measurements)
        self.key_button = QPushButton(self.tr("Key image (K)"))
        self.key_button.setObjectName("keyImage")
        self.key_button.setToolTip(
            self.tr("Keep this view, with window/level and marks, for the printed summary (K)")
        )
        self.key_button.clicked.connect(self.mark_key_image)
        self.measurements: list[tuple[pg.LineSegmentROI, pg.TextItem]] = []
        self.cine_button = QPushButton(self.tr("Play"))
        self.cine_button.setObjectName("cineButton")
        self.cine_button.setCheckable(True)
        self.cine_button.setToolTip(self.tr("Play the frames as a loop (Space)"))
        self.cine_button.toggled.connect(self.set_playing)
        self.fps_box = QSpinBox()
        self.fps_box.setObjectName("fpsBox")
        self.fps_box.setRange(1, 60)
        self.fps_box.setValue(25)
        self.fps_box.setSuffix(self.tr(" fps"))
        self.fps_box.valueChanged.connect(self._fps_changed)
        self.cine_timer = QTimer(self)
        self.cine_timer.timeout.connect(self._next_frame)
        self.markers = {side: self._marker() for side in ("left", "right", "top", "bottom")}
        self.scale_bar = QFrame(self.graphics)
        self.scale_bar.setStyleSheet("background: #e0e0e0;")
        self.scale_bar.setFixedHeight(2)
        self.scale_label = self._corner()
        # zoom changes move the scale bar and the zoom figure
        self.view.sigRangeChanged.connect(lambda *_args: self._update_text())
        # Two short rows (display, then tools) keep two viewers side by side within 1366 px.
        self.toolbar = QWidget()
        rows = QVBoxLayout(self.toolbar)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        display = QHBoxLayout()
        display.addWidget(QLabel(self.tr("Window")))
        display.addWidget(self.preset_box)
        for widget in (self.invert_button, self.reset_button, self.actual_size_button):
            display.addWidget(widget)
        display.addStretch(1)
        tools = QHBoxLayout()
        for widget in (
            self.length_button,
            self.angle_button,
            self.roi_button,
            self.clear_button,
            self.key_button,
            self.cine_button,
            self.fps_box,
        ):
            tools.addWidget(widget)
        tools.addStretch(1)
        rows.addLayout(display)
        rows.addLayout(tools)
        self.preset_box.setMinimumContentsLength(12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.graphics, 1)
        self.setToolTip(
            self.tr(
                "Right-drag: window/level · wheel or ↑/↓: scroll · Ctrl+wheel: zoom · left-drag: pan"
            )
        )

    def _marker(self) -> QLabel:
        label = self._corner(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(
            "color: #ffd54f; background: transparent; font-size: 13px; font-weight: bold;"
        )
        return label

    def _corner(self, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
        label = QLabel(self.graphics)
        label.setStyleSheet("color: #e0e0e0; background: transparent; font-size: 11px;")
        label.setAlignment(align | Qt.AlignmentFlag.AlignTop)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        shadow = QGraphicsDropShadowEffect(label)  # legible on bright radiographs too
        shadow.setBlurRadius(3)
        shadow.setOffset(1, 1)
        shadow.setColor(QColor(0, 0, 0))
        label.setGraphicsEffect(shadow)
        return label

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        width, height = self.graphics.width(), self.graphics.height()
        half = max(width // 2 - 8, 50)
        self.top_left.setGeometry(6, 4, half, 90)
        self.top_right.setGeometry(width - half - 6, 4, half, 90)
        self.bottom_left.setGeometry(6, height - 64, half, 60)
        self.bottom_right.setGeometry(width - half - 6, height - 64, half, 60)
        self.message.setGeometry(0, height // 2 - 40, width, 80)
        self._update_overlay_geometry()

    # --- orientation markers, scale bar, cine ------------------------------------------------
    def _update_overlay_geometry(self) -> None:
        width, height = self.graphics.width(), self.graphics.height()
        positions = {
            "left": (4, height // 2 - 10),
            "right": (width - 28, height // 2 - 10),
            "top": (width // 2 - 12, 4),
            "bottom": (width // 2 - 12, height - 84),
        }
        for side, (x, y) in positions.items():
            self.markers[side].setGeometry(x, y, 24, 20)
        current = self.current()
        if current is None or current.image.pixel_spacing is None:
            self.scale_bar.hide()
            self.scale_label.clear()
            return
        (x0, x1), _ = self.view.viewRange()
        px_per_mm = self.view.width() / max(x1 - x0, 1e-6)
        length_mm = next(
            (mm for mm in (100, 50, 20, 10, 5, 2, 1) if mm * px_per_mm <= width / 4), 1
        )
        bar = int(length_mm * px_per_mm)
        self.scale_bar.setGeometry(width // 2 - bar // 2, height - 58, max(bar, 1), 2)
        self.scale_bar.show()
        self.scale_label.setText(f"{length_mm} mm")
        self.scale_label.setGeometry(width // 2 - 40, height - 54, 80, 16)

    def _update_markers(self, image: DicomImage) -> None:
        if image.orientation is None:
            for label in self.markers.values():
                label.clear()
            return
        row, col = image.orientation[:3], image.orientation[3:]
        self.markers["right"].setText(orientation_letter(row))
        self.markers["left"].setText(orientation_letter(tuple(-v for v in row)))
        self.markers["bottom"].setText(orientation_letter(col))
        self.markers["top"].setText(orientation_letter(tuple(-v for v in col)))

    def set_playing(self, playing: bool) -> None:
        """Start or stop cine (loops through frames or slices)."""
        if playing and len(self.slices) > 1:
            self.cine_timer.start(int(1000 / self.fps_box.value()))
            self.cine_button.setText(self.tr("Pause"))
        else:
            self.cine_timer.stop()
            self.cine_button.setText(self.tr("Play"))
            if self.cine_button.isChecked():
                self.cine_button.setChecked(False)

    def _fps_changed(self, fps: int) -> None:
        if self.cine_timer.isActive():
            self.cine_timer.start(int(1000 / fps))

    def _next_frame(self) -> None:
        if self.slices:
            self.go_to((self.index + 1) % len(self.slices))

    # --- content ---------------------------------------------------------------------------
    def clear(self, message: str = "") -> None:
        """Show nothing (and optionally a message)."""
        self.set_playing(False)
        for label in self.markers.values():
            label.clear()
        self.scale_bar.hide()
        self.scale_label.clear()
        self.clear_measurements()
        self.slices = []
        self.index = 0
        self.window = None
        self.expected = 0
        self.image_item.clear()
        for label in (self.top_left, self.top_right, self.bottom_left, self.bottom_right):
            label.clear()
        self.preset_box.clear()
        self._display_key = None
        self.show_message(message)

    def show_message(self, text: str) -> None:
        """A message over the image area (loading, errors)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def expect(self, count: int) -> None:
        """How many images the series will have (for the progress in the corner)."""
        self.expected = count

    def add_image(self, image: DicomImage) -> None:
        """Insert an image (all its frames) at its place by geometry; the first image shows
        at once, later ones keep the current slice in view."""
        position = display_key(image)
        first = not self.slices
        current = self.slices[self.index] if self.slices else None
        for frame in range(image.frames):
            key = (
                position
                if position is not None and image.frames == 1
                else (image.instance_number * 10000 + frame)
            )
            keys = [s.key for s in self.slices]
            self.slices.insert(bisect.bisect_right(keys, key), Slice(image, frame, key))
        if first:
            self._fill_presets(image)
            if image.frames > 1 and image.frame_time_ms:
                self.fps_box.setValue(max(1, min(60, round(1000 / image.frame_time_ms))))
            self.preset_box.setEnabled(not image.is_color)
            self.index = 0
            self.show_message("")
            self._show(fit=True)
        else:
            self.index = next(i for i, s in enumerate(self.slices) if s is current)
            self._update_text()

    def _fill_presets(self, image: DicomImage) -> None:
        self.preset_box.clear()
        for window in image.windows:
            name = window.explanation or self.tr("File")
            self.preset_box.addItem(f"{name}  {window.center:g}/{window.width:g}", window)
        if image.modality == "CT":
            names = {
                "brain": self.tr("Brain"),
                "subdural": self.tr("Subdural"),
                "stroke": self.tr("Stroke"),
                "lung": self.tr("Lung"),
                "mediastinum": self.tr("Mediastinum"),
                "bone": self.tr("Bone"),
                "abdomen": self.tr("Abdomen"),
                "liver": self.tr("Liver"),
            }
            for key, window in CT_PRESETS:
                self.preset_box.addItem(f"{names[key]}  {window.center:g}/{window.width:g}", window)
        self.preset_box.addItem(self.tr("Full range"), None)

    def _preset_chosen(self, index: int) -> None:
        window = self.preset_box.itemData(index)
        if window is None and self.slices:
            current = self.slices[self.index]
            window = full_range_window(modality_values(current.image, current.frame))
        if window is not None:
            self.set_window(window)

    # --- display ---------------------------------------------------------------------------
    def current(self) -> Slice | None:
        """The slice on screen."""
        return self.slices[self.index] if self.slices else None

    def _show(self, fit: bool = False) -> None:
        current = self.current()
        if current is None:
            return
        image = current.image
        if self.window is None and not image.is_color:
            self.window = (
                image.windows[0]
                if image.windows
                else full_range_window(modality_values(image, current.frame))
            )
        self._render()
        if fit:
            self._set_geometry(image)
            self.view.autoRange(padding=0.0)
        self._update_text()
        self.index_changed.emit(self.index)

    def _set_geometry(self, image: DicomImage) -> None:
        row_mm, col_mm = image.pixel_spacing or (1.0, 1.0)
        self.image_item.setRect(QRectF(0, 0, image.columns * col_mm, image.rows * row_mm))

    def _render(self) -> None:
        current = self.current()
        if current is None:
            return
        image = current.image
        pixels = image.pixels[current.frame]
        if image.is_color:
            self._display_key = None
            self.image_item.setLookupTable(None)
            self.image_item.setImage(render_frame(image, current.frame), levels=(0, 255))
            return
        window = self.window or full_range_window(pixels)
        invert = (image.photometric == "MONOCHROME1") != image.presentation_inverse
        if self.inverted:
            invert = not invert
        if image.modality_lut is None and image.rescale_slope != 0:
            # Fast path: the window mapped back to stored values, applied by pyqtgraph to the
            # screen-resolution copy of the stored pixels.
            low = (window.low - image.rescale_intercept) / image.rescale_slope
            high = (window.high - image.rescale_intercept) / image.rescale_slope
            if low > high:
                low, high = high, low
            levels = (low, max(high, low + 1e-6))
            self.image_item.setLookupTable(_INVERTED_LUT if invert else None)
            factor = self._screen_factor(image)
            key = (id(current), current.frame, factor)
            if key != self._display_key:
                self._display_key = key
                self.image_item.setImage(
                    area_downsample(pixels, factor), levels=levels, autoLevels=False
                )
                self._set_geometry(image)
            else:
                self.image_item.setLevels(levels)
        else:
            self._display_key = None
            grey = render_frame(image, current.frame, window)
            if self.inverted:
                grey = 255 - grey
            self.image_item.setLookupTable(None)
            self.image_item.setImage(grey, levels=(0, 255), autoLevels=False)

    def _screen_factor(self, image: DicomImage) -> int:
        (x0, x1), _ = self.view.viewRange()
        col_mm = image.pixel_spacing[1] if image.pixel_spacing else 1.0
        visible_columns = (x1 - x0) / col_mm
        return screen_factor(min(visible_columns, image.columns), self.view.width())

    def _zoom_changed(self) -> None:
        current = self.current()
        if current is None or self._display_key is None:
            return
        if self._screen_factor(current.image) != self._display_key[2]:
            self._render()

    def set_window(self, window: Window) -> None:
        """Apply a window (modality units) and redraw."""
        self.window = window
        self._render()
        self._update_text()
        self.window_changed.emit(window)

    def set_inverted(self, inverted: bool) -> None:
        """Invert grey levels on top of the photometric interpretation."""
        self.inverted = inverted
        self._render()

    def _drag_window(self, dy: float, dx: float) -> None:
        if self.window is None:
            return
        scale = max(self.window.width, 10.0) / 300.0
        width = max(1.0, self.window.width + dx * scale)
        center = self.window.center - dy * scale
        self.set_window(Window(center, width, self.window.function, ""))

    def step(self, delta: int) -> None:
        """Move ``delta`` slices/frames, clamped at the ends."""
        if not self.slices:
            return
        new = min(max(self.index + delta, 0), len(self.slices) - 1)
        if new != self.index:
            self.index = new
            self._show()

    def go_to(self, index: int) -> None:
        """Show slice ``index``."""
        if self.slices:
            self.index = min(max(index, 0), len(self.slices) - 1)
            self._show()

    def reset(self) -> None:
        """Restore the file's window, no inversion, fit to the window."""
        current = self.current()
        if current is None:
            return
        self.window = None
        self.invert_button.setChecked(False)
        self._show(fit=True)

    # --- measurements and key images ---------------------------------------------------------
    def add_length(self) -> None:
        """A length line in the middle of the view (drag its handles); shows mm when the
        image is calibrated, and says which spacing the millimetres come from."""
        current = self.current()
        if current is None:
            return
        (x0, x1), (y0, y1) = self.view.viewRange()
        cx, cy, span = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 6
        pen = pg.mkPen((255, 255, 0), width=2)
        roi = pg.LineSegmentROI([[cx - span, cy], [cx + span, cy]], pen=pen)
        label = pg.TextItem(color=(255, 255, 0), anchor=(0, 1))
        self.view.addItem(roi)
        self.view.addItem(label)
        self.measurements.append((roi, label))
        roi.sigRegionChanged.connect(lambda _roi: self._update_length(roi, label))
        self._update_length(roi, label)

    def _update_length(self, roi: pg.LineSegmentROI, label: pg.TextItem) -> None:
        current = self.current()
        if current is None:
            return
        handles = roi.getSceneHandlePositions()
        a = self.view.mapSceneToView(handles[0][1])
        b = self.view.mapSceneToView(handles[1][1])
        length = ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5
        source = current.image.spacing_source
        if source == "PixelSpacing":
            text = f"{length:.1f} mm"
        elif source == "ImagerPixelSpacing":
            text = self.tr("%1 mm (detector plane)").replace("%1", f"{length:.1f}")
        else:
            text = self.tr("%1 px (uncalibrated)").replace("%1", f"{length:.0f}")
        label.setText(text)
        label.setPos(max(a.x(), b.x()), min(a.y(), b.y()))
        self.last_measurement = text

    def actual_size(self) -> None:
        """Zoom so that one image pixel covers one screen pixel, around the view's centre."""
        current = self.current()
        if current is None:
            return
        row_mm, col_mm = current.image.pixel_spacing or (1.0, 1.0)
        (x0, x1), (y0, y1) = self.view.viewRange()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_w = self.view.width() * col_mm / 2
        half_h = self.view.height() * row_mm / 2
        self.view.setRange(
            xRange=(cx - half_w, cx + half_w), yRange=(cy - half_h, cy + half_h), padding=0
        )

    def set_window_button(self, choice: str) -> None:
        """Which mouse button drags window/level: "right" (right or middle) or "middle"."""
        middle, right = Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton
        self.view.window_buttons = (middle,) if choice == "middle" else (right, middle)

    def add_angle(self) -> None:
        """Three points (end, vertex, end) in the middle of the view; shows the angle."""
        if self.current() is None:
            return
        (x0, x1), (y0, y1) = self.view.viewRange()
        cx, cy, d = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 8
        roi = pg.PolyLineROI(
            [[cx + d, cy], [cx, cy], [cx, cy - d]],
            closed=False,
            pen=pg.mkPen((255, 170, 0), width=2),
        )
        label = pg.TextItem(color=(255, 170, 0), anchor=(0, 1))
        self.view.addItem(roi)
        self.view.addItem(label)
        self.angles.append((roi, label))
        roi.sigRegionChanged.connect(lambda _roi: self._update_angle(roi, label))
        self._update_angle(roi, label)

    def _update_angle(self, roi: pg.PolyLineROI, label: pg.TextItem) -> None:
        points = [self.view.mapSceneToView(p) for _name, p in roi.getSceneHandlePositions()]
        if len(points) < 3:
            return
        a, vertex, b = points[0], points[1], points[2]
        angle = angle_degrees((a.x(), a.y()), (vertex.x(), vertex.y()), (b.x(), b.y()))
        label.setText(f"{angle:.1f}°")
        label.setPos(vertex.x(), vertex.y())
        self.last_angle = angle

    def add_roi(self) -> None:
        """An ellipse region in the middle of the view; drag or resize it."""
        if self.current() is None:
            return
        (x0, x1), (y0, y1) = self.view.viewRange()
        size = (x1 - x0) / 8
        roi = pg.EllipseROI(
            [(x0 + x1) / 2 - size / 2, (y0 + y1) / 2 - size / 2],
            [size, size],
            pen=pg.mkPen((0, 230, 255), width=2),
        )
        label = pg.TextItem(color=(0, 230, 255), anchor=(0, 0))
        self.view.addItem(roi)
        self.view.addItem(label)
        self.rois.append((roi, label))
        roi.sigRegionChanged.connect(lambda _roi: self._update_roi(roi, label))
        self._update_roi(roi, label)

    def _update_roi(self, roi: pg.EllipseROI, label: pg.TextItem) -> None:
        current = self.current()
        if current is None or current.image.is_color:
            return
        image = current.image
        x, y = roi.pos()
        width, height = roi.size()
        stats = region_stats(
            modality_values(image, current.frame), (x, y, width, height), image.pixel_spacing
        )
        if stats is None:
            label.setText("")
            return
        unit = " HU" if image.modality == "CT" else ""
        area = (
            self.tr("area %1 mm²").replace("%1", f"{stats.area_mm2:.1f}")
            if stats.area_mm2 is not None
            else self.tr("%1 px").replace("%1", str(stats.pixels))
        )
        mean, low, high = self.tr("mean"), self.tr("min"), self.tr("max")
        text = (
            f"{mean} {stats.mean:.1f}{unit}  SD {stats.sd:.1f}\n"
            f"{low} {stats.minimum:.0f}  {high} {stats.maximum:.0f}  {area}"
        )
        label.setText(text)
        label.setPos(x + width, y + height)
        self.last_roi_text = text

    def _probe(self, scene_pos: QPointF) -> None:
        """The modality value under the mouse (HU for CT), shown in the lower left corner."""
        current = self.current()
        if current is None or current.image.is_color:
            return
        image = current.image
        point = self.view.mapSceneToView(scene_pos)
        row_mm, col_mm = image.pixel_spacing or (1.0, 1.0)
        row, col = int(point.y() // row_mm), int(point.x() // col_mm)
        if not (0 <= row < image.rows and 0 <= col < image.columns):
            self.probe_text = ""
        else:
            stored = float(image.pixels[current.frame][row, col])
            value = stored * image.rescale_slope + image.rescale_intercept
            unit = " HU" if image.modality == "CT" else ""
            self.probe_text = f"({col}, {row})  {value:.0f}{unit}"
        self._update_text()

    def clear_measurements(self) -> None:
        """Remove every length line and region."""
        for roi, label in [*self.measurements, *self.rois, *self.angles]:
            self.view.removeItem(roi)
            self.view.removeItem(label)
        self.measurements = []
        self.rois = []
        self.angles = []

    def mark_key_image(self) -> None:
        """Emit the view as she sees it (window/level, marks, corner text) as a PNG."""
        current = self.current()
        if current is None:
            return
        pixmap = self.graphics.grab()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        pixmap.save(buffer, "PNG")
        (x0, x1), _ = self.view.viewRange()
        calibrated = current.image.spacing_source != ""
        mm_per_pixel = (x1 - x0) / max(pixmap.width(), 1) if calibrated else None
        image = current.image
        caption = " · ".join(
            filter(
                None,
                [
                    image.series_description,
                    self.tr("Image %1 / %2")
                    .replace("%1", str(self.index + 1))
                    .replace("%2", str(len(self.slices))),
                    self.bottom_left.text(),
                    *(label.toPlainText() for _roi, label in self.measurements),
                ],
            )
        )
        self.key_image_marked.emit(bytes(buffer.data().data()), caption, mm_per_pixel)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        steps = {
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Down: 1,
            Qt.Key.Key_PageUp: -10,
            Qt.Key.Key_PageDown: 10,
        }
        if key in steps:
            self.step(steps[key])
        elif key == Qt.Key.Key_Home:
            self.go_to(0)
        elif key == Qt.Key.Key_End:
            self.go_to(len(self.slices) - 1)
        elif key == Qt.Key.Key_I:
            self.invert_button.toggle()
        elif key == Qt.Key.Key_F:
            self.reset()
        elif key == Qt.Key.Key_L:
            self.add_length()
        elif key == Qt.Key.Key_E:
            self.add_roi()
        elif key == Qt.Key.Key_G:
            self.add_angle()
        elif key == Qt.Key.Key_K:
            self.mark_key_image()
        elif key == Qt.Key.Key_Space:
            self.cine_button.toggle()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            index = key - Qt.Key.Key_1
            if index < self.preset_box.count():
                self.preset_box.setCurrentIndex(index)
                self._preset_chosen(index)
        else:
            super().keyPressEvent(event)

    def _update_text(self) -> None:
        current = self.current()
        if current is None:
            return
        image = current.image
        self._update_markers(image)
        self._update_overlay_geometry()
        date = image.study_date
        if len(date) == 8:
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        self.top_left.setText(
            "\n".join(
                filter(
                    None,
                    [
                        image.patient_name.split("=")[-1].replace("^", ""),
                        date,
                        image.institution,
                    ],
                )
            )
        )
        total = max(self.expected, len(self.slices))
        loading = (
            ""
            if len(self.slices) >= total
            else self.tr(" (loading %1/%2)")
            .replace("%1", str(len(self.slices)))
            .replace("%2", str(total))
        )
        lines = [
            image.series_description,
            self.tr("Image %1 / %2")
            .replace("%1", str(self.index + 1))
            .replace("%2", str(len(self.slices)))
            + loading,
        ]
        position = slice_position(image)
        if position is not None and image.frames == 1:
            lines.append(self.tr("Position %1 mm").replace("%1", f"{position:.1f}"))
        if image.slice_thickness:
            lines.append(self.tr("Thickness %1 mm").replace("%1", f"{image.slice_thickness:g}"))
        self.top_right.setText("\n".join(filter(None, lines)))
        (x0, x1), _ = self.view.viewRange()
        col_mm = image.pixel_spacing[1] if image.pixel_spacing else 1.0
        zoom = self.view.width() / max((x1 - x0) / col_mm, 1e-6) * 100
        lines = [self.probe_text, self.tr("Zoom %1%").replace("%1", f"{zoom:.0f}")]
        if self.window is not None and not image.is_color:
            lines.append(
                self.tr("W %1  L %2")
                .replace("%1", f"{self.window.width:.0f}")
                .replace("%2", f"{self.window.center:.0f}")
            )
        self.bottom_left.setText("\n".join(filter(None, lines)))
        spacing = {
            "PixelSpacing": self.tr("calibrated (Pixel Spacing)"),
            "ImagerPixelSpacing": self.tr("detector plane (Imager Pixel Spacing)"),
        }.get(image.spacing_source, self.tr("uncalibrated"))
        self.bottom_right.setText(f"{image.modality}  {spacing}")
