"""A bulletin's files as a reader opens them: the XLSX in a spreadsheet, the PDF in a viewer,
the charts as SVG; built from content made by hand (no database, no other part)."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from hotline.bulletins.charts import svg
from hotline.bulletins.content import BulletinContent, Series, written
from hotline.bulletins.pdf import render_pdf
from hotline.bulletins.xlsx import render_xlsx
from tests.helpers.bulletins import sample_content

SHEETS = ["通报", "考核排名", "扣分明细", "运行指标", "热点问题", "图表"]


def pdf_text(data: bytes) -> tuple[int, str]:
    """Pages and the whole extracted text of a PDF."""
    reader = PdfReader(BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_xlsx_has_a_sheet_per_section_and_native_charts() -> None:
    book = load_workbook(BytesIO(render_xlsx(sample_content())))
    assert book.sheetnames == SHEETS
    assert book["通报"]["A1"].value == "广元市12345政务服务便民热线运行情况通报（2026年10月）"
    assert book["通报"]["B4"].value == "第1版"
    ranking = book["考核排名"]
    assert [c.value for c in ranking[4]] == ["排名", "单位", "得分"]
    assert [c.value for c in ranking[5]] == [1, "示范市住房和城乡建设局", 98.5]
    assert [c.value for c in ranking[7]] == [3, "示范市生态环境局", 92.5]
    kpis = book["运行指标"]
    assert kpis["D5"].value == 38 / 40 and kpis["D5"].number_format == "0.0%"
    # A part that could not answer keeps its sheet, saying why.
    assert book["热点问题"]["A3"].value == "暂无数据"
    assert "not available" in book["热点问题"]["A2"].value
    charts = book["图表"]._charts
    assert [type(c).__name__ for c in charts] == ["LineChart", "LineChart", "BarChart", "PieChart"]
    assert charts[2].title.tx.rich.p[0].r[0].t == "各单位超期件数"
    names = zipfile.ZipFile(BytesIO(render_xlsx(sample_content()))).namelist()
    assert sum(n.startswith("xl/charts/chart") for n in names) == 4


def test_pdf_reads_in_chinese_with_tables_and_charts() -> None:
    pages, text = pdf_text(render_pdf(sample_content()))
    assert pages == 2
    for expected in (
        "广元市12345政务服务便民热线运行情况通报（2026年10月）",
        "第1版，期末自动生成，生成于 2026-11-01 00:05",
        "本月共受理群众诉求123件",
        "二、考核排名",
        "示范市住房和城乡建设局",
        "98.5",
        "95.0%",  # ZJJ's closing rate 38/40, written as a percentage
        "五、热点问题",
        "暂无数据",
        "受理量趋势",
        "诉求类型构成",
        "咨询  50（50%）",  # the pie's legend
        "第 2 页",
    ):
        assert expected in text.replace(" \n", "\n"), expected


def test_long_tables_continue_on_further_pages_with_their_heading() -> None:
    short, _ = pdf_text(render_pdf(sample_content(deductions=3)))
    pages, text = pdf_text(render_pdf(sample_content(deductions=120)))
    assert pages > short
    assert text.count("扣分项") >= 3  # the heading row repeats on every page of the table
    assert "GY2026100119" in text


def test_charts_are_drawn_as_svg_with_their_labels() -> None:
    content = sample_content()
    bars = svg(content.chart("overdue_by_unit"))
    assert bars.startswith("<?xml") and "<svg" in bars
    assert "各单位超期件数" in bars and "利州区人民政府" in bars
    assert "Noto Sans CJK SC" in bars  # readers without STSong-Light fall back to a CJK font
    pie = svg(content.chart("category_mix"))
    assert "投诉  30（30%）" in pie


def test_content_survives_the_database_round_trip() -> None:
    content = sample_content()
    again = BulletinContent.from_json(content.to_json())
    assert again == content
    assert again.section("kpis").column("closing_rate").kind == "percent"


def test_values_are_written_as_a_reader_expects() -> None:
    assert written(0.9745, "percent") == "97.5%"
    assert written(3, "float") == "3.0"
    assert written(None, "int") == "—"


def test_charts_without_data_say_so_instead_of_failing() -> None:
    content = sample_content()
    empty = replace(
        content.chart("satisfaction_trend"),
        series=(Series("满意率", (None,) * 30 + (0.9,)),),  # one rated day: no line to draw
    )
    assert "暂无数据" in svg(empty)
    quiet = replace(content, charts=(empty,))
    _pages, text = pdf_text(render_pdf(quiet))
    assert "满意率趋势" in text and "暂无数据" in text


def test_pdf_charts_are_vector_drawings_in_the_chart_colours() -> None:
    """The charts are drawn, not pictures: bars and slices filled in the palette's colours."""
    reader = PdfReader(BytesIO(render_pdf(sample_content())))
    charts = reader.pages[-1].get_contents().get_data().decode("latin1")
    assert "各单位超期件数" in reader.pages[-1].extract_text()
    for fill in (".121569 .372549 .658824 rg", ".85098 .509804 .168627 rg"):  # blue, orange
        assert fill in charts
    assert charts.count(" m ") > 20  # paths: bars, axes, ticks, lines
