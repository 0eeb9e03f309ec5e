"""The archive record's summary as a printable A4 PDF in Chinese (工单归档摘要).

Drawn from the archive document alone (hotline.archive_document), in STSong-Light as the
bulletins are (hotline.bulletins.charts.register_fonts): nothing fetched or embedded, the
text searchable. It names the document's sha256, so a printout can be matched to the JSON.
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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from hotline.bulletins.charts import register_fonts
from hotline.bulletins.content import shown_time
from hotline.messages.templates import LEVEL_LABELS, URGENCY_LABELS
from hotline.statuses import CATEGORY_LABELS

MARGIN = 18 * mm
_GRID = colors.HexColor("#9aa7b8")
_HEAD_FILL = colors.HexColor("#dde6f3")
STATUS_LABELS = {
    "closed": "已办结",
    "closed_with_note": "备注办结",
    "declined": "不予受理",
    "merged": "已合并",
    "terminated": "终结办理",
}
CHANNEL_LABELS = {
    "phone": "电话",
    "wechat": "微信",
    "web": "网站",
    "app": "APP",
    "email": "电子邮件",
    "mailbox": "信箱",
    "weibo": "微博",
    "upper_platform": "上级平台转来",
}
SATISFACTION_LABELS = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "unsatisfied": "不满意",
    "no_response": "未评价",
}
NUMERALS = "一二三四五六七八九十"
NONE = "—"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=17, leading=24, alignment=1),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=9.5, leading=14, alignment=1),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=8),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10),
    }


def _time(value: Any) -> str:
    return shown_time(value) if isinstance(value, str) and value else NONE


def _text(value: Any) -> str:
    return NONE if value in (None, "", [], {}) else str(value)


def render(document: dict[str, Any], sha256: str) -> bytes:
    """The summary PDF of an archive document whose canonical JSON hashes to `sha256`."""
    font = register_fonts()
    style = _styles(font)
    ticket = document["ticket"]
    title = f"12345热线工单归档摘要 {document['number']}"
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        subject=f"sha256 {sha256}",
    )
    story: list[Flowable] = [
        Paragraph(escape(title), style["title"]),
        Paragraph(escape(f"归档时间 {_time(document['archived_at'])}"), style["sub"]),
        Paragraph(escape(f"归档数据 (JSON) sha256：{sha256}"), style["sub"]),
        Spacer(1, 5 * mm),
    ]
    sections = [
        ("工单信息", [_fields(ticket, document, style, doc.width)]),
        ("诉求内容", [Paragraph(escape(_text(ticket.get("content"))), style["body"])]),
        ("办理结果", _result(ticket, document, style)),
        ("诉求人信息", [Paragraph(escape(_requester(document)), style["body"])]),
    ]
    for key, heading, columns in TABLES:
        rows = document.get(key) or []
        if rows:
            sections.append((heading, [_table(columns, rows, style, doc.width)]))
    for number, (heading, flowables) in enumerate(sections):
        story.append(Paragraph(f"{NUMERALS[number]}、{escape(heading)}", style["h2"]))
        story += flowables

    def footer(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"{title} — 第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _fields(
    ticket: dict[str, Any], document: dict[str, Any], style: dict[str, ParagraphStyle], width: float
) -> Table:
    level = ticket.get("escalation_level")

    def label(labels: dict[str, str], key: str) -> str:
        value = ticket.get(key)
        return labels.get(str(value), _text(value))

    pairs = [
        ("工单编号", document["number"]),
        ("受理渠道", label(CHANNEL_LABELS, "channel")),
        ("诉求类型", label(CATEGORY_LABELS, "category")),
        ("紧急程度", label(URGENCY_LABELS, "urgency")),
        ("保密件", "是" if ticket.get("confidential") else "否"),
        ("所属区域", _text(ticket.get("district"))),
        ("承办单位", _text(ticket.get("current_unit"))),
        ("会签", "是" if ticket.get("joint") else "否"),
        ("受理时间", _time(ticket.get("created_at"))),
        ("派发时间", _time(ticket.get("dispatched_at"))),
        ("办理时限", _time(ticket.get("due_at"))),
        ("办结时间", _time(ticket.get("closed_at"))),
        ("状态", label(STATUS_LABELS, "status")),
        ("是否超期", "是" if ticket.get("overdue") else "否"),
        ("延期次数", _text(ticket.get("extension_count"))),
        ("退回次数", _text(ticket.get("return_count"))),
        ("督办", label(LEVEL_LABELS, "escalation_level") if level else NONE),
        ("合并至", _text(ticket.get("merged_into"))),
    ]
    cells = [Paragraph(escape(str(v)), style["cell"]) for pair in pairs for v in pair]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    table = Table(rows, colWidths=[width * w for w in (0.14, 0.36, 0.14, 0.36)])
    table.setStyle(_grid(head=False))
    return table


def _result(
    ticket: dict[str, Any], document: dict[str, Any], style: dict[str, ParagraphStyle]
) -> list[Flowable]:
    satisfaction = document["satisfaction"]
    said = SATISFACTION_LABELS.get(satisfaction.get("satisfaction") or "", NONE)
    lines = [
        f"答复：{_text(ticket.get('reply'))}",
        f"办结说明：{_text(ticket.get('close_note'))}",
        f"回访满意度：{said}（不满意 {satisfaction.get('unsatisfied_count', 0)} 次，"
        f"重办 {satisfaction.get('rehandle_count', 0)} 次）",
    ]
    return [Paragraph(escape(line), style["body"]) for line in lines]


def _requester(document: dict[str, Any]) -> str:
    confidential = "（保密件）" if document["requester"].get("confidential") else ""
    return (
        f"诉求人姓名、电话、地址不入档{confidential}：随工单另行加密保存，"
        "保存期满后按规定清除；统计与考核数据不受影响。"
    )


# (document key, heading, [(column key, column title)]) of each listed part.
TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("events", "办理过程", (("at", "时间"), ("kind", "事项"), ("actor_name", "经办"),
                           ("task", "环节"))),
    ("parts", "会签单位", (("unit_code", "单位"), ("role", "角色"), ("status", "状态"),
                          ("completed_at", "完成时间"))),
    ("escalations", "督办记录", (("created_at", "时间"), ("level", "级别"), ("unit_code", "单位"),
                                ("reason", "事由"))),
    ("messages", "消息记录", (("created_at", "时间"), ("kind", "类型"), ("channel", "渠道"),
                             ("recipient", "对象"), ("status", "状态"))),
    ("sms_replies", "短信回复", (("received_at", "时间"), ("text", "内容"), ("outcome", "处理"))),
    ("attachments", "附件", (("filename", "文件名"), ("kind", "类别"), ("size", "字节"),
                            ("sha256", "sha256"))),
    ("appeals", "考核申诉", (("filed_at", "时间"), ("kind", "类型"), ("status", "状态"),
                           ("opinion", "意见"))),
)  # fmt: skip


def _table(
    columns: tuple[tuple[str, str], ...],
    rows: list[dict[str, Any]],
    style: dict[str, ParagraphStyle],
    width: float,
) -> Table:
    head = [Paragraph(escape(title), style["cell"]) for _key, title in columns]
    body = [
        [Paragraph(escape(_cell(row.get(key))), style["cell"]) for key, _title in columns]
        for row in rows
    ]
    table = Table([head, *body], colWidths=[width / len(columns)] * len(columns), repeatRows=1)
    table.setStyle(_grid(head=True))
    return table


def _cell(value: Any) -> str:
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        return _time(value)
    return _text(value)


def _grid(*, head: bool) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if head:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), _HEAD_FILL))
    return TableStyle(commands)
