"""A bulletin as a printable A4 PDF: heading, summary, one table per section, the charts.

Text is set in STSong-Light (hotline.bulletins.charts), a standard CJK font of PDF readers:
nothing is fetched or embedded, and the text stays searchable and extractable.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from hotline.bulletins.charts import drawing, register_fonts
from hotline.bulletins.content import (
    NOT_AVAILABLE,
    BulletinContent,
    Section,
    reason_title,
    shown_time,
    written,
)

MARGIN = 18 * mm
_GRID = colors.HexColor("#9aa7b8")
_HEAD_FILL = colors.HexColor("#dde6f3")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=17, leading=24, alignment=1),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=10),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15, firstLineIndent=20),
        "note": ParagraphStyle(
            "note", fontName=font, fontSize=8.5, leading=12, textColor=colors.grey
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
        "num": ParagraphStyle("num", fontName=font, fontSize=8, leading=10, alignment=2),
    }


def render_pdf(content: BulletinContent) -> bytes:
    """The PDF as bytes."""
    font = register_fonts()
    style = _styles(font)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=content.title,
        author=content.issuer,
        subject=f"{content.period} v{content.version}",
    )
    story: list[Flowable] = [
        Paragraph(escape(content.title), style["title"]),
        Paragraph(
            escape(
                f"第{content.version}版，{reason_title(content.reason)}，"
                f"生成于 {shown_time(content.generated_at)}"
            ),
            style["sub"],
        ),
        Spacer(1, 6 * mm),
    ]
    if content.summary:
        story.append(Paragraph("一、总体情况", style["h2"]))
        story += [Paragraph(escape(line), style["body"]) for line in content.summary]
    for number, section in enumerate(content.sections, start=2):
        story += _section(section, number, style, doc.width)
    if content.charts:
        story.append(CondPageBreak(90 * mm))
        story.append(Paragraph(f"{_ordinal(len(content.sections) + 2)}、图表", style["h2"]))
        story += [KeepTogether([drawing(chart), Spacer(1, 4 * mm)]) for chart in content.charts]
    story += [Paragraph(escape(note), style["note"]) for note in content.notes]

    def footer(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, f"{content.title} — 第 {canvas.getPageNumber()} 页"
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


_NUMERALS = "零一二三四五六七八九十"


def _ordinal(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n]
    return "十" + (_NUMERALS[n - 10] if n > 10 else "")


def _section(
    section: Section, number: int, style: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    heading = Paragraph(f"{_ordinal(number)}、{escape(section.title)}", style["h2"])
    parts: list[Flowable] = [heading]
    if section.note:
        parts.append(Paragraph(escape(section.note), style["note"]))
    if not section.available:
        return [*parts, Paragraph(NOT_AVAILABLE, style["body"])]
    if not section.rows:
        return [*parts, Paragraph("本期无记录。", style["body"])]
    head = [Paragraph(escape(c.title), style["cell"]) for c in section.columns]
    body = [
        [
            Paragraph(
                escape(written(row.get(c.key), c.kind)),
                style["cell" if c.kind == "text" else "num"],
            )
            for c in section.columns
        ]
        for row in section.rows
    ]
    table = Table([head, *body], colWidths=_widths(section, width), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
                ("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return [*parts[:1], *parts[1:], table]


def _widths(section: Section, width: float) -> list[float]:
    """Text columns get twice the room of number columns."""
    weights = [2.2 if c.kind == "text" else 1.0 for c in section.columns]
    total = sum(weights)
    return [width * w / total for w in weights]
