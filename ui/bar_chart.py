"""A horizontal bar chart that reads at a glance: one bar per group with its full Chinese
label on the left, the value written at the bar's end, the axis scaled to the data."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QWidget

INSIDE_SHARE = 0.6  # bars at least this long (of the axis) carry their value inside


def nice_limit(largest: float, percent: bool = False) -> float:
    """The end of the value axis: a round number a little above ``largest`` (100 at most
    for percentages, 1 for an empty chart)."""
    if largest <= 0:
        return 100.0 if percent else 1.0
    if percent:
        return min(100.0, math.ceil(largest * 1.15 / 10) * 10)
    magnitude = 10 ** math.floor(math.log10(largest * 1.15))
    for step in (1, 2, 2.5, 5, 10):
        limit = step * magnitude
        if limit >= largest * 1.15:
            return float(limit)
    return float(10 * magnitude)


class BarChart(pg.PlotWidget):  # type: ignore[misc]
    """``show_bars(labels, values)``; an empty chart says so instead of drawing an axis."""

    def __init__(self, title: str, colour: str = "#1565c0", parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.colour = colour
        self.setTitle(title, color="#222", size="11pt")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().showGrid(x=True, y=False, alpha=0.25)
        font = QFont()
        font.setPointSize(9)
        self.tick_font = font
        for name in ("left", "bottom"):
            axis = self.getAxis(name)
            axis.setTickFont(font)
            axis.setTextPen("#222")
            axis.setPen("#888")
        self.labels: list[str] = []
        self.values: list[float] = []
        self.limit = 1.0
        self._outside: list[tuple[float, int]] = []
        self._empty = pg.TextItem("", color="#666", anchor=(0.5, 0.5))

    def show_bars(
        self,
        labels: Sequence[str],
        values: Sequence[float],
        *,
        percent: bool = False,
        value_texts: Sequence[str] | None = None,
        empty_text: str = "",
    ) -> None:
        """Draw one bar per label (top to bottom in the given order). ``value_texts`` are
        written at the bars' ends (default: the values, with % for ``percent``)."""
        self.clear()
        self.labels, self.values = list(labels), [float(v) for v in values]
        left = self.getAxis("left")
        if not self.labels:
            self.limit = 100.0 if percent else 1.0
            left.setTicks([[]])
            self.setXRange(0, self.limit, padding=0)
            self.setYRange(-1, 1, padding=0)
            self._empty.setText(empty_text)
            self._empty.setPos(self.limit / 2, 0)
            self.addItem(self._empty)
            return
        count = len(self.labels)
        ys = np.arange(count, dtype=float)[::-1]  # the first label at the top
        self.limit = nice_limit(max(self.values), percent)
        bars = pg.BarGraphItem(
            x0=np.zeros(count),
            y=ys,
            height=0.6,
            width=np.array(self.values),
            brush=self.colour,
            pen=pg.mkPen(None),
        )
        self.addItem(bars)
        texts = value_texts or [(f"{v:.0f}%" if percent else f"{v:g}") for v in self.values]
        metrics = QFontMetrics(QFont())
        self._outside = []  # (value, text width) of the texts written after their bar
        for y, value, text in zip(ys, self.values, texts, strict=True):
            if value >= INSIDE_SHARE * self.limit:  # a long bar carries its value inside
                label = pg.TextItem(text, color="w", anchor=(1, 0.5))
                label.setPos(value - self.limit * 0.01, y)
            else:
                label = pg.TextItem(text, color="#222", anchor=(0, 0.5))
                label.setPos(value + self.limit * 0.01, y)
                self._outside.append((value, metrics.horizontalAdvance(text)))
            self.addItem(label)
        left.setTicks([[(float(y), name) for y, name in zip(ys, self.labels, strict=True)]])
        if not percent and all(v == int(v) for v in self.values):
            # counts: whole-number ticks (never "0.5 times")
            step = max(1, math.ceil(self.limit / 5))
            ticks = [(float(t), str(t)) for t in range(0, int(self.limit * 3) + step, step)]
            self.getAxis("bottom").setTicks([ticks])
        else:
            self.getAxis("bottom").setTicks(None)
        # the labels' room: the longest label in the axis font (never cut to 8 characters)
        widest = max(QFontMetrics(self.tick_font).horizontalAdvance(n) for n in self.labels)
        left.setWidth(max(60, min(320, widest + 16)))
        self._fit_x()
        self.setYRange(-0.6, count - 0.4, padding=0)

    def _fit_x(self) -> None:
        """The value axis up to ``limit`` plus room for the value written after the longest
        bar (in pixels of the chart as it is now laid out)."""
        if not self.values:
            return
        plot_width = max(self.width() - self.getAxis("left").width() - 24, 120.0)
        end = self.limit * 1.02
        for value, text_width in self._outside:
            # the bar's end (at its value) plus its text must fit: v / (1 - text share)
            share = min((text_width + 16) / plot_width, 0.66)
            end = max(end, value / (1.0 - share))
        self.setXRange(0, min(end, self.limit * 3.0), padding=0)

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802
        """Keep room for the value texts when the chart changes size."""
        super().resizeEvent(event)
        if "values" in self.__dict__:  # pyqtgraph resizes once before __init__ is done
            self._fit_x()
