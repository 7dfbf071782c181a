"""Trends of lab values across hospitals and dates: one plot per analyte, stacked on a shared
time axis; points coloured by hospital, each hospital's reference range as a band, the
current result highlighted, details on hover (with the value's flag as the lab table shows
it), zoom by date (mouse wheel / drag)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.lab_flags import flag_text
from workstation.clock import china_time
from workstation.labs.trends import TrendPoint
from workstation.labs.units import display_unit
from workstation.model import Hospital

PLOT_HEIGHT = 150  # px per analyte; the stack scrolls beyond the visible area
PALETTE = (
    "#1565c0",
    "#c62828",
    "#2e7d32",
    "#6a1b9a",
    "#ef6c00",
    "#00838f",
    "#5d4037",
    "#ad1457",
    "#283593",
)


class TrendPlot(QWidget):
    """Stacked trend plots; ``show_trends`` replaces the content."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.legend = QLabel()
        self.legend.setObjectName("trendLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.hover = QLabel()
        self.hover.setObjectName("trendHover")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.graphics)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.hover)
        self.plots: list[pg.PlotItem] = []

    def colour_of(self, hospital_id: str, order: list[str]) -> str:
        """A stable colour per hospital."""
        return PALETTE[order.index(hospital_id) % len(PALETTE)]

    def show_trends(
        self,
        series: list[tuple[str, list[TrendPoint]]],
        hospitals: dict[str, Hospital],
        current_ids: set[str],
    ) -> None:
        """Plot ``series`` as (title, points) pairs; points whose observation id is in
        ``current_ids`` are highlighted."""
        self.graphics.clear()
        self.plots = []
        order = sorted({p.hospital_id for _, points in series for p in points})
        first: pg.PlotItem | None = None
        for row, (title, points) in enumerate(series):
            axis = pg.DateAxisItem(orientation="bottom")
            plot = self.graphics.addPlot(row=row, col=0, axisItems={"bottom": axis})
            unit = display_unit(points[0].unit) if points else ""
            plot.setTitle(f"{title} ({unit})", size="9pt", color="#333")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMouseEnabled(x=True, y=False)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            if row < len(series) - 1:
                plot.getAxis("bottom").setStyle(showValues=False)
            self._bands(plot, points, order)
            self._points(plot, points, order, hospitals, current_ids)
            self.plots.append(plot)
        self.graphics.setMinimumHeight(PLOT_HEIGHT * max(len(series), 1))
        names = [
            f"<span style='color:{self.colour_of(h, order)}'>●</span> "
            f"{hospitals[h].name if h in hospitals else h}"
            for h in order
        ]
        self.legend.setText("  ".join(names))

    def _bands(self, plot: pg.PlotItem, points: list[TrendPoint], order: list[str]) -> None:
        """Each hospital's own reference range over the span of its results."""
        for hospital_id in order:
            own = [p for p in points if p.hospital_id == hospital_id and p.ref_high is not None]
            if not own:
                continue
            start = own[0].time.timestamp() - 86400 * 3
            end = own[-1].time.timestamp() + 86400 * 3
            low = own[-1].ref_low if own[-1].ref_low is not None else 0.0
            high = float(own[-1].ref_high or 0.0)
            colour = QColor(self.colour_of(hospital_id, order))
            colour.setAlpha(40)
            upper = pg.PlotDataItem([start, end], [high, high], pen=pg.mkPen(colour, width=1))
            lower = pg.PlotDataItem([start, end], [low, low], pen=pg.mkPen(colour, width=1))
            plot.addItem(upper)
            plot.addItem(lower)
            plot.addItem(pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(colour)))

    def _points(
        self,
        plot: pg.PlotItem,
        points: list[TrendPoint],
        order: list[str],
        hospitals: dict[str, Hospital],
        current_ids: set[str],
    ) -> None:
        if not points:
            return
        plot.plot(
            [p.time.timestamp() for p in points],
            [p.value for p in points],
            pen=pg.mkPen("#9e9e9e", width=1),
        )
        spots = []
        for p in points:
            current = p.observation_id in current_ids
            hospital = hospitals.get(p.hospital_id)
            spots.append(
                {
                    "pos": (p.time.timestamp(), p.value),
                    "size": 14 if current else 8,
                    "brush": pg.mkBrush(self.colour_of(p.hospital_id, order)),
                    "pen": pg.mkPen("#000", width=2) if current else pg.mkPen(None),
                    "data": (p, hospital.name if hospital else p.hospital_id),
                }
            )
        scatter = pg.ScatterPlotItem(hoverable=True, tip=None)
        scatter.addPoints(spots)
        scatter.sigHovered.connect(self._hovered)
        plot.addItem(scatter)

    def point_text(self, point: TrendPoint, hospital: str) -> str:
        """What hovering a point says: time, hospital, value (and as reported), its flag."""
        when = china_time(point.time).strftime("%Y-%m-%d %H:%M")
        original = f"{point.original_value:g} {point.original_unit}"
        flag = flag_text(point.flag)
        return (
            f"{when} · {hospital} · {point.value:g} {display_unit(point.unit)}"
            + (f" ({original})" if point.original_unit != point.unit else "")
            + (f" · {flag}" if flag else "")
        )

    def _hovered(self, _item: object, spots: list[object], _event: object) -> None:
        if not spots:
            return
        point, hospital = spots[0].data()  # type: ignore[attr-defined]
        self.hover.setText(self.point_text(point, hospital))
