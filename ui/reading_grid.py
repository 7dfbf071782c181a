"""Image cells in a grid (1×1 up to 2×3): one toolbar for the active cell, series dropped
into any cell, and synchronized scrolling by slice position, window/level and zoom."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.reading_theme import dark_popup
from ui.series_strip import SeriesDropTarget
from ui.viewer import ImageViewer, Slice
from workstation.imaging.alignment import Basis, StackExtent, stack_extent
from workstation.imaging.frames import frame_orientation
from workstation.imaging.geometry import normal
from workstation.imaging.presets import WindowPreset
from workstation.imaging.sync import beyond_stack, nearest_slice, zoom_like
from workstation.imaging.voi import Window
from workstation.session.slice_sync import REFERENCE, SliceSync

LAYOUTS: tuple[tuple[int, int], ...] = ((1, 1), (1, 2), (2, 1), (2, 2), (2, 3))
MAX_CELLS = max(rows * columns for rows, columns in LAYOUTS)
_ACTIVE = "QFrame#cellFrame { border: 2px solid #42a5f5; }"
_IDLE = "QFrame#cellFrame { border: 2px solid #2b2b2b; }"


class ReadingGrid(QWidget):
    """Emits ``series_dropped(cell, series index)`` and ``layout_changed(cell count)``."""

    series_dropped = Signal(int, int)
    layout_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, slice_sync: SliceSync | None = None) -> None:
        super().__init__(parent)
        # which cells scroll together, and their offsets: a Qt-free model
        self.slice_sync = slice_sync or SliceSync()
        self.cells = [ImageViewer() for _ in range(MAX_CELLS)]
        self.frames: list[QFrame] = []
        self.toolbars = QStackedWidget()
        self.toolbars.setObjectName("cellToolbars")
        self._drops: list[SeriesDropTarget] = []
        self._syncing = False
        self.active = 0
        self.shape = (1, 1)
        self.solo: int | None = None  # a cell shown alone (double-click), layout kept
        for index, cell in enumerate(self.cells):
            cell.setObjectName("viewer" if index == 0 else f"viewer{index + 1}")
            cell_layout = cell.layout()
            assert cell_layout is not None  # the viewer lays out its toolbar and view
            cell_layout.removeWidget(cell.toolbar)
            self.toolbars.addWidget(cell.toolbar)
            frame = QFrame()
            frame.setObjectName("cellFrame")
            frame.setStyleSheet(_IDLE)
            box = QVBoxLayout(frame)
            box.setContentsMargins(2, 2, 2, 2)
            box.addWidget(cell)
            self.frames.append(frame)
            drop = SeriesDropTarget(cell)
            drop.dropped.connect(lambda series, i=index: self.series_dropped.emit(i, series))
            self._drops.append(drop)
            cell.graphics.viewport().installEventFilter(self)
            cell.index_changed.connect(lambda _n, i=index: self._sync_slices_from(i))
            cell.nudged.connect(lambda delta, i=index: self.nudge(i, delta))
            cell.emptied.connect(lambda i=index: self.slice_sync.remove(i))
            cell.window_changed.connect(lambda w, i=index: self._sync_window_from(i, w))
            cell.zoomed_by_user.connect(lambda i=index: self._sync_zoom_from(i))

        self.layout_box = dark_popup(QComboBox())
        self.layout_box.setObjectName("layoutBox")
        self.layout_box.setToolTip(
            self.tr(
                "Cells side by side; drag a series into any cell; double-click a cell to show it alone"
            )
        )
        for rows, columns in LAYOUTS:
            self.layout_box.addItem(f"{rows}×{columns}", (rows, columns))
        self.layout_box.activated.connect(lambda i: self.set_layout(*self.layout_box.itemData(i)))
        self.sync_scroll = QCheckBox(self.tr("Sync slices"))
        self.sync_scroll.setToolTip(
            self.tr(
                "Scroll all cells together. A prior from another hospital opens at the "
                "corresponding slice but untied: check it, align by eye if needed, then tick. "
                "Shift+↑/↓ or Shift+wheel moves one cell alone to correct the offset."
            )
        )
        self.sync_window = QCheckBox(self.tr("Sync W/L"))
        self.sync_zoom = QCheckBox(self.tr("Sync zoom"))
        for check in (self.sync_scroll, self.sync_window, self.sync_zoom):
            check.setChecked(True)
        self.sync_scroll.toggled.connect(self._sync_toggled)
        self.slice_sync.changed.connect(self._sync_model_changed)

        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(0)
        self.sync_bar = QHBoxLayout()
        self.sync_bar.addWidget(QLabel(self.tr("Layout")))
        self.sync_bar.addWidget(self.layout_box)
        for check in (self.sync_scroll, self.sync_window, self.sync_zoom):
            self.sync_bar.addWidget(check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbars)
        layout.addLayout(self.grid, 1)
        self._place()
        self.activate(0)

    # --- layout ------------------------------------------------------------------------------
    def set_layout(self, rows: int, columns: int) -> None:
        """Show ``rows`` × ``columns`` cells (the others keep their images, hidden)."""
        self.shape = (rows, columns)
        self.solo = None
        index = next((i for i, shape in enumerate(LAYOUTS) if shape == (rows, columns)), -1)
        self.layout_box.setCurrentIndex(index)
        self._place()
        if self.active >= rows * columns:
            self.activate(0)
        self.layout_changed.emit(rows * columns)

    def ensure_cells(self, count: int) -> None:
        """Switch to the smallest layout with at least ``count`` cells, if fewer show."""
        if len(self.visible_cells()) < count:
            rows, columns = next((s for s in LAYOUTS if s[0] * s[1] >= count), LAYOUTS[-1])
            self.set_layout(rows, columns)

    def _place(self) -> None:
        rows, columns = self.shape
        count = rows * columns
        for index, frame in enumerate(self.frames):
            self.grid.removeWidget(frame)
            if index >= count:
                frame.hide()  # a hidden view collapses its range; only the unused ones
        for index in range(count):
            self.grid.addWidget(self.frames[index], index // columns, index % columns)
            self.frames[index].show()
            cell = self.cells[index]
            if not cell.slices and not cell.message.text():
                cell.show_message(self.tr("Drag a series here from the strip"))
        for row in range(2):
            self.grid.setRowStretch(row, 1 if row < rows else 0)
        for column in range(3):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        QTimer.singleShot(0, self._fit_cells)  # once the cells have their new sizes

    def _fit_cells(self) -> None:
        for cell in self.visible_cells():
            if cell.isVisible():
                cell.fit()

    def toggle_solo(self, index: int) -> None:
        """Show one cell alone in the whole image area, or go back to the layout."""
        if self.solo is not None or self.shape == (1, 1):
            self.solo = None
            self._place()
            return
        self.solo = index
        for i, frame in enumerate(self.frames):
            self.grid.removeWidget(frame)
            if i != index:
                frame.hide()
        self.grid.addWidget(self.frames[index], 0, 0, 2, 3)
        QTimer.singleShot(0, self._fit_cells)

    def visible_cells(self) -> list[ImageViewer]:
        """The cells of the current layout, row by row."""
        rows, columns = self.shape
        return self.cells[: rows * columns]

    # --- active cell -------------------------------------------------------------------------
    def activate(self, index: int) -> None:
        """Make a cell the one the toolbar (and a click on the series strip) acts on."""
        self.active = index
        self.toolbars.setCurrentWidget(self.cells[index].toolbar)
        for i, frame in enumerate(self.frames):
            frame.setStyleSheet(_ACTIVE if i == index and self.shape != (1, 1) else _IDLE)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            index = next(
                (i for i, cell in enumerate(self.cells) if watched is cell.graphics.viewport()),
                None,
            )
            if index is not None and kind == QEvent.Type.MouseButtonDblClick:
                self.toggle_solo(index)
            elif index is not None and index != self.active:
                self.activate(index)
                self.cells[index].setFocus()
        return False

    # --- settings for every cell ---------------------------------------------------------
    def set_window_presets(self, presets: Sequence[WindowPreset]) -> None:
        """The user's window presets, in every cell."""
        for cell in self.cells:
            cell.set_presets(presets)

    def set_window_button(self, choice: str) -> None:
        """Which mouse button drags window/level, in every cell."""
        for cell in self.cells:
            cell.set_window_button(choice)

    def clear(self) -> None:
        """Empty every cell and go back to one cell."""
        for cell in self.cells:
            cell.clear()
        self.slice_sync.clear()
        self.set_layout(1, 1)

    # --- synchronization ---------------------------------------------------------------------
    def _partners(self, source: int) -> list[int]:
        return [
            i
            for i, cell in enumerate(self.visible_cells())
            if i != source and cell.slices and cell.isVisible()
        ]

    def _extent(self, index: int) -> StackExtent | None:
        """The stack of a cell as the alignment sees it (None: no slice positions)."""
        arrived = [s for s in self.cells[index].slices if isinstance(s, Slice)]
        if not arrived:
            return None
        first = arrived[0]
        orientation = frame_orientation(first.image, first.frame)
        if orientation is None:
            return None
        try:
            direction = normal(orientation)
        except ValueError:
            return None
        return stack_extent(
            [s.position for s in arrived],
            direction,
            first.image.frame_of_reference_uid,
            first.image.body_part,
        )

    def _position(self, index: int) -> float | None:
        current = self.cells[index].current()
        return current.position if current is not None else None

    def stack_complete(self, index: int) -> None:
        """A cell's download finished: register its stack for synchronized scrolling. The
        reference cell (the current study) re-registers the others; any other cell opens at
        the slice corresponding to the reference's (tied only when the two share a Frame of
        Reference, see workstation.session.slice_sync)."""
        extent = self._extent(index)
        if extent is None:
            self.slice_sync.remove(index)
            return
        if index == REFERENCE:
            self.slice_sync.set_reference(extent)
            extents = {i: e for i in range(1, MAX_CELLS) if (e := self._extent(i)) is not None}
        else:
            extents = {index: extent}
            self._window_like_reference(index)
        for other, other_extent in extents.items():
            wanted = self.slice_sync.register(other, other_extent, self._position(REFERENCE))
            cell = self.cells[other]
            if wanted is None or cell.navigated:
                continue  # a prior she moved herself while it loaded stays where she put it
            best = nearest_slice([s.position for s in cell.slices], wanted)
            if best is not None:
                self._syncing = True
                try:
                    cell.go_to(best)
                finally:
                    self._syncing = False

    def _sync_toggled(self, on: bool) -> None:
        """She ticked "Sync slices": the cells are aligned as they are now."""
        if on:
            positions = {
                i: p
                for i in range(len(self.visible_cells()))
                if (p := self._position(i)) is not None
            }
            self.slice_sync.tie(positions)
        else:
            self.slice_sync.untie()

    def _sync_model_changed(self) -> None:
        if self.sync_scroll.isChecked() != self.slice_sync.enabled:
            self.sync_scroll.blockSignals(True)
            self.sync_scroll.setChecked(self.slice_sync.enabled)
            self.sync_scroll.blockSignals(False)
        self.show_sync_texts()

    def sync_text(self, index: int, short: bool = False) -> str:
        """What a cell's corner says about its registration to the current study ("" for
        the reference cell, or when fewer than two cells show a stack); ``short`` for a
        small cell."""
        if index == REFERENCE:
            return ""
        if self.slice_sync.extent(index) is None:
            loading = self.cells[index].series.waiting > 0
            if not loading or not self.cells[REFERENCE].slices:
                return ""
            return self.tr("Not synced (loading)") if short else self.tr("Not synced while loading")
        if self.slice_sync.extent(REFERENCE) is None:
            return ""
        offset = self.slice_sync.offset(index)
        if not self.slice_sync.enabled or offset is None:
            return self.tr("Not synced") if short else self.tr("Slices not synced")
        position = self._position(REFERENCE)
        wanted = None if position is None else self.slice_sync.follow(REFERENCE, position, index)
        if wanted is not None and beyond_stack(
            [s.position for s in self.cells[index].slices], wanted
        ):
            # tied, but the current scan reaches where this one has no slice: its nearest
            # slice shows other anatomy
            return (
                self.tr("Beyond range")
                if short
                else self.tr("Synced, but beyond this scan's range")
            )
        if short:
            return self.tr("Synced %1 mm").replace("%1", f"{offset:+.1f}")
        basis = self.slice_sync.basis(index)
        why = {
            Basis.FRAME_OF_REFERENCE: self.tr("same frame of reference"),
            Basis.EXTENT: self.tr("matched by scan range"),
            Basis.BODY_PART: self.tr("matched by body part"),
            Basis.USER: self.tr("aligned by you"),
        }
        return (
            self.tr("Synced, offset %1 mm (%2)")
            .replace("%1", f"{offset:+.1f}")
            .replace("%2", why[basis] if basis is not None else "")
        )

    def show_sync_texts(self) -> None:
        """Every cell's corner says again how it is registered (also when a download
        began)."""
        for index, cell in enumerate(self.cells):
            cell.set_sync_text(self.sync_text(index), self.sync_text(index, short=True))

    def nudge(self, index: int, delta: int) -> None:
        """Move one cell alone by ``delta`` slices (Shift+↑/↓, Shift+wheel): with scrolling
        tied, this corrects its offset to the others."""
        cell = self.cells[index]
        before = self._position(index)
        self._syncing = True
        try:
            cell.step(delta)
        finally:
            self._syncing = False
        after = self._position(index)
        if self.slice_sync.enabled and before is not None and after is not None:
            self.slice_sync.nudge(index, after - before)

    def _sync_slices_from(self, source: int) -> None:
        if self._syncing:
            return
        position = self._position(source)
        if position is None:
            return
        self._syncing = True
        try:
            for target in self._partners(source):
                wanted = self.slice_sync.follow(source, position, target)
                if wanted is None:
                    continue
                cell = self.cells[target]
                best = nearest_slice([s.position for s in cell.slices], wanted)
                if best is not None:
                    cell.go_to(best)
        finally:
            self._syncing = False
        self.show_sync_texts()  # a prior may now lie beyond its range, or back within

    def _window_like_reference(self, index: int) -> None:
        """A prior that arrives while "Sync W/L" is ticked opens at the current study's
        window (same modality only): ticked must mean she compares at one window."""
        reference = self.cells[REFERENCE].voi()
        if (
            self.sync_window.isChecked()
            and isinstance(reference, Window)
            and self._modality(index) == self._modality(REFERENCE)
        ):
            self._syncing = True
            try:
                self.cells[index].set_window(reference)
            finally:
                self._syncing = False

    def _sync_window_from(self, source: int, window: Window) -> None:
        if self._syncing or not self.sync_window.isChecked():
            return
        modality = self._modality(source)
        self._syncing = True
        try:
            for target in self._partners(source):
                if self._modality(target) == modality:  # HU windows mean nothing on MR
                    self.cells[target].set_window(window)
        finally:
            self._syncing = False

    def _sync_zoom_from(self, source: int) -> None:
        """She zoomed or panned one cell: the others of the same modality follow at the same
        physical scale and relative place (a fit when a study opens is not propagated)."""
        if self._syncing or not self.sync_zoom.isChecked():
            return
        cell = self.cells[source]
        (x0, x1), (y0, y1) = cell.view.viewRange()
        modality = self._modality(source)
        self._syncing = True
        try:
            for target in self._partners(source):
                if self._modality(target) != modality:
                    continue
                other = self.cells[target]
                x_range, y_range = zoom_like(
                    ((x0, x1), (y0, y1)),
                    cell.image_view_size(),
                    cell.screen_size(),
                    other.image_view_size(),
                    other.screen_size(),
                )
                other.view.setRange(xRange=x_range, yRange=y_range, padding=0)
        finally:
            self._syncing = False

    def _modality(self, index: int) -> str:
        current = self.cells[index].current()
        return current.image.modality if current is not None else ""
