"""Trends of lab values across hospitals and dates: one plot per analyte (and per assay where
assays are not interchangeable), stacked on a shared time axis in Beijing time with Chinese
labels; points coloured by hospital, each hospital's reference range as a labelled band in
the same hue, the current result highlighted, details on hover (with the value's flag as the
lab table shows it), zoom by date (mouse wheel / drag)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.lab_flags import flag_text
from workstation.clock import china_time
from workstation.labs.precision import lab_number
from workstation.labs.trends import TrendPoint
from workstation.labs.units import display_unit, shown_unit
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
_HOUR = 3600.0
_DAY = 86400.0


class ChinaDateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """A time axis in Beijing time labelled the Chinese way: "2026年3月", "3月1日", "08:00"
    (a midnight tick of an hourly axis names its day), never English month names."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom", utcOffset=-8 * 3600)

    def tickStrings(  # noqa: N802 - pyqtgraph's name
        self, values: Sequence[float], scale: float, spacing: float
    ) -> list[str]:
        """The labels of ticks at ``values`` (epoch seconds) ``spacing`` seconds apart."""
        return [tick_label(v, spacing) for v in values]


def tick_label(timestamp: float, spacing: float) -> str:
    """How a tick at ``timestamp`` (epoch seconds) reads on an axis of ``spacing`` s."""
    try:
        local = china_time(dt.datetime.fromtimestamp(timestamp, dt.UTC))
    except (OverflowError, OSError, ValueError):
        return ""
    if spacing >= 330 * _DAY:
        return f"{local.year}年"
    if spacing >= 28 * _DAY:
        return f"{local.year}年{local.month}月" if local.month == 1 else f"{local.month}月"
    if spacing >= _DAY or (local.hour == 0 and local.minute == 0):
        return f"{local.month}月{local.day}日"
    return local.strftime("%H:%M")


def _let_title_shrink(label: pg.LabelItem) -> None:
    """A plot title that asks for no width of its own. pyqtgraph makes its text's width
    the title's minimum (so the plot's) on every text change and resize, which pushed the
    newest points off a narrow pane; this title is cut at the right instead."""

    def update_min() -> None:
        height = label.itemRect().height()
        label.setMinimumWidth(0)
        label.setMinimumHeight(height)
        # where pyqtgraph keeps a label's size hints
        label._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, height),
            Qt.SizeHint.PreferredSize: (0, height),
            Qt.SizeHint.MaximumSize: (-1, -1),
            Qt.SizeHint.MinimumDescent: (0, 0),
        }
        label.updateGeometry()

    label.updateMin = update_min
    update_min()


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
        self.earlier = QLabel()  # values before the window the axis opens on, if any
        self.earlier.setObjectName("trendEarlier")
        self.earlier.setStyleSheet("color: #8a6d00;")
        self.earlier.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.earlier)
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
        window: tuple[dt.datetime, dt.datetime] | None = None,
    ) -> None:
        """Plot ``series`` as (title, points) pairs; points whose observation id is in
        ``current_ids`` are highlighted. The time axis opens on ``window`` (padded; default
        every point: see workstation.labs.trends.trend_window)."""
        self.graphics.clear()
        self.plots = []
        order = sorted({p.hospital_id for _, points in series for p in points})
        first: pg.PlotItem | None = None
        times = [p.time.timestamp() for _, points in series for p in points]
        for row, (title, points) in enumerate(series):
            plot = self.graphics.addPlot(row=row, col=0, axisItems={"bottom": ChinaDateAxis()})
            _let_title_shrink(plot.titleLabel)
            unit = display_unit(points[0].unit) if points else ""
            plot.setTitle(
                f"<b>{html.escape(title)}</b> ({html.escape(unit)})"
                + self.band_titles(points, order, hospitals),
                size="9pt",
                color="#333",
                justify="left",  # a title too long for the pane is cut at its end only
            )
            # a long title (three hospitals' ranges) must not widen the plot past the pane:
            # it is cut at the right instead of the newest points (the legend names all)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMouseEnabled(x=True, y=False)
            # y fits what the time window shows (a cardiac window hides years of history)
            plot.getViewBox().setAutoVisible(y=True)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            # Every plot keeps its time labels: the stack scrolls, and a plot without them
            # would leave her guessing the hours between samples.
            self._bands(plot, points, order)
            self._points(plot, points, order, hospitals, current_ids)
            self.plots.append(plot)
        earlier = (
            sum(1 for _, points in series for p in points if p.time < window[0])
            if window is not None
            else 0
        )
        self.earlier.setText(
            self.tr("%n earlier value(s) outside the view: zoom out with the wheel", "", earlier)
        )
        self.earlier.setVisible(earlier > 0)
        if window is not None:
            times = [window[0].timestamp(), window[1].timestamp()]
        if first is not None and times:
            low, high = min(times), max(times)
            pad = max((high - low) * 0.08, _HOUR)
            first.setXRange(low - pad, high + pad, padding=0)
        self.graphics.setMinimumHeight(PLOT_HEIGHT * max(len(series), 1))
        self.legend.setText(self.legend_html(order, hospitals))

    def legend_html(self, order: list[str], hospitals: dict[str, Hospital]) -> str:
        """One entry per hospital in its hue: its points (●) and its own range (▬)."""
        entries = []
        for hospital_id in order:
            colour = self.colour_of(hospital_id, order)
            name = html.escape(
                hospitals[hospital_id].name if hospital_id in hospitals else hospital_id
            )
            entries.append(
                f"<span style='color:{colour}'>●</span> {name} "
                f"<span style='color:{colour}'>▬</span> "
                + html.escape(self.tr("its reference range"))
            )
        return "&nbsp;&nbsp;&nbsp;".join(entries)

    def _bands(self, plot: pg.PlotItem, points: list[TrendPoint], order: list[str]) -> None:
        """Each hospital's own reference range over the span of its results, in its hue
        (labelled in the title, ``band_titles``)."""
        times = [p.time.timestamp() for p in points]
        pad = max((max(times) - min(times)) * 0.04, _HOUR / 2) if times else _HOUR
        for hospital_id in order:
            own = [p for p in points if p.hospital_id == hospital_id and p.ref_high is not None]
            if not own:
                continue
            start, end = own[0].time.timestamp() - pad, own[-1].time.timestamp() + pad
            latest = own[-1]
            low = latest.ref_low if latest.ref_low is not None else 0.0
            high = float(latest.ref_high or 0.0)
            hue = QColor(self.colour_of(hospital_id, order))
            fill = QColor(hue)
            fill.setAlpha(38)
            edge = QColor(hue)
            edge.setAlpha(150)
            pen = pg.mkPen(edge, width=1, style=Qt.PenStyle.DashLine)
            upper = pg.PlotDataItem([start, end], [high, high], pen=pen)
            lower = pg.PlotDataItem([start, end], [low, low], pen=pen)
            plot.addItem(upper)
            plot.addItem(lower)
            plot.addItem(pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(fill)))

    def band_titles(
        self, points: list[TrendPoint], order: list[str], hospitals: dict[str, Hospital]
    ) -> str:
        """The bands' labels, after the plot's title (never clipped at the plot's edge):
        "▬ 成都市第一人民医院 ≤26.2" in each hospital's hue, its latest range in the trend's
        unit."""
        labels = []
        for hospital_id in order:
            own = [p for p in points if p.hospital_id == hospital_id and p.range_text]
            if not own:
                continue
            name = hospitals[hospital_id].name if hospital_id in hospitals else hospital_id
            colour = self.colour_of(hospital_id, order)
            labels.append(
                f"<span style='color:{colour}'>▬ {html.escape(name)} "
                f"{html.escape(own[-1].range_text)}</span>"
            )
        return ("&nbsp;&nbsp;&nbsp;" + "&nbsp;&nbsp;".join(labels)) if labels else ""

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
        original = f"{lab_number(point.original_value)} {shown_unit(point.original_unit)}"
        flag = flag_text(point.flag)
        method = f"（{point.method}）" if point.method else ""
        return (
            f"{when} · {hospital} · {point.value_text} {display_unit(point.unit)}{method}"
            + (f" ({original})" if point.converted else "")
            + (f" · {flag}" if flag else "")
        )

    def _hovered(self, _item: object, spots: list[object], _event: object) -> None:
        if not spots:
            return
        point, hospital = spots[0].data()  # type: ignore[attr-defined]
        self.hover.setText(self.point_text(point, hospital))
