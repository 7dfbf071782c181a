"""What the viewer writes over the image: corner text (patient, study, slice, window,
zoom, calibration), orientation letters and the scale bar, all hidden together on request.
A part of ``ImageViewer`` (ui/viewer.py)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QLabel

from ui.source_names import source_name
from ui.timeline_cells import fit_pair
from workstation.imaging.calibration import CalibrationSource
from workstation.imaging.decode import DicomImage
from workstation.imaging.display import Voi
from workstation.imaging.frames import frame_orientation
from workstation.imaging.geometry import orientation_letter
from workstation.imaging.overlay_layout import TextLevel, overlay_layout, text_level
from workstation.imaging.view_transform import ViewTransform
from workstation.imaging.voi import Window
from workstation.session.cell import CellView

if TYPE_CHECKING:
    import pyqtgraph as pg

    from ui.viewer import Slice
    from workstation.session.cell import CellView
    from workstation.session.series_stack import Entry


class CornerText:
    """Corner text, orientation letters and scale bar of one cell. Texts are in the
    ImageViewer translation context."""

    graphics: pg.GraphicsView
    view: pg.ViewBox
    view_state: CellView
    top_left: QLabel
    top_right: QLabel
    bottom_left: QLabel
    bottom_right: QLabel
    markers: dict[str, QLabel]
    scale_bar: QFrame
    scale_label: QLabel
    annotations_visible: bool
    slices: list[Entry]
    index: int
    loaded_images: int
    expected: int
    probe_text: str
    sync_text: str
    sync_short: str
    _overlay_font = 0  # the corner texts' font size now set (px)
    quarter_turns: int
    flipped: bool

    def current(self) -> Slice | None:  # provided by ImageViewer
        raise NotImplementedError

    def voi(self) -> Voi | None:  # provided by ImageViewer
        raise NotImplementedError

    def _transform(self) -> ViewTransform:  # provided by ImageViewer
        raise NotImplementedError

    def magnification(self) -> float:  # provided by ImageViewer
        raise NotImplementedError

    def _refresh_marks(self) -> None:  # provided by MarkTools
        raise NotImplementedError

    def _corner_state_changed(self, field: str) -> None:
        if field == "source":
            self._update_text()

    def source_text(self) -> str:
        """The source of the study on screen as the timeline names it ("患者自带", a
        platform's or PACS's name); "" while the patient's results have one source."""
        source = self.view_state.source
        return source_name(source) if source is not None else ""

    def source_line(self) -> str:
        """ "来源：患者自带" while a source is named, else ""."""
        source = self.source_text()
        if not source:
            return ""
        return QCoreApplication.translate("ImageViewer", "Source: %1").replace("%1", source)

    def text_level(self) -> TextLevel:
        """How much corner text the image area has room for."""
        return text_level(self.graphics.width(), self.graphics.height())

    def compact(self) -> bool:
        """True when the cell is too small for the full corner text."""
        return self.text_level() is not TextLevel.FULL

    def _update_overlay_geometry(self) -> None:
        width, height = self.graphics.width(), self.graphics.height()
        layout = overlay_layout(width, height)
        if layout.font_px != self._overlay_font:
            self._overlay_font = layout.font_px
            for label in (self.top_left, self.top_right, self.bottom_left, self.bottom_right):
                label.setStyleSheet(
                    f"color: #e0e0e0; background: transparent; font-size: {layout.font_px}px;"
                )
        for side, rect in layout.markers.items():
            self.markers[side].setGeometry(*rect)
        for name, rect in layout.corners.items():
            label = getattr(self, name)
            assert isinstance(label, QLabel)
            label.setGeometry(*rect)
        current = self.current()
        if (
            current is None
            or current.image.pixel_spacing is None
            or layout.scale_bar is None
            or layout.scale_label is None
            or not self.annotations_visible
        ):
            self.scale_bar.hide()
            self.scale_label.clear()
            return
        (x0, x1), _ = self.view.viewRange()
        px_per_mm = self.view.width() / max(x1 - x0, 1e-6)
        room = layout.scale_bar[2]
        length_mm = next((mm for mm in (100, 50, 20, 10, 5, 2, 1) if mm * px_per_mm <= room), 1)
        bar = max(min(int(length_mm * px_per_mm), room), 1)
        _x, bar_y, _w, bar_h = layout.scale_bar
        self.scale_bar.setGeometry(width // 2 - bar // 2, bar_y, bar, bar_h)
        self.scale_bar.show()
        self.scale_label.setText(f"{length_mm} mm")
        self.scale_label.setGeometry(*layout.scale_label)

    def _update_markers(self, current: Slice) -> None:
        image = current.image
        orientation = frame_orientation(image, current.frame) or image.projection_orientation
        if orientation is None or not self.annotations_visible:
            for label in self.markers.values():
                label.clear()
            return
        row, col = orientation[:3], orientation[3:]
        transform = self._transform()
        for side, screen in (
            ("right", (1, 0)),
            ("left", (-1, 0)),
            ("bottom", (0, 1)),
            ("top", (0, -1)),
        ):
            along_row, down_column = transform.image_direction(*screen)
            direction = tuple(
                along_row * r + down_column * c for r, c in zip(row, col, strict=True)
            )
            self.markers[side].setText(orientation_letter(direction))

    def view_changes_text(self) -> str:
        """How the image on screen differs from how the file presents it ("mirrored left–
        right", "rotated 90°"), "" when it does not: a mirrored chest film must never pass
        for a patient with dextrocardia."""
        parts = []
        if self.flipped:
            parts.append(QCoreApplication.translate("ImageViewer", "mirrored left–right"))
        if self.quarter_turns:
            parts.append(
                QCoreApplication.translate("ImageViewer", "rotated %1°").replace(
                    "%1", str(90 * self.quarter_turns)
                )
            )
        return " · ".join(parts)

    def _window_text(self, image: DicomImage) -> str:
        """ "W … L …" of the window on screen; "" for colour images or before one is set."""
        voi = self.voi()
        if voi is None or image.is_color:
            return ""
        if not isinstance(voi, Window):
            if voi is self.view_state.state_on(image.sop_instance_uid)[1]:
                return QCoreApplication.translate("ImageViewer", "VOI LUT (presentation state)")
            return QCoreApplication.translate("ImageViewer", "VOI LUT (file)")
        return (
            QCoreApplication.translate("ImageViewer", "W %1  L %2")
            .replace("%1", f"{voi.width:.0f}")
            .replace("%2", f"{voi.center:.0f}")
        )

    def set_annotations_visible(self, visible: bool) -> None:
        """Show or hide everything drawn over the pixels (corner text, orientation letters,
        scale bar, marks): hidden, the cell shows exactly the display chain's pixels."""
        self.annotations_visible = visible
        for label in (self.top_left, self.top_right, self.bottom_left, self.bottom_right):
            label.setVisible(visible)
        for label in (*self.markers.values(), self.scale_label):
            label.setVisible(visible)
        self.scale_bar.setVisible(visible)
        self._refresh_marks()
        self._update_text()

    def _sync_line(self) -> str:
        """The sync state in the words that fit the top-right corner (the long form names
        why the cells are thought aligned; the short one keeps the offset)."""
        fits = self.top_right.fontMetrics().horizontalAdvance(self.sync_text)
        return self.sync_text if fits <= self.top_right.width() else self.sync_short

    def _update_text(self) -> None:
        current = self.current()
        if current is None:
            return
        image = current.image
        self._update_markers(current)
        self._update_overlay_geometry()
        date = image.study_date
        if len(date) == 8:
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        level = self.text_level()
        if level is not TextLevel.FULL:
            # a small cell (2×3, a laptop): which study, which image, which window, in as
            # many lines as there is room for; a mirrored or turned view always says so
            counter = f"{self.index + 1}/{len(self.slices)}"
            window = self._window_text(image)
            source = self.source_text()
            if level is TextLevel.COMPACT:
                # hospital · source on one line, the start of both kept (as the timeline)
                where = fit_pair(
                    image.institution,
                    source,
                    self.top_left.fontMetrics(),
                    self.top_left.contentsRect().width(),
                )
                self.top_left.setText("\n".join(filter(None, [date, where])))
                self.top_right.setText("\n".join(filter(None, [counter, self._sync_line()])))
                self.bottom_left.setText("\n".join(filter(None, [self.probe_text, window])))
            elif level is TextLevel.MINIMAL:
                # no hospital here: "来源：" says the name is not one
                labelled = self.source_line()
                labelled = self.top_left.fontMetrics().elidedText(
                    labelled, Qt.TextElideMode.ElideRight, self.top_left.contentsRect().width()
                )
                self.top_left.setText("\n".join(filter(None, [date, labelled])))
                self.top_right.setText("\n".join(filter(None, [counter, self.sync_short])))
                self.bottom_left.setText(window)
            else:
                for label in (self.top_left, self.top_right, self.bottom_left):
                    label.clear()
            self._show_view_changes("")
            return
        self.top_left.setText(
            "\n".join(
                filter(
                    None,
                    [
                        image.patient_name,
                        QCoreApplication.translate("ImageViewer", "(character set not declared)")
                        if image.charset_undeclared
                        else "",
                        date,
                        image.institution,
                        self.source_line(),
                    ],
                )
            )
        )
        loading = (
            ""
            if self.loaded_images >= self.expected
            else QCoreApplication.translate("ImageViewer", " (loading %1/%2)")
            .replace("%1", str(self.loaded_images))
            .replace("%2", str(self.expected))
        )
        # the frames of one object (a cine loop) are frames, not images
        counter = (
            QCoreApplication.translate("ImageViewer", "Frame %1 / %2")
            if image.frames > 1
            else QCoreApplication.translate("ImageViewer", "Image %1 / %2")
        )
        lines = [
            image.series_description,
            counter.replace("%1", str(self.index + 1)).replace("%2", str(len(self.slices)))
            + loading,
            # the numbers the issuing hospital's report and PACS use
            QCoreApplication.translate("ImageViewer", "Se %1 · Im %2")
            .replace("%1", str(image.series_number))
            .replace("%2", str(image.instance_number)),
        ]
        if current.position is not None:
            lines.append(
                QCoreApplication.translate("ImageViewer", "Position %1 mm").replace(
                    "%1", f"{current.position:.1f}"
                )
            )
        if image.slice_thickness:
            lines.append(
                QCoreApplication.translate("ImageViewer", "Thickness %1 mm").replace(
                    "%1", f"{image.slice_thickness:g}"
                )
            )
        lines.append(self._sync_line())
        self.top_right.setText("\n".join(filter(None, lines)))
        zoom = self.magnification() * 100
        lines = [
            self.probe_text,
            QCoreApplication.translate("ImageViewer", "Zoom %1%").replace("%1", f"{zoom:.0f}"),
            self._window_text(image),
        ]
        self.bottom_left.setText("\n".join(filter(None, lines)))
        spacing = {
            CalibrationSource.PIXEL_SPACING: QCoreApplication.translate(
                "ImageViewer", "calibrated (Pixel Spacing)"
            ),
            CalibrationSource.DETECTOR_PLANE: QCoreApplication.translate(
                "ImageViewer", "detector plane (Imager Pixel Spacing)"
            ),
            CalibrationSource.US_REGION: QCoreApplication.translate(
                "ImageViewer", "ultrasound regions (cm)"
            ),
        }.get(image.calibration.source, QCoreApplication.translate("ImageViewer", "uncalibrated"))
        calibration = f"{image.modality}  {spacing}"
        if self.bottom_right.fontMetrics().horizontalAdvance(calibration) > max(
            self.bottom_right.width(), 1
        ):
            # a half-width cell cut "探测器平面（Imager Pixel Sp…": the word alone, whole
            calibration = f"{image.modality}  {spacing.split(' (')[0].split('（')[0]}"
        self._show_view_changes(calibration)

    def _show_view_changes(self, calibration: str) -> None:
        changes = self.view_changes_text()
        warning = f"<span style='color:#ff8a65; font-weight:bold'>{changes}</span>"
        lines = [html.escape(calibration)] if calibration else []
        self.bottom_right.setText("<br>".join([*lines, warning] if changes else lines))
