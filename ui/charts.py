"""The owner's charts, drawn by pyqtgraph (a plotting library made for Qt).

Three widgets, each fed plain values (no service is called here):
- TrendChart: two series over weeks or months (members and others), a legend, the
  periods' dates under the x axis, money (or counts) on the y axis as the shop writes them;
- BarChart: one horizontal bar per named group (segments), with its value written beside it;
- ParetoChart: the 20/80 curve, the cumulative share of revenue by the share of members
  (best first), the line of equality for comparison and the 20 % marked with its value.
"""
from __future__ import annotations

from typing import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

MEMBERS_COLOUR = QColor(25, 118, 210)
OTHERS_COLOUR = QColor(245, 124, 0)
BAR_COLOUR = QColor(56, 142, 60)
TEXT_COLOUR = QColor(40, 40, 40)
GRID_ALPHA = 0.25

class _LabelAxis(pg.AxisItem):
    """An axis whose ticks are given names (dates, segments) rather than numbers."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.names: list[str] = []
        self.most = 12  # at most this many names written; the rest are skipped evenly

    def set_names(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._place()

    def _place(self) -> None:
        """As many names as the axis has room for (a date needs ~60 px across, a name ~18 px down),
        evenly skipped, the first always written."""
        room = self.width() // 60 if self.orientation in ("bottom", "top") else self.height() // 18
        most = max(2, min(self.most, int(room))) if room > 0 else self.most
        step = max(1, -(-len(self.names) // most))
        self.setTicks([[(i, n) for i, n in enumerate(self.names) if i % step == 0]])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if getattr(self, "names", None):  # (the base class resizes it while it is being made)
            self._place()


class _ValueAxis(pg.AxisItem):
    """An axis of values written by `shown` (money in the shop's currency, a percentage)."""

    def __init__(self, orientation: str, shown: Callable[[float], str]) -> None:
        super().__init__(orientation)
        self.shown = shown

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        return [self.shown(v) for v in values]


def _plot(parent: QWidget, axes: dict[str, pg.AxisItem]) -> pg.PlotWidget:
    pg.setConfigOptions(antialias=True)  # smooth lines; set when the first chart is made, not on import
    plot = pg.PlotWidget(parent, axisItems=axes)
    plot.setBackground("w")
    plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    font = QFont(plot.font())
    font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        axis.setPen(pg.mkPen(QColor(150, 150, 150)))
    return plot


class TrendChart(QWidget):
    """Two series (members, others) by week or month."""

    def __init__(self, shown: Callable[[float], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x_axis = _LabelAxis("bottom")
        self.y_axis = _ValueAxis("left", shown)
        self.plot = _plot(self, {"bottom": self.x_axis, "left": self.y_axis})
        self.legend = self.plot.addLegend(offset=(10, 5), labelTextColor=TEXT_COLOUR)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.series: dict[str, list[float]] = {}

    def set_value_format(self, shown: Callable[[float], str]) -> None:
        self.y_axis.shown = shown
        self.y_axis.picture = None
        self.y_axis.update()

    def show_series(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> None:
        """`labels` under the x axis (one per week or month); `series`: (name, values) each."""
        self.plot.clear()
        self.legend.clear()
        self.series = {name: list(values) for name, values in series}
        self.x_axis.set_names(labels)
        colours = (MEMBERS_COLOUR, OTHERS_COLOUR)
        xs = list(range(len(labels)))
        highest = 0.0
        for index, (name, values) in enumerate(series if labels else []):  # nothing to draw: no legend either
            colour = colours[index % len(colours)]
            self.plot.plot(xs, list(values), name=name, pen=pg.mkPen(colour, width=2.5),
                           symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=colour)
            highest = max([highest, *values]) if values else highest
        self.plot.setXRange(-0.8, max(len(labels) - 0.5, 0.5), padding=0)  # room for the first date's label
        self.plot.setYRange(0, highest * 1.15 if highest > 0 else 1, padding=0)


class BarChart(QWidget):
    """Horizontal bars, one per name, each with its value written at its end."""

    def __init__(self, shown: Callable[[float], str], parent: QWidget | None = None,
                 colour: QColor = BAR_COLOUR) -> None:
        super().__init__(parent)
        self.shown = shown
        self.colour = colour
        self.y_axis = _LabelAxis("left")
        self.y_axis.most = 30
        self.x_axis = _ValueAxis("bottom", shown)
        self.plot = _plot(self, {"left": self.y_axis, "bottom": self.x_axis})
        self.plot.showGrid(x=False, y=False)
        self.plot.hideAxis("bottom")  # each bar carries its value: no scale to read across
        self.plot.getViewBox().invertY(True)  # the first name at the top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.values: list[float] = []

    def set_title(self, title: str) -> None:
        self.plot.setTitle(title, color=TEXT_COLOUR, size="10pt")

    def show_bars(self, names: Sequence[str], values: Sequence[float]) -> None:
        self.plot.clear()
        self.values = [float(v) for v in values]
        self.y_axis.set_names(names)
        if not names:
            return
        bars = pg.BarGraphItem(x0=[0] * len(names), y=list(range(len(names))), height=0.6, width=self.values,
                               brush=self.colour, pen=pg.mkPen(self.colour.darker(120)))
        self.plot.addItem(bars)
        highest = max(self.values) if self.values else 0
        for index, value in enumerate(self.values):
            inside = highest > 0 and value > 0.6 * highest  # a long bar holds its value; a short one has it beside
            label = pg.TextItem(self.shown(value), color=QColor("white") if inside else TEXT_COLOUR,
                                anchor=(1, 0.5) if inside else (0, 0.5))
            label.setPos(value, index)
            self.plot.addItem(label)
        self.plot.setXRange(0, highest * 1.02 if highest > 0 else 1, padding=0)
        self.plot.setYRange(-0.6, len(names) - 0.4, padding=0)


def pareto_points(curve: object) -> list[tuple[float, float]]:
    """The curve's points (share of members, share of revenue), 0..1 each, from (0, 0):
    a list of pairs, or of dicts ('members'/'member_share', 'revenue'/'revenue_share'),
    or a dict holding such a list under 'points'."""
    if isinstance(curve, dict):
        curve = curve.get("points") or curve.get("curve") or []
    points: list[tuple[float, float]] = []
    for point in curve or []:  # type: ignore[union-attr]
        if isinstance(point, dict):
            x = point.get("members_share", point.get("members", point.get("x")))
            y = point.get("revenue_share", point.get("revenue", point.get("y")))
        else:
            x, y = point  # type: ignore[misc]
        if x is not None and y is not None:  # (no share of nothing: the members spent nothing)
            points.append((float(x), float(y)))
    if points and points[0] != (0.0, 0.0):
        points.insert(0, (0.0, 0.0))
    return points


def share_at(points: Sequence[tuple[float, float]], x: float) -> float:
    """The curve's share of revenue at a share of members `x`, read between its points."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1] if points else 0.0


class ParetoChart(QWidget):
    """The 20/80 curve, with the top 20 % of members marked."""

    def __init__(self, percent: Callable[[float], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.percent = percent
        self.plot = _plot(self, {"left": _ValueAxis("left", percent), "bottom": _ValueAxis("bottom", percent)})
        self.plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.at_20 = 0.0

    def set_axes(self, x_title: str, y_title: str) -> None:
        self.plot.setLabel("bottom", x_title, color=TEXT_COLOUR)
        self.plot.setLabel("left", y_title, color=TEXT_COLOUR)

    def show_curve(self, points: Sequence[tuple[float, float]], marker_text: Callable[[float], str]) -> None:
        self.plot.clear()
        self.plot.plot([0, 1], [0, 1], pen=pg.mkPen(QColor(170, 170, 170), width=1, style=Qt.PenStyle.DashLine))
        if len(points) < 2:
            self.at_20 = 0.0
            return
        self.plot.plot([p[0] for p in points], [p[1] for p in points], pen=pg.mkPen(MEMBERS_COLOUR, width=2.5),
                       fillLevel=0, brush=QColor(25, 118, 210, 40))
        self.at_20 = share_at(points, 0.2)
        self.plot.addItem(pg.InfiniteLine(pos=0.2, angle=90, pen=pg.mkPen(OTHERS_COLOUR, width=1.5)))
        self.plot.plot([0.2], [self.at_20], pen=None, symbol="o", symbolSize=10, symbolBrush=OTHERS_COLOUR,
                       symbolPen=OTHERS_COLOUR)
        label = pg.TextItem(marker_text(self.at_20), color=TEXT_COLOUR, anchor=(0, 0.5), fill=QColor(255, 255, 255, 220))
        label.setPos(0.23, max(self.at_20 - 0.06, 0.06))
        self.plot.addItem(label)
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setYRange(0, 1, padding=0.02)
