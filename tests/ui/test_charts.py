"""The owner's charts draw with pyqtgraph on PySide6 offscreen: a grab holds the series' colours,
the x axis names what it was given, the 20/80 mark reads the curve."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from ui.charts import MEMBERS_COLOUR, OTHERS_COLOUR, BarChart, ParetoChart, TrendChart, pareto_points, share_at


def colours(widget) -> set[tuple[int, int, int]]:
    image = widget.grab().toImage()
    return {QColor(image.pixel(x, y)).getRgb()[:3] for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}


def test_trend_draws_both_series_with_their_dates(qtbot):
    chart = TrendChart(lambda v: f"{v / 100:.0f} ₽")
    qtbot.addWidget(chart)
    chart.resize(600, 320)
    chart.show()
    chart.show_series(["02.11", "09.11", "16.11"], [("Members", [100, 300, 200]), ("Others", [50, 60, 70])])
    seen = colours(chart)
    assert MEMBERS_COLOUR.getRgb()[:3] in seen and OTHERS_COLOUR.getRgb()[:3] in seen
    assert [name for _pos, name in chart.x_axis._tickLevels[0]] == ["02.11", "09.11", "16.11"]
    assert chart.y_axis.tickStrings([15000], 1, 1) == ["150 ₽"]


def test_an_empty_trend_draws_no_series(qtbot):
    chart = TrendChart(str)
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.show()
    chart.show_series([], [("Members", []), ("Others", [])])
    assert MEMBERS_COLOUR.getRgb()[:3] not in colours(chart)


def test_bars_and_the_pareto_mark(qtbot):
    bars = BarChart(lambda v: f"{v:.0f}")
    qtbot.addWidget(bars)
    bars.resize(400, 300)
    bars.show()
    bars.show_bars(["a", "b"], [10, 5])
    assert bars.values == [10.0, 5.0]
    points = pareto_points({"points": [{"members_share": 0.0, "revenue_share": 0.0},
                                       {"members_share": 0.1, "revenue_share": 0.5},
                                       {"members_share": 0.3, "revenue_share": 0.7},
                                       {"members_share": 1.0, "revenue_share": 1.0}]})
    assert share_at(points, 0.2) == pytest.approx(0.6)
    pareto = ParetoChart(lambda v: f"{v:.0%}")
    qtbot.addWidget(pareto)
    pareto.resize(400, 300)
    pareto.show()
    pareto.show_curve(points, lambda y: f"{y:.0%}")
    assert pareto.at_20 == pytest.approx(0.6)
    assert pareto_points({"points": [{"members_share": 0.5, "revenue_share": None}]}) == []  # nothing spent
