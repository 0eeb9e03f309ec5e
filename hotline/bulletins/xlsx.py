"""A bulletin as an XLSX workbook: an overview sheet, one sheet per section, and a chart sheet
whose data tables feed native Excel charts (they redraw in Excel, WPS and LibreOffice)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hotline.bulletins.content import (
    NOT_AVAILABLE,
    BulletinContent,
    Chart,
    Section,
    reason_title,
    shown_time,
)

OVERVIEW_SHEET = "通报"
CHART_SHEET = "图表"
_HEAD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F3")
_FORMATS = {"percent": "0.0%", "float": "0.0", "int": "0"}
_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
CHART_ROWS = 18  # rows one chart takes on the chart sheet


def sheet_name(section: Section) -> str:
    """The sheet a section is written to: its title, as Excel allows sheet names."""
    return section.title.translate(_FORBIDDEN)[:31]


def render_xlsx(content: BulletinContent) -> bytes:
    """The workbook as bytes."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = OVERVIEW_SHEET
    _overview(overview, content)
    for section in content.sections:
        _section(book.create_sheet(sheet_name(section)), section)
    _charts(book.create_sheet(CHART_SHEET), content.charts)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _overview(sheet: Worksheet, content: BulletinContent) -> None:
    sheet["A1"] = content.title
    sheet["A1"].font = Font(bold=True, size=14)
    facts = [
        ("期间", content.period_title),
        ("版本", f"第{content.version}版"),
        ("生成原因", reason_title(content.reason)),
        ("生成时间", shown_time(content.generated_at)),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        sheet.cell(row, 1, label).font = _HEAD
        sheet.cell(row, 2, value)
    row = len(facts) + 4
    for line in (*content.summary, *content.notes):
        sheet.cell(row, 1, line)
        row += 1
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 60


def _section(sheet: Worksheet, section: Section) -> None:
    sheet["A1"] = section.title
    sheet["A1"].font = Font(bold=True, size=12)
    if section.note:
        sheet["A2"] = section.note
    if not section.available:
        sheet["A3"] = NOT_AVAILABLE
        return
    for col, column in enumerate(section.columns, start=1):
        cell = sheet.cell(4, col, column.title)
        cell.font, cell.fill = _HEAD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        width = max(len(column.title) * 2 + 2, 10 if column.kind != "text" else 16)
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(section.rows, start=5):
        for col, column in enumerate(section.columns, start=1):
            cell = sheet.cell(r, col, values.get(column.key))
            if column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
    sheet.freeze_panes = "A5"


def _charts(sheet: Worksheet, charts: tuple[Chart, ...]) -> None:
    """Each chart's data as a small table (column A onward) and the chart beside it."""
    top = 1
    for chart in charts:
        sheet.cell(top, 1, chart.title).font = Font(bold=True, size=12)
        if not chart.available or not chart.categories or not chart.series:
            sheet.cell(top + 1, 1, chart.note or NOT_AVAILABLE)
            top += 3
            continue
        head = top + 1
        sheet.cell(head, 1, chart.value_title or "").font = _HEAD
        for s, series in enumerate(chart.series, start=2):
            sheet.cell(head, s, series.name).font = _HEAD
        for i, category in enumerate(chart.categories, start=1):
            sheet.cell(head + i, 1, category)
            for s, series in enumerate(chart.series, start=2):
                cell = sheet.cell(head + i, s, series.values[i - 1])
                if chart.percent:
                    cell.number_format = "0.0%"
        last = head + len(chart.categories)
        plot = _native(chart)
        data = Reference(
            sheet, min_col=2, max_col=1 + len(chart.series), min_row=head, max_row=last
        )
        labels = Reference(sheet, min_col=1, min_row=head + 1, max_row=last)
        plot.add_data(data, titles_from_data=True)
        plot.set_categories(labels)
        sheet.add_chart(plot, f"{get_column_letter(len(chart.series) + 3)}{top}")
        top = max(last, top + CHART_ROWS) + 2
    sheet.column_dimensions["A"].width = 24


def _native(chart: Chart) -> LineChart | BarChart | PieChart:
    plot: LineChart | BarChart | PieChart
    if chart.kind == "pie":
        plot = PieChart()
    elif chart.kind == "bar":
        plot = BarChart()
        plot.type = "col"
        plot.y_axis.title = chart.value_title
    else:
        plot = LineChart()
        plot.y_axis.title = chart.value_title
    if chart.percent and not isinstance(plot, PieChart):
        plot.y_axis.number_format = "0%"
    plot.title = chart.title
    plot.width, plot.height = 18, 8.5
    return plot
