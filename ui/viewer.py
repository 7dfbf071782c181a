"""The image viewer pane: a stack of slices or frames on pyqtgraph, window/level by mouse,
presets, corner text. It renders what the core decoded; it never parses DICOM itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QTransform
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.mark_layer import MarkLayer
from ui.outlined_label import OutlinedLabel
from ui.reading_theme import dark_popup
from ui.viewer_keys import binding_for, key_label
from ui.viewer_marks import MarkTools
from ui.viewer_presets import WindowPresets
from ui.viewer_text import CornerText
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import (
    GreyLut,
    StateSteps,
    Voi,
    apply_grey_lut,
    colour_frame,
    default_voi,
    frame_full_range,
    grey_lut,
    grey_of,
    overlay_plane,
    state_inverts,
    to_modality,
)
from workstation.imaging.downsample import reduce_mask, reduce_stored, screen_factor
from workstation.imaging.frames import frame_rescale, frame_windows
from workstation.imaging.geometry import orientation_key, plane_name
from workstation.imaging.lut_data import Lut
from workstation.imaging.marks import MarkKind, MarkStore
from workstation.imaging.presets import (
    DEFAULT_PRESETS,
    WindowPreset,
)
from workstation.imaging.view_transform import ViewTransform
from workstation.imaging.voi import Window
from workstation.session.cell import CellView
from workstation.session.series_stack import Entry, Plane, SeriesStack, Slice, Waiting

__all__ = ["ImageViewer", "Slice", "Waiting"]


class WindowingViewBox(pg.ViewBox):
    """A ViewBox where the right button drags window/level and the wheel scrolls slices;
    Ctrl+wheel zooms. Left drag pans, or, while a measuring tool is held, draws the mark
    (press where it starts, drag, release); middle drag and Space+left drag always pan."""

    window_dragged = Signal(float, float)  # d(center), d(width) in screen pixels
    scrolled = Signal(int)
    nudged = Signal(int)  # Shift+wheel: this cell alone, ±1 slice
    tool_started = Signal(object)  # view point (x, y) where she pressed
    tool_dragged = Signal(object)  # view point under the mouse
    tool_finished = Signal(object)  # view point where she released
    tool_clicked = Signal(object)  # a click (no drag) while a tool is held
    panned = Signal()

    def __init__(self) -> None:
        super().__init__(lockAspect=True, invertY=True, enableMenu=False)
        self.window_buttons: tuple[Qt.MouseButton, ...] = (Qt.MouseButton.RightButton,)
        self.tool_active = False  # mirrors the cell's CellView.tool
        self.space_held = False

    def _view_point(self, scene: QPointF) -> tuple[float, float]:
        point = self.mapSceneToView(scene)
        return float(point.x()), float(point.y())

    def mouseDragEvent(self, ev: object, axis: object = None) -> None:  # noqa: N802
        button = ev.button()  # type: ignore[attr-defined]
        if button in self.window_buttons:
            ev.accept()  # type: ignore[attr-defined]
            delta: QPointF = ev.screenPos() - ev.lastScreenPos()  # type: ignore[attr-defined]
            self.window_dragged.emit(float(delta.y()), float(delta.x()))
            return
        left = button == Qt.MouseButton.LeftButton
        if left and self.tool_active and not self.space_held:
            ev.accept()  # type: ignore[attr-defined]
            if ev.isStart():  # type: ignore[attr-defined]
                self.tool_started.emit(self._view_point(ev.buttonDownScenePos()))  # type: ignore[attr-defined]
            point = self._view_point(ev.scenePos())  # type: ignore[attr-defined]
            finished = ev.isFinish()  # type: ignore[attr-defined]
            (self.tool_finished if finished else self.tool_dragged).emit(point)
            return
        if left or button == Qt.MouseButton.MiddleButton:
            self.panned.emit()
            # the middle button pans like the left (pyqtgraph pans with both in PanMode)
        super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev: object) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and self.tool_active:  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self.tool_clicked.emit(self._view_point(ev.scenePos()))  # type: ignore[attr-defined]
            return
        super().mouseClickEvent(ev)

    def wheelEvent(self, ev: object, axis: object = None) -> None:  # noqa: N802
        modifiers = ev.modifiers()  # type: ignore[attr-defined]
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis)
            return
        ev.accept()  # type: ignore[attr-defined]
        delta = ev.delta()  # type: ignore[attr-defined]
        if delta:
            shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
            (self.nudged if shift else self.scrolled).emit(-1 if delta > 0 else 1)


class ImageViewer(MarkTools, WindowPresets, CornerText, QWidget):
    """Shows one series (or multi-frame image) with window/level, presets and corner text."""

    window_changed = Signal(object)  # Window
    index_changed = Signal(int)
    nudged = Signal(int)  # she moves this cell alone by ±n slices (the grid re-registers it)
    emptied = Signal()
    key_image_marked = Signal(bytes, str, object)  # PNG, caption, mm per pixel or None
    zoomed_by_user = Signal()  # she zoomed or panned (not a fit when a study opens)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # the series' stacks, with a place for every slice still to come (Qt-free model)
        self.series = SeriesStack()
        self.slices: list[Entry] = []  # the stack on screen: the series' stack of ``plane``
        self.plane: Plane = ()
        self.series.changed.connect(self._series_changed)
        self.plane_chosen = False
        self.loaded_images = 0
        self.presets: tuple[WindowPreset, ...] = DEFAULT_PRESETS
        self.view_state = CellView()  # slice, her window, inversion, turn and mirror
        self.fallback_window: Window | None = None  # full range, for files without a VOI
        self.expected = 0
        self.annotations_visible = True
        self.navigated = False  # until she moves, the stack shows its top while it loads
        self._needs_fit = True  # no slice shown since the stack was emptied
        self._waiting_shown = False  # the "loading image N" state is on screen
        self._taking_in = False  # add_image is placing an image (the observer waits)
        self._preset_count = 0  # her presets on keys 1–9 for the modality on screen
        self.sync_text = ""  # the grid's word on this cell's registration to the current study
        self.sync_short = ""  # the same for a small cell

        self.graphics = pg.GraphicsView(background="k")
        self.view = WindowingViewBox()
        self.graphics.setCentralItem(self.view)
        # Downsampled by us once per slice and zoom (area mean): W/L changes then touch only
        # screen-resolution pixels.
        self.image_item = pg.ImageItem(axisOrder="row-major", autoDownsample=False)
        self._display_key: tuple[int, int, int] | None = None
        self._stored_on_screen: np.ndarray | None = None  # stored values at screen resolution
        self._lut_key: tuple[object, ...] = ()
        self._lut: GreyLut | None = None
        self.view.addItem(self.image_item)
        self.overlay_item = pg.ImageItem(axisOrder="row-major", autoDownsample=False)
        self.overlay_item.setZValue(1)
        self.view.addItem(self.overlay_item)
        self.view.window_dragged.connect(self._drag_window)
        self.view.scrolled.connect(self.step)
        self.view.nudged.connect(self.nudged)
        self.view.sigRangeChanged.connect(lambda *_args: self._zoom_changed())
        self.view.sigRangeChangedManually.connect(lambda *_args: self.zoomed_by_user.emit())
        self.view.sigResized.connect(lambda *_args: self._view_resized())

        self.top_left = self._corner()
        self.top_right = self._corner(Qt.AlignmentFlag.AlignRight)
        # against the cell's bottom edge: the window line last, below the scale bar's row
        bottom = Qt.AlignmentFlag.AlignBottom
        self.bottom_left = self._corner(vertical=bottom)
        self.bottom_right = self._corner(Qt.AlignmentFlag.AlignRight, vertical=bottom)
        self.message = QLabel(self.graphics)
        self.message.setObjectName("viewerMessage")
        self.message.setStyleSheet("color: #ffb300; background: transparent; font-size: 14px;")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.preset_box = dark_popup(QComboBox())
        self.preset_box.setObjectName("presetBox")
        self.preset_box.setToolTip(
            self.tr("Window presets: keys 1–9 your presets, 0 the file's window")
        )
        # as wide as its longest label: "2 纵隔窗  50/350" must never read "2 纵隔…"
        self.preset_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.preset_box.setMinimumContentsLength(10)  # not a stub while the cell is empty
        self.preset_box.activated.connect(self._preset_chosen)
        self.plane_box = dark_popup(QComboBox())
        self.plane_box.setObjectName("planeBox")
        self.plane_box.setToolTip(
            self.tr("This series holds images in more than one plane; each is its own stack")
        )
        self.plane_box.activated.connect(self._plane_picked)
        self.plane_box.hide()
        self.invert_button = QToolButton()
        self.invert_button.setText(self.tr("Invert"))
        self.invert_button.setCheckable(True)
        self.invert_button.setToolTip(self.tr("Invert grey levels") + key_label("toggle_invert"))
        self.invert_button.toggled.connect(self.set_inverted)
        self.reset_button = self._tool(self.tr("Reset"), "resetView", self.reset)
        self.reset_button.setToolTip(
            self.tr("Fit to the cell, restore the file's window, undo rotation and flips")
            + key_label("reset")
        )
        self.marks = MarkStore()
        self.mark_layer = MarkLayer(
            self.view,
            lambda p: self._transform().to_view(*p),
            lambda p: self._transform().to_image(*p),
            self._describe_mark,
        )
        self.mark_layer.moved.connect(self._mark_moved)
        self.probe_text = ""
        self.graphics.scene().sigMouseMoved.connect(self._probe)
        self.graphics.scene().sigMouseMoved.connect(self._tool_hover)
        self.tool_buttons: dict[MarkKind, QToolButton] = {}
        self.view.tool_started.connect(self._tool_started)
        self.view.tool_dragged.connect(self._tool_dragged)
        self.view.tool_finished.connect(self._tool_finished)
        self.view.tool_clicked.connect(self._tool_clicked)
        self.view.panned.connect(self._space_used)
        self.view_state.changed.connect(self._view_state_changed)
        self.view_state.changed.connect(self._corner_state_changed)
        self._space_pressed = False
        self._space_panned = False
        self.length_button = self._mode(self.tr("Length"), "lengthTool", MarkKind.LENGTH)
        self.length_button.setToolTip(
            self.tr("Length: drag on the image from one end to the other; Esc leaves the tool")
            + key_label("length_tool")
        )
        self.angle_button = self._mode(self.tr("Angle"), "angleTool", MarkKind.ANGLE)
        self.angle_button.setToolTip(
            self.tr(
                "Angle: drag the first arm from its end to the vertex, then click the third point"
            )
            + key_label("angle_tool")
        )
        self.roi_button = self._mode(self.tr("Ellipse"), "roiTool", MarkKind.ELLIPSE)
        self.roi_button.setToolTip(
            self.tr(
                "Ellipse region: drag its box; mean, SD, min, max, area in modality units (HU for CT)"
            )
            + key_label("ellipse_tool")
        )
        self.rect_button = self._mode(self.tr("Rectangle"), "rectTool", MarkKind.RECTANGLE)
        self.rect_button.setToolTip(
            self.tr("Rectangle region: drag its box; mean, SD, min, max, area in modality units")
            + key_label("rectangle_tool")
        )
        self.arrow_button = self._tool(self.tr("Arrow"), "arrowTool", lambda: self.add_arrow())
        self.arrow_button.setToolTip(
            self.tr("Arrow with a text; drag its tip and tail") + key_label("add_arrow")
        )
        self.delete_button = self._tool(self.tr("Delete"), "deleteMark", self.delete_selected)
        self.delete_button.setToolTip(
            self.tr("Delete the selected mark (click a mark to select it)")
            + key_label("delete_selected")
        )
        self.undo_button = self._tool(self.tr("Undo"), "undoMark", self.undo)
        self.undo_button.setToolTip(
            self.tr("Undo the last mark added, moved or deleted") + key_label("undo")
        )
        self.clear_button = self._tool(self.tr("Clear"), "clearMarks", self.clear_measurements)
        self.clear_button.setToolTip(self.tr("Delete every mark on this image"))
        self.key_button = self._tool(self.tr("Key image"), "keyImage", self.mark_key_image)
        self.key_button.setToolTip(
            self.tr("Keep this view, with window/level and marks, for the printed summary")
            + key_label("mark_key_image")
        )
        self.actual_size_button = self._tool(self.tr("1:1"), "actualSize", self.actual_size)
        self.actual_size_button.setToolTip(self.tr("One image pixel per screen pixel"))
        self.rotate_button = self._tool("⟳", "rotateRight", self.rotate_clockwise)
        self.rotate_button.setToolTip(
            self.tr("Rotate 90° clockwise (]; [ turns counter-clockwise)")
        )
        self.flip_h_button = self._tool("⇆", "flipHorizontal", self.flip_horizontal)
        self.flip_h_button.setToolTip(self.tr("Flip left–right") + key_label("flip_horizontal"))
        self.flip_v_button = self._tool("⇅", "flipVertical", self.flip_vertical)
        self.flip_v_button.setToolTip(self.tr("Flip top–bottom") + key_label("flip_vertical"))
        self.cine_button = QToolButton()
        self.cine_button.setText(self.tr("Play"))
        self.cine_button.setObjectName("cineButton")
        self.cine_button.setCheckable(True)
        self.cine_button.setToolTip(self.tr("Play the frames as a loop") + key_label("toggle_cine"))
        self.cine_button.toggled.connect(self.set_playing)
        self.fps_box = QSpinBox()
        self.fps_box.setObjectName("fpsBox")
        self.fps_box.setRange(1, 60)
        self.fps_box.setValue(25)
        self.fps_box.setSuffix(self.tr(" fps"))
        self.fps_box.setToolTip(self.tr("Cine frame rate"))
        self.fps_box.valueChanged.connect(self._fps_changed)
        self.cine_timer = QTimer(self)
        self.cine_timer.timeout.connect(self._next_frame)
        self.markers = {side: self._marker() for side in ("left", "right", "top", "bottom")}
        self.scale_bar = QFrame(self.graphics)
        # light bar in a dark rim: visible over a bright couch or an inverted image too
        self.scale_bar.setStyleSheet("background: #f0f0f0; border: 1px solid #000000;")
        self.scale_label = self._corner(Qt.AlignmentFlag.AlignHCenter)
        # zoom changes move the scale bar and the zoom figure
        self.view.sigRangeChanged.connect(lambda *_args: self._update_text())
        # Two short rows (display, then marks) keep two cells side by side within 1366 px.
        self.toolbar = QWidget()
        self.toolbar.setObjectName("viewerToolbar")
        rows = QVBoxLayout(self.toolbar)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        display = QHBoxLayout()
        display.setSpacing(3)
        display.addWidget(self.preset_box)
        display.addWidget(self.plane_box)
        for widget in (
            self.invert_button,
            self.rotate_button,
            self.flip_h_button,
            self.flip_v_button,
            self.actual_size_button,
            self.reset_button,
            self.cine_button,
            self.fps_box,
        ):
            display.addWidget(widget)
        display.addStretch(1)
        tools = QHBoxLayout()
        tools.setSpacing(3)
        for widget in (
            self.length_button,
            self.angle_button,
            self.roi_button,
            self.rect_button,
            self.arrow_button,
            self.delete_button,
            self.undo_button,
            self.clear_button,
            self.key_button,
        ):
            tools.addWidget(widget)
        tools.addStretch(1)
        rows.addLayout(display)
        rows.addLayout(tools)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.graphics, 1)
        self.setToolTip(
            self.tr(
                "Right-drag: window/level · wheel or ↑/↓: scroll · Ctrl+wheel: zoom · "
                "left-drag: pan, or the measuring tool held (L, G, E, B; Esc leaves it) · "
                "middle-drag or Space+left-drag: pan"
            )
        )

    # --- the cell's view state lives in a Qt-free model (workstation/session/cell.py) -------
    @property
    def index(self) -> int:
        """The slice on screen (display order)."""
        return self.view_state.index

    @index.setter
    def index(self, value: int) -> None:
        self.view_state.index = value

    @property
    def chosen_window(self) -> Window | None:
        """Her window; None: what the file asks for."""
        return self.view_state.window

    @chosen_window.setter
    def chosen_window(self, value: Window | None) -> None:
        self.view_state.window = value

    @property
    def inverted(self) -> bool:
        """Her inversion."""
        return self.view_state.inverted

    @inverted.setter
    def inverted(self, value: bool) -> None:
        self.view_state.inverted = value

    @property
    def quarter_turns(self) -> int:
        """Clockwise quarter turns of the view."""
        return self.view_state.quarter_turns

    @quarter_turns.setter
    def quarter_turns(self, value: int) -> None:
        self.view_state.quarter_turns = value

    @property
    def flipped(self) -> bool:
        """Mirrored left–right."""
        return self.view_state.flipped

    @flipped.setter
    def flipped(self, value: bool) -> None:
        self.view_state.flipped = value

    def _mode(self, text: str, name: str, kind: MarkKind) -> QToolButton:
        """A checkable tool button: checked while the tool is held."""
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.setCheckable(True)
        button.clicked.connect(lambda on: self.set_tool(kind if on else None))
        self.tool_buttons[kind] = button
        return button

    def _tool(self, text: str, name: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _marker(self) -> QLabel:
        label = self._corner(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(
            "color: #ffd54f; background: transparent; font-size: 13px; font-weight: bold;"
        )
        return label

    def _corner(
        self,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        vertical: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignTop,
    ) -> QLabel:
        label = OutlinedLabel(self.graphics)  # legible on bright radiographs too
        label.setStyleSheet("color: #e0e0e0; background: transparent; font-size: 11px;")
        label.setAlignment(align | vertical)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        return label

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        width, height = self.graphics.width(), self.graphics.height()
        self._update_text()
        self.message.setGeometry(0, height // 2 - 40, width, 80)
        self._update_overlay_geometry()

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
        self.set_tool(None)  # a tool held on the last study must not draw on the next
        for label in self.markers.values():
            label.clear()
        self.scale_bar.hide()
        self.scale_label.clear()
        self.mark_layer.remove_all()
        self.series.changed.disconnect(self._series_changed)
        self.series = SeriesStack()
        self.series.changed.connect(self._series_changed)
        self.slices = []
        self.plane = ()
        self.plane_chosen = False
        self.loaded_images = 0
        self.plane_box.hide()
        self.index = 0
        self.navigated = False
        self._needs_fit = True
        self._waiting_shown = False
        self.chosen_window = None
        self.view_state.state_steps, self.view_state.state_voi = None, None
        self.view_state.state_images = frozenset()
        self.fallback_window = None
        self.probe_text = ""  # the last image's pixel readout must not stay on the next
        self.view_state.source = None  # nor the last study's source
        self.expected = 0
        self.image_item.clear()
        self.overlay_item.clear()
        self._stored_on_screen = None
        for label in (self.top_left, self.top_right, self.bottom_left, self.bottom_right):
            label.clear()
        self.preset_box.clear()
        self._display_key = None
        self.show_message(message)
        self.emptied.emit()

    def show_message(self, text: str) -> None:
        """A message over the image area (loading, errors)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def expect(self, count: int) -> None:
        """How many images the series will have (for the progress in the corner)."""
        self.expected = count

    def expect_instances(self, instances: Iterable[tuple[str, int]]) -> None:
        """The series' instances as listed (SOP Instance UID, InstanceNumber), before their
        pixels: from the first image on, the stack covers the whole series, a place waiting
        for each slice still to come (see ``finish_loading``)."""
        listed = list(instances)
        self.expected = len(listed)
        self.series.expect(listed)

    def finish_loading(self) -> None:
        """Nothing more arrives (complete, failed or cancelled): the places still waiting
        go, and she stays at the nearest slice."""
        self.series.finish()

    @property
    def stacks(self) -> dict[Plane, list[Slice]]:
        """The arrived slices of each plane of the series (the model's; do not change)."""
        return self.series.planes

    def _entry(self) -> Entry | None:
        return self.slices[self.index] if 0 <= self.index < len(self.slices) else None

    def entry_uid(self) -> str | None:
        """The SOP Instance UID of the place on screen, arrived or still waiting."""
        entry = self._entry()
        if entry is None:
            return None
        return entry.image.sop_instance_uid if isinstance(entry, Slice) else entry.sop_instance_uid

    def _series_changed(self) -> None:
        """The series' stacks changed (announced, an image arrived, loading ended): the
        stack on screen follows, and she stays on what she looks at; a place she waits on
        shows its image when it arrives."""
        if self._taking_in or not self.loaded_images:
            return  # the stack opens with its first image (placed by ``add_image``)
        before = self._entry()
        self.slices = self.series.stack(self.plane)
        if not self.slices and self._waiting_shown:
            self._waiting_shown = False  # nothing arrived and nothing will
            self.show_message("")
        if before is None:
            return
        index = self._index_of(before)
        if index is None:  # a waiting place that went: the nearest slice left
            self.index = min(self.index, max(len(self.slices) - 1, 0))
            self._show()
        elif index != self.index:
            self.index = index
            self._update_text()

    def _index_of(self, entry: Entry) -> int | None:
        """Where ``entry`` is in the stack on screen; a waiting place is found by its
        instance once that arrived (its first frame)."""
        for i, other in enumerate(self.slices):
            if other is entry:
                return i
        if isinstance(entry, Waiting):
            uid = entry.sop_instance_uid
            for i, other in enumerate(self.slices):
                if isinstance(other, Slice) and other.image.sop_instance_uid == uid:
                    return i
                if isinstance(other, Waiting) and other.sop_instance_uid == uid:
                    return i
        return None

    def _top_arrived(self) -> int:
        """The first arrived slice of the stack (0 when none did)."""
        return next((i for i, e in enumerate(self.slices) if isinstance(e, Slice)), 0)

    def _nearest_arrived(self, index: int) -> int:
        """The arrived slice nearest to ``index`` (``index`` when none did)."""
        arrived = [i for i, e in enumerate(self.slices) if isinstance(e, Slice)]
        return min(arrived, key=lambda i: (abs(i - index), i)) if arrived else index

    def add_image(self, image: DicomImage) -> None:
        """Insert an image (all its frames) at its place by geometry; the first image shows
        at once, later ones keep the current slice in view (until she moves, the stack shows
        its topmost slice arrived; a place she waits on shows its image as it arrives).
        Images in another plane than the stack on screen (a localizer inside an axial
        series) form their own stack."""
        first = self.loaded_images == 0
        self.loaded_images += 1
        before = self._entry()
        plane = orientation_key(image, 0)
        if first:
            self.plane = plane
        self._taking_in = True  # this method places her; the observer only re-lists
        try:
            self.series.add(image)
        finally:
            self._taking_in = False
        if (
            not first
            and plane != self.plane
            and not self.plane_chosen
            and self.series.arrived(plane) > self.series.arrived(self.plane)
        ):
            self._switch_plane(plane)  # follow the main stack until she picks one
            return
        self.slices = self.series.stack(self.plane)
        if not self.navigated:
            self.index = self._top_arrived()  # a stack opens at its top, as in any PACS
        else:
            found = self._index_of(before) if before is not None else None
            self.index = found if found is not None else min(self.index, len(self.slices) - 1)
        if first:
            self._fill_presets(image)
            if image.frames > 1 and image.frame_time_ms:
                self.fps_box.setValue(max(1, min(60, round(1000 / image.frame_time_ms))))
            self.preset_box.setEnabled(not image.is_color)
            self.quarter_turns, self.flipped = 0, False
            self.show_message("")
            self._show(fit=True)
        elif self._entry() is not before:
            self._show()
        else:
            self._update_text()
        if len(self.series.planes) > 1:  # one plane: the chooser stays hidden
            self._update_plane_box()

    def _plane_label(self, plane: tuple[float, ...]) -> str:
        names = {
            "axial": self.tr("Axial"),
            "coronal": self.tr("Coronal"),
            "sagittal": self.tr("Sagittal"),
            "oblique": self.tr("Oblique"),
        }
        name = names[plane_name(plane)] if len(plane) == 6 else self.tr("No geometry")
        return f"{name} ({len(self.series.stack(plane))})"

    def _update_plane_box(self) -> None:
        planes = list(self.series.planes)
        self.plane_box.blockSignals(True)
        self.plane_box.clear()
        for plane in planes:
            self.plane_box.addItem(self._plane_label(plane), plane)
        self.plane_box.setCurrentIndex(planes.index(self.plane) if self.plane in planes else -1)
        self.plane_box.blockSignals(False)
        self.plane_box.setVisible(len(planes) > 1)

    def _plane_picked(self, index: int) -> None:
        plane = self.plane_box.itemData(index)
        if plane is not None and plane in self.series.planes:
            self.plane_chosen = True
            self._switch_plane(plane)

    def _switch_plane(self, plane: tuple[float, ...]) -> None:
        """Show another stack of the series (each plane is its own stack)."""
        self.slices, self.plane = self.series.stack(plane), plane
        self.index = self._nearest_arrived(len(self.slices) // 2 if len(self.slices) > 2 else 0)
        self.quarter_turns, self.flipped = 0, False
        self._show(fit=True)
        self._update_plane_box()

    def _apply_file_window(self) -> None:
        """Draw with the file's presentation (her window was just dropped) and tell the
        synchronized cells."""
        self._render()
        self._update_text()
        effective = self.effective_window()
        if effective is not None:
            self.window_changed.emit(effective)

    # --- display ---------------------------------------------------------------------------
    def current(self) -> Slice | None:
        """The slice on screen; None when there is none or its place still waits for it
        (nothing can be measured or kept as a key image then)."""
        entry = self._entry()
        return entry if isinstance(entry, Slice) else None

    def _show(self, fit: bool = False) -> None:
        entry = self._entry()
        if isinstance(entry, Waiting):
            self._show_waiting()
            return
        current = self.current()
        if current is None:
            return
        if self._waiting_shown:
            self._waiting_shown = False
            self.show_message("")
        self._render()
        if fit or self._needs_fit:
            self._needs_fit = False
            self._apply_transform()
            self.view.autoRange(padding=0.0, items=[self.image_item])
        self._refresh_marks()
        self._update_text()
        self.index_changed.emit(self.index)

    def _show_waiting(self) -> None:
        """A place whose slice has not arrived: no image at all (never the last one shown),
        no marks, no corner text of another image, only which slice is coming."""
        self.image_item.clear()
        self.overlay_item.clear()
        self._stored_on_screen = None
        self._display_key = None
        self.probe_text = ""
        for label in (self.top_left, self.top_right, self.bottom_left, self.bottom_right):
            label.clear()
        for label in self.markers.values():
            label.clear()
        self.scale_bar.hide()
        self.scale_label.clear()
        self._refresh_marks()
        self._waiting_shown = True
        self.show_message(
            self.tr("Loading image %1 / %2…")
            .replace("%1", str(self.index + 1))
            .replace("%2", str(len(self.slices)))
        )
        self.index_changed.emit(self.index)

    def voi(self) -> Voi | None:
        """The VOI on screen: the doctor's window, else a shown presentation state's VOI LUT
        table, else the slice's own VOI from the file
        (VOI LUT or first window), else the series' full range; None for colour."""
        current = self.current()
        if current is None or current.image.is_color:
            return None
        if self.chosen_window is not None:
            return self.chosen_window
        table = self.view_state.state_on(current.image.sop_instance_uid)[1]
        if table is not None:
            return table
        image, frame = current.image, current.frame
        if image.voi_lut is not None or frame_windows(image, frame):
            return default_voi(image, frame)
        return self._series_full_range(current)

    def _series_full_range(self, current: Slice) -> Window:
        """The full range of the first slice that needed one, kept for the series (slices
        without a window of their own must not each get their own contrast). Computed only
        when a file gives no VOI, not on every first show."""
        if self.fallback_window is None:
            self.fallback_window = frame_full_range(current.image, current.frame)
        return self.fallback_window

    def effective_window(self) -> Window | None:
        """The window on screen as centre/width (a VOI LUT as the full range it spans)."""
        voi = self.voi()
        if voi is None or isinstance(voi, Window):
            return voi
        current = self.current()
        assert current is not None
        return self._series_full_range(current)

    def _render(self) -> None:
        """Draw the slice through the core's display chain: stored values reduced to screen
        resolution once per slice and zoom, then mapped by the chain's lookup table, so a
        window/level change maps only the pixels the screen shows."""
        current = self.current()
        if current is None:
            return
        image, frame = current.image, current.frame
        factor = 1 if image.is_color else self._screen_factor(image)
        key = (id(current), frame, factor)
        new_slice = key != self._display_key
        if image.is_color:
            grey = colour_frame(image, frame)
            self._stored_on_screen = None
        else:
            if new_slice or self._stored_on_screen is None:
                self._stored_on_screen = reduce_stored(image.pixels[frame], factor)
            voi = self.voi()
            assert voi is not None
            lut = self._grey_lut(image, frame, voi)
            stored = self._stored_on_screen
            grey = (
                apply_grey_lut(lut, stored)
                if lut is not None
                else grey_of(image, frame, stored, voi, self.inverted, self._state_steps(image))
            )
        self._display_key = key
        self.image_item.setLookupTable(None)
        self.image_item.setImage(grey, levels=None, autoLevels=False)  # Grayscale8 as is
        if new_slice:
            self._show_overlays(image, frame, factor)
            self._apply_transform()

    def _grey_lut(self, image: DicomImage, frame: int, voi: Voi) -> GreyLut | None:
        """The chain's table for this slice, reused while nothing that shapes it changes
        (scrolling a CT series keeps one table)."""
        key = (
            image.pixels.dtype.str,
            image.modality_lut,
            frame_rescale(image, frame),
            image.presentation_lut_shape,
            image.photometric,
            voi,
            self.inverted,
            self._state_steps(image),
        )
        if key != self._lut_key:
            steps = self._state_steps(image)
            self._lut_key, self._lut = key, grey_lut(image, frame, voi, self.inverted, steps)
        return self._lut

    def _show_overlays(self, image: DicomImage, frame: int, factor: int) -> None:
        """The frame's overlay planes (60xx), white, on a transparent layer above the image."""
        plane = overlay_plane(image, frame)
        if plane is None:
            self.overlay_item.clear()
            self.overlay_item.hide()
            return
        mask = reduce_mask(plane, factor)
        rgba = np.zeros((*mask.shape, 4), dtype=np.uint8)
        rgba[mask] = 255
        self.overlay_item.setImage(rgba, levels=(0, 255), autoLevels=False)
        self.overlay_item.show()

    def _screen_factor(self, image: DicomImage) -> int:
        (x0, x1), _ = self.view.viewRange()
        col_mm = image.pixel_spacing[1] if image.pixel_spacing else 1.0
        visible_columns = (x1 - x0) / col_mm
        return screen_factor(min(visible_columns, image.columns), self.view.width())

    def _view_resized(self) -> None:
        """The image area changed size (after the widget's own resize event): the screen copy
        and the scale bar depend on the view's new width."""
        self._zoom_changed()
        self._update_overlay_geometry()

    def magnification(self) -> float:
        """Screen pixels per image pixel along a row (1.0 without an image)."""
        current = self.current()
        if current is None:
            return 1.0
        (x0, x1), _ = self.view.viewRange()
        col_mm = current.image.pixel_spacing[1] if current.image.pixel_spacing else 1.0
        return float(self.view.width() / max((x1 - x0) / col_mm, 1e-6))

    def _zoom_changed(self) -> None:
        current = self.current()
        if current is None or self._display_key is None:
            return
        # magnified, pixels are interpolated (blocks of one grey read as structure); at or
        # below 1:1 the area mean of the screen copy already did the work
        smooth = self.magnification() > 1.0
        hint = QPainter.RenderHint.SmoothPixmapTransform
        if bool(self.graphics.renderHints() & hint) != smooth:
            self.graphics.setRenderHint(hint, smooth)
        if (
            not current.image.is_color
            and self._screen_factor(current.image) != self._display_key[2]
        ):
            self._render()

    def fit(self) -> None:
        """Fit the image to the cell (zoom and pan only)."""
        if self.current() is not None:
            self.view.autoRange(padding=0.0, items=[self.image_item])

    def set_window(self, window: Window) -> None:
        """Apply a window (modality units) and redraw."""
        self.chosen_window = window
        self._render()
        self._update_text()
        self._show_applied_window()
        self.window_changed.emit(window)

    def _state_steps(self, image: DicomImage) -> StateSteps | None:
        """The shown presentation state's steps for ``image`` (None: its own)."""
        return self.view_state.state_on(image.sop_instance_uid)[0]

    def set_state_steps(
        self,
        steps: StateSteps | None,
        voi: Lut | None = None,
        images: frozenset[str] = frozenset(),
    ) -> None:
        """A shown presentation state's steps and VOI LUT table for the cell's ``images``
        (SOP Instance UIDs; None: the images' own again); redraws when they change."""
        state = self.view_state
        if (steps, voi, images) == (state.state_steps, state.state_voi, state.state_images):
            return
        state.state_steps, state.state_voi, state.state_images = steps, voi, images
        self._render()
        self._update_text()

    def use_window(self, window: Window | None) -> None:
        """Apply ``window`` (modality units), or None: the file's own window again."""
        if window is not None:
            self.set_window(window)
            return
        self.chosen_window = None
        self._apply_file_window()
        self._show_applied_window()

    def set_inverted(self, inverted: bool) -> None:
        """Invert grey levels on top of the photometric interpretation."""
        self.inverted = inverted
        self._render()

    def _drag_window(self, dy: float, dx: float) -> None:
        start = self.effective_window()
        if start is None:
            return
        scale = max(start.width, 10.0) / 300.0
        width = max(1.0, start.width + dx * scale)
        # The same gesture brightens every film: where low values show white (MONOCHROME1,
        # or her inversion) the centre moves the other way.
        current = self.current()
        inverts = (
            current is not None
            and state_inverts(current.image, self._state_steps(current.image)) != self.inverted
        )
        center = start.center + (dy if inverts else -dy) * scale
        self.set_window(Window(center, width, start.function, ""))

    def step(self, delta: int) -> None:
        """Move ``delta`` slices/frames, clamped at the ends."""
        if not self.slices:
            return
        new = min(max(self.index + delta, 0), len(self.slices) - 1)
        if new != self.index:
            self.index = new
            self.navigated = True
            self._show()

    def go_to(self, index: int) -> None:
        """Show slice ``index``."""
        if self.slices:
            self.index = min(max(index, 0), len(self.slices) - 1)
            self.navigated = True
            self._show()

    def reset(self) -> None:
        """Restore the file's window, no inversion, no rotation or flip, fit to the cell."""
        current = self.current()
        if current is None:
            return
        self.chosen_window = None
        self.quarter_turns, self.flipped = 0, False
        self.invert_button.setChecked(False)
        self._show(fit=True)
        self._show_applied_window()

    # --- rotation and flips --------------------------------------------------------------------
    def _transform(self) -> ViewTransform:
        current = self.current()
        if current is None:
            return ViewTransform(1.0, 1.0)
        image = current.image
        row_mm, col_mm = image.pixel_spacing or (1.0, 1.0)
        return ViewTransform(
            image.columns * col_mm, image.rows * row_mm, self.quarter_turns, self.flipped
        )

    def _set_transform(self, transform: ViewTransform) -> None:
        self.quarter_turns, self.flipped = transform.quarter_turns, transform.flipped
        self._apply_transform()
        self.view.autoRange(padding=0.0, items=[self.image_item])
        self._refresh_marks()
        self._update_text()

    def rotate_clockwise(self) -> None:
        """Turn the image 90° clockwise on screen (marks turn with it)."""
        if self.current() is not None:
            self._set_transform(self._transform().rotated_clockwise())

    def rotate_counterclockwise(self) -> None:
        """Turn the image 90° counter-clockwise on screen."""
        if self.current() is not None:
            self._set_transform(self._transform().rotated_counterclockwise())

    def flip_horizontal(self) -> None:
        """Mirror the image left–right on screen."""
        if self.current() is not None:
            self._set_transform(self._transform().flipped_horizontally())

    def flip_vertical(self) -> None:
        """Mirror the image top–bottom on screen."""
        if self.current() is not None:
            self._set_transform(self._transform().flipped_vertically())

    def _apply_transform(self) -> None:
        """Place the displayed array (maybe downsampled) in view coordinates: pixel → image
        mm → turned and mirrored view."""
        if self.current() is None:
            return
        transform = self._transform()
        a, b, c, d, e, f = transform.affine()
        for item in (self.image_item, self.overlay_item):
            shown = item.image
            if shown is None:
                continue
            sx = transform.width / max(shown.shape[1], 1)
            sy = transform.height / max(shown.shape[0], 1)
            item.setTransform(QTransform(a * sx, d * sx, b * sy, e * sy, c, f))

    def actual_size(self) -> None:
        """Zoom so that one image pixel covers one screen pixel, around the view's centre."""
        current = self.current()
        if current is None:
            return
        row_mm, col_mm = current.image.pixel_spacing or (1.0, 1.0)
        if self.quarter_turns % 2:
            row_mm, col_mm = col_mm, row_mm
        (x0, x1), (y0, y1) = self.view.viewRange()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_w = self.view.width() * col_mm / 2
        half_h = self.view.height() * row_mm / 2
        self.view.setRange(
            xRange=(cx - half_w, cx + half_w), yRange=(cy - half_h, cy + half_h), padding=0
        )
        self.zoomed_by_user.emit()

    def image_view_size(self) -> tuple[float, float]:
        """Width and height of the image on screen in view millimetres, after turns."""
        return self._transform().view_size

    def screen_size(self) -> tuple[int, int]:
        """Width and height of the image area in screen pixels."""
        return int(self.view.width()), int(self.view.height())

    def set_window_button(self, choice: str) -> None:
        """Which mouse button drags window/level: "right" (the middle button then pans) or
        "middle"."""
        middle, right = Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton
        self.view.window_buttons = (middle,) if choice == "middle" else (right,)

    def _probe(self, scene_pos: QPointF) -> None:
        """The modality value under the mouse (HU for CT), shown in the lower left corner."""
        current = self.current()
        if current is None or current.image.is_color:
            return
        image = current.image
        point = self.view.mapSceneToView(scene_pos)
        x_mm, y_mm = self._transform().to_image(point.x(), point.y())
        row_mm, col_mm = image.pixel_spacing or (1.0, 1.0)
        row, col = int(y_mm // row_mm), int(x_mm // col_mm)
        if not (0 <= row < image.rows and 0 <= col < image.columns):
            text = ""
        else:
            pixel = image.pixels[current.frame][row : row + 1, col : col + 1]
            value = float(to_modality(image, current.frame, pixel)[0, 0])
            unit = " HU" if image.modality == "CT" else ""
            text = f"({col}, {row})  {value:.0f}{unit}"
        if text != self.probe_text:
            self.probe_text = text
            self._update_text()

    def mark_key_image(self) -> None:
        """Emit the view as she sees it (window/level, marks, corner text) as a PNG."""
        current = self.current()
        if current is None:
            return
        # The cursor readout means nothing on paper: the key image is grabbed without it.
        probe, self.probe_text = self.probe_text, ""
        self._update_text()
        pixmap = self.graphics.grab()
        self.probe_text = probe
        self._update_text()
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
                    self._window_text(image),  # the window, never the cursor readout
                    self.view_changes_text(),
                    *self.mark_texts(),
                ],
            )
        )
        self.key_image_marked.emit(bytes(buffer.data().data()), caption, mm_per_pixel)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Keys from the one keyboard map (ui/viewer_keys.py); 1–9 choose a preset. Space
        acts on release: held while dragging, it pans instead of playing cine."""
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Space and not ctrl:
            if not event.isAutoRepeat():
                self._space_pressed, self._space_panned = True, False
                self.view.space_held = True
            return
        binding = binding_for(key, ctrl, shift)
        if binding is not None:
            getattr(self, binding.action)()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not ctrl:
            self.choose_preset(key - Qt.Key.Key_1 + 1)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            pressed, panned = self._space_pressed, self._space_panned
            self._space_pressed = self._space_panned = False
            self.view.space_held = False
            if pressed and not panned:
                self.toggle_cine()
            return
        super().keyReleaseEvent(event)

    def _space_used(self) -> None:
        if self._space_pressed:
            self._space_panned = True

    # --- actions of the keyboard map -------------------------------------------------------
    def previous_slice(self) -> None:
        """One slice back."""
        self.step(-1)

    def next_slice(self) -> None:
        """One slice on."""
        self.step(1)

    def nudge_up(self) -> None:
        """This cell alone one slice back (the grid corrects its sync offset)."""
        self.nudged.emit(-1)

    def nudge_down(self) -> None:
        """This cell alone one slice on."""
        self.nudged.emit(1)

    def set_sync_text(self, text: str, short: str = "") -> None:
        """The grid's word on this cell's registration ("Synced, offset +3.0 mm …"), and
        its short form for a small cell ("Synced +3.0 mm")."""
        if (text, short) != (self.sync_text, self.sync_short):
            self.sync_text, self.sync_short = text, short
            self._update_text()

    def back_ten(self) -> None:
        """Ten slices back."""
        self.step(-10)

    def forward_ten(self) -> None:
        """Ten slices on."""
        self.step(10)

    def first_slice(self) -> None:
        """The first slice."""
        self.go_to(0)

    def last_slice(self) -> None:
        """The last slice."""
        self.go_to(len(self.slices) - 1)

    def toggle_invert(self) -> None:
        """Invert grey levels, or undo it."""
        self.invert_button.toggle()

    def toggle_annotations(self) -> None:
        """Hide the corner text, letters, scale bar and marks, or show them again."""
        self.set_annotations_visible(not self.annotations_visible)

    def toggle_cine(self) -> None:
        """Play or pause cine."""
        self.cine_button.toggle()
