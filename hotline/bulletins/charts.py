"""The bulletin's charts drawn as vector graphics: one reportlab Drawing per chart, placed in
the PDF as it is and written out as SVG for the API.

Chinese labels use STSong-Light, one of the standard CJK fonts every PDF reader carries, so
nothing is downloaded or embedded; the SVG names it with common CJK fallbacks.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from hotline.bulletins.content import NOT_AVAILABLE, Chart

CJK_FONT = "STSong-Light"
# SVG readers have no STSong-Light: these CJK fonts stand in, in this order.
SVG_FONTS = (
    "STSong-Light, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', SimSun, sans-serif"
)
WIDTH, HEIGHT = 460, 230
PALETTE = (
    colors.HexColor("#1f5fa8"),
    colors.HexColor("#d9822b"),
    colors.HexColor("#2e8b57"),
    colors.HexColor("#c0392b"),
    colors.HexColor("#7d5ba6"),
    colors.HexColor("#8c6d31"),
    colors.HexColor("#2c9fb0"),
    colors.HexColor("#7f7f7f"),
)
MAX_X_LABELS = 12  # a month of days shows every few days' label, not all 31


def register_fonts() -> str:
    """Register the CJK font with reportlab (once per process); its name."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def drawing(chart: Chart) -> Drawing:
    """`chart` as a Drawing: title on top, the plot below (or why there is no data)."""
    font = register_fonts()
    canvas = Drawing(WIDTH, HEIGHT)
    canvas.add(
        String(WIDTH / 2, HEIGHT - 14, chart.title, fontName=font, fontSize=11, textAnchor="middle")
    )
    plotted = _plottable(chart)
    if plotted is None:
        why = chart.note if not chart.available else NOT_AVAILABLE
        canvas.add(
            String(WIDTH / 2, HEIGHT / 2, why[:60], fontName=font, fontSize=9, textAnchor="middle")
        )
        return canvas
    if plotted.kind == "pie":
        _pie(canvas, plotted, font)
    elif plotted.kind == "bar":
        _bars(canvas, plotted, font)
    else:
        _lines(canvas, plotted, font)
    return canvas


def _plottable(chart: Chart) -> Chart | None:
    """The chart with what can be drawn (a line needs two points), or None for nothing."""
    if not chart.available or not chart.categories or not chart.series:
        return None
    if chart.kind != "line":
        return chart
    lines = tuple(s for s in chart.series if sum(v is not None for v in s.values) >= 2)
    return replace(chart, series=lines) if lines else None


def svg(chart: Chart) -> str:
    """`chart` as an SVG document (text)."""
    text = renderSVG.drawToString(drawing(chart))
    return text.replace(f"font-family: {CJK_FONT}", f"font-family: {SVG_FONTS}")


def _scaled(chart: Chart) -> list[list[float | None]]:
    """The values as plotted (percentages × 100); None stays a gap."""
    factor = 100.0 if chart.percent else 1.0
    return [[None if v is None else float(v) * factor for v in s.values] for s in chart.series]


def _value_axis(axis: Any, chart: Chart, font: str) -> None:
    axis.labels.fontName = font
    axis.labels.fontSize = 7
    axis.valueMin = 0
    if chart.percent:
        axis.valueMax = 100
        axis.labelTextFormat = "%d%%"


def _legend(canvas: Drawing, chart: Chart, font: str, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], s.name) for i, s in enumerate(chart.series)
    ]
    canvas.add(legend)


def _lines(canvas: Drawing, chart: Chart, font: str) -> None:
    plot = HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 40, 40, WIDTH - 70, HEIGHT - 90
    plot.data = _scaled(chart)
    step = max(1, -(-len(chart.categories) // MAX_X_LABELS))
    plot.categoryAxis.categoryNames = [
        c if i % step == 0 else "" for i, c in enumerate(chart.categories)
    ]
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30
    plot.categoryAxis.labels.boxAnchor = "ne"
    _value_axis(plot.valueAxis, chart, font)
    for i in range(len(chart.series)):
        plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        plot.lines[i].strokeWidth = 1.5
    canvas.add(plot)
    _legend(canvas, chart, font, 50, HEIGHT - 28)


def _bars(canvas: Drawing, chart: Chart, font: str) -> None:
    plot = VerticalBarChart()
    plot.x, plot.y, plot.width, plot.height = 40, 70, WIDTH - 60, HEIGHT - 110
    plot.data = _scaled(chart)
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.categoryAxis.labels.fontName = font
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 40
    plot.categoryAxis.labels.boxAnchor = "ne"
    _value_axis(plot.valueAxis, chart, font)
    plot.barLabelFormat = "%.0f"
    plot.barLabels.fontName = font
    plot.barLabels.fontSize = 6
    plot.barLabels.nudge = 5
    for i in range(len(chart.series)):
        plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    canvas.add(plot)
    if len(chart.series) > 1:
        _legend(canvas, chart, font, 50, HEIGHT - 28)


def _pie(canvas: Drawing, chart: Chart, font: str) -> None:
    values = [v or 0.0 for v in _scaled(chart)[0]]
    total = sum(values) or 1.0
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 40, 25, 160, 160
    pie.data = [v for v in values] if any(values) else [1.0]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    for i in range(len(pie.data)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    canvas.add(pie)
    legend = Legend()
    legend.x, legend.y = 240, HEIGHT - 40
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 12
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], f"{name}  {v:.0f}（{v / total:.0%}）")
        for i, (name, v) in enumerate(zip(chart.categories, values, strict=True))
    ]
    canvas.add(legend)
