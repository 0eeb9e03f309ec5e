"""The API's per-field messages in Chinese, for the workplace's forms.

The API answers 422 with English messages (marshmallow's own, and the handlers' rules in
handlers/ and hotline/); a page shows each next to its field in Chinese, naming fields by
the diagram's labels and choices by their Chinese names. A message no rule knows falls back
to a general sentence with the original text in parentheses, so nothing is ever hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from hotline.statuses import TICKET_STATUS_LABELS

Labels = Mapping[str, str]
Options = Mapping[str, Mapping[str, str]]
Rule = Callable[[re.Match[str], "Names"], str]

FALLBACK = "填写有误，请检查后重试"


class Names:
    """Chinese names of the form's fields and choices, for the message being translated."""

    def __init__(self, field: str, labels: Labels, options: Options) -> None:
        self.field = field
        self.labels = labels
        self.options = options

    def label(self, name: str) -> str:
        """A field's label (its id when the form has no such field)."""
        return self.labels.get(name, _FIELD_NAMES.get(name, name))

    def choice(self, name: str, value: str) -> str:
        """The Chinese name of choice `value` of field `name`."""
        return self.options.get(name, {}).get(value, _VALUE_NAMES.get(value, value))


# Field names messages may mention that are not on the form itself (intake, API words).
_FIELD_NAMES = {
    "requester": "诉求人",
    "requester.name": "诉求人姓名",
    "requester.phone": "联系电话",
    "ticket": "工单",
    "Idempotency-Key": "表单",
}
_VALUE_NAMES = {"true": "是", "false": "否", "True": "是", "False": "否", "None": "未填写"}
_UNIT_KINDS = {"working days": "个工作日", "hours": "小时", "working hours": "个工作小时"}


def _when(m: re.Match[str], n: Names) -> str:
    other, value = m.group("field"), m.group("value")
    return f"「{n.label(other)}」为「{n.choice(other, value)}」时必须填写"


def _one_of(m: re.Match[str], n: Names) -> str:
    choices = [c.strip() for c in m.group(1).split(",") if c.strip()]
    names = "、".join(n.choice(n.field, c) for c in choices)
    return f"请从以下选项中选择：{names}" if names else "请从列表中选择"


# English words the profile's rule texts carry into messages (hotline.policy describe()).
_PLAIN = (
    (" working day(s)", " 个工作日"),
    (" working days", " 个工作日"),
    (" min", " 分钟"),
    (" h", " 小时"),
    ("× the original limit", " 倍原办理时限"),
    (" (default, not from the regulation)", "（默认值，非法规规定）"),
    (", a default not from the regulation", "，默认值，非法规规定"),
    ("in principle ", "原则上"),
    (" in all", "（累计）"),
    (", ", "、"),
)
_CATEGORIES = {
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
    "appeal": "申诉",
}
_HOLDINGS = {
    "joint": "会签（牵办）工单",
    "leader": "领导批办指定承办单位的工单",
    "authority": "管理机构在派单异议后指定承办单位的工单",
    "government": "政府指定承办单位的工单",
}


def _plain(text: str) -> str:
    """Rule text (limits, categories) with its English words in Chinese."""
    for english, chinese in _PLAIN:
        text = text.replace(english, chinese)
    text = re.sub(r" \((.*)\)$", r"（\1）", text)
    return re.sub(r"\b[a-z]+\b", lambda w: _CATEGORIES.get(w.group(0), w.group(0)), text)


def _inner(text: str, names: Names) -> str:
    """A message inside a message (a refusal quoted by another), in Chinese when known."""
    return translate(text, names) or _plain(text)


def _holding(text: str) -> str:
    found = [chinese for word, chinese in _HOLDINGS.items() if word in text]
    return found[0] if found else "本工单"


def _codes(text: str) -> str:
    return "、".join(c.strip().strip("'\"") for c in text.split(","))


def _who(text: str) -> str:
    return "热线中心（分类处置时）" if text.startswith("the center") else "承办单位"


def _status(status: str) -> str:
    return f"状态为「{TICKET_STATUS_LABELS.get(status, status)}」"


def _not_original(m: re.Match[str], n: Names) -> str:
    number, status, which, source = m.groups()
    kinds = "在办或已办结" if "open" in which else "已办结"
    return f"工单 {number} 当前{_status(status)}：只能终结{kinds}工单的重复诉求（{source}）"


def _extended(m: re.Match[str], n: Names) -> str:
    count, soft, most, may, source = m.groups()
    cap = "原则上" if soft else ""
    more = "；审批人可说明理由后准予" if may else ""
    return f"已延期 {count} 次，{cap}最多 {most} 次{more}（{source}）"


def _between(low: str, high: str, unit: str) -> str:
    return f"应在 {low} 到 {high} {unit}之间"


# (pattern, Chinese) in the order tried; a pattern matches the whole message.
RULES: list[tuple[str, str | Rule]] = [
    # marshmallow's defaults and hotline.fields
    (r"Missing data for required field\.", "必须填写"),
    (r"Field may not be null\.", "必须填写"),
    (r"Not a valid integer\.", "请填写整数"),
    (r"Not a valid number\.", "请填写数字"),
    (r"Not a valid boolean\.", "请选择“是”或“否”"),
    (r"must be true or false", "请选择“是”或“否”"),
    (r"Not a valid (aware |naive )?datetime\.", "请填写有效的日期和时间"),
    (r"Not a valid date\.", "请填写有效的日期"),
    (r"Not a valid string\.", "请填写文字"),
    (r"Not a valid mapping type\.", "格式有误"),
    (r"Invalid input type\.", "格式有误"),
    (r"Unknown field\.", "表单中没有这一项，请刷新页面后重试"),
    (r"Must be one of: (.*)\.", _one_of),
    (r"Shorter than minimum length (\d+)\.", lambda m, n: f"至少 {m.group(1)} 个字"),
    (r"Longer than maximum length (\d+)\.", lambda m, n: f"最多 {m.group(1)} 个字"),
    (
        r"Length must be between (\d+) and (\d+)\.",
        lambda m, n: _between(m.group(1), m.group(2), "个字"),
    ),
    (r"Length must be (\d+)\.", lambda m, n: f"应为 {m.group(1)} 个字"),
    (
        r"Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\.",
        lambda m, n: _between(m.group(1), m.group(2), ""),
    ),
    (r"Must be greater than or equal to (-?\d+)\.", lambda m, n: f"不能小于 {m.group(1)}"),
    (r"Must be less than or equal to (-?\d+)\.", lambda m, n: f"不能大于 {m.group(1)}"),
    (r"Must be greater than (-?\d+)\.", lambda m, n: f"应大于 {m.group(1)}"),
    (r"Must be less than (-?\d+)\.", lambda m, n: f"应小于 {m.group(1)}"),
    (r"String does not match expected pattern\.", "格式不正确"),
    (r"must not contain NUL characters", "含有无法保存的字符"),
    (r"must be valid Unicode text", "含有无法保存的字符"),
    (r"must not be blank", "不能只填空格"),
    (r"not a phone number", "请填写有效的电话号码（数字，可带 + 和 -）"),
    (r"this field is read-only", "此项只读，不能修改"),
    # handlers/: rules spanning fields
    (r"required when (?P<field>[a-z_]+) is (?P<value>[A-Za-z_]+)", _when),
    (r"required for a return under (\w+) \((.*)\)", lambda m, n: f"退单时必须填写（{m.group(2)}）"),
    (
        r"unit '?([^' ]*)'? does not exist or is inactive",
        lambda m, n: f"单位代码「{m.group(1)}」不存在或已停用",
    ),
    (
        r"at most (\d+) units, got (\d+)",
        lambda m, n: f"最多 {m.group(1)} 个单位，填了 {m.group(2)} 个",
    ),
    (r"joint handling needs assisting units", "会签需要至少一个协办单位"),
    (r"joint handling needs units besides the lead unit", "会签需要主办单位以外的至少一个单位"),
    (r"reassign to another unit, or choose uphold", "请改派给其他单位，或选择“维持原派单”"),
    (
        r"(\S+) returned this part; choose another unit",
        lambda m, n: f"{m.group(1)} 已退回这部分，请选择其他单位",
    ),
    (
        r"(\S+) already has a part of this ticket",
        lambda m, n: f"{m.group(1)} 已承办本工单的一部分",
    ),
    (
        r"the lead unit's part cannot be dropped.*",
        "主办单位的部分不能撤销：请改派给将主办并汇总答复的单位",
    ),
    (
        r"only a direct answer \(disposition answer\) cites",
        "只有“直接答复”时才引用知识条目",
    ),
    (r"at most (\d+) characters", lambda m, n: f"最多 {m.group(1)} 个字"),
    (r"must be an ISO 8601 date-time with a time zone offset", "请填写有效的日期和时间"),
    (r"must be in the future", "应晚于现在"),
    (r"must be within a year from now", "应在一年以内"),
    (r"must be at least (\d+)", lambda m, n: f"不能小于 {m.group(1)}"),
    (
        r"at most (\d+) (working days|hours|working hours)",
        lambda m, n: f"最多 {m.group(1)} {_UNIT_KINDS[m.group(2)]}",
    ),
    (
        r"(\w+) has no extension kind '?([^']*?)'?( \(kinds: (.*)\))?",
        lambda m, n: (
            f"没有“{m.group(2)}”这种延期类型" + (f"（可选：{m.group(4)}）" if m.group(4) else "")
        ),
    ),
    (
        r"(\w+) provides no extension(: .*)? \((.*)\)",
        lambda m, n: f"本地规定不设延期办理（{m.group(3)}）",
    ),
    (
        r"tell the requester of the extension first \((.*)\)",
        lambda m, n: f"须先向诉求人说明延期情况（{m.group(1)}）",
    ),
    (
        r"a written statement is required \((.*)\)",
        lambda m, n: f"须提交书面说明（{m.group(1)}）",
    ),
    (
        r"extensions are for (.*) only, not (\w+) \((.*)\)",
        lambda m, n: f"只有{_plain(m.group(1))}类工单可以申请延期（{m.group(3)}）",
    ),
    (
        r"the limit ended at (.*); ask for extensions before due \((.*)\)",
        lambda m, n: f"办理时限已于 {m.group(1)} 届满，延期须在到期前申请（{m.group(2)}）",
    ),
    (
        r"an extension must be asked at least (.*) before due, by (.*) \((.*)\)",
        lambda m, n: (
            f"延期须在到期前至少 {_plain(m.group(1))} 申请，即 {m.group(2)} 之前（{m.group(3)}）"
        ),
    ),
    (r"already extended (\d+) time\(s\): (in principle )?at most (\d+)(; .*)? \((.*)\)", _extended),
    (r"required to grant (.*)", lambda m, n: f"批准时长{_inner(m.group(1), n)}，须写明书面理由"),
    (r"required: (.*)", lambda m, n: f"必须填写：{_inner(m.group(1), n)}"),
    (
        r"the law gives the length: state it in working days \((.*)\)",
        lambda m, n: f"时长由法律规定：请按工作日填写（{m.group(1)}）",
    ),
    (r"beyond (.*)", lambda m, n: f"超出上限 {_plain(m.group(1))}"),
    (
        r"the unit of (.*) may not return it or object to it under \w+ \((.*)\)",
        lambda m, n: f"{_holding(m.group(1))}不能退单或提出派单异议（{_plain(m.group(2))}）",
    ),
    (r"an appeal is accepted on checked evidence", "受理申诉须先核实证据"),
    (r"who filed the appeal does not decide it", "申诉人不能审核自己的申诉"),
    (
        r"the article's retirement is being reviewed: resubmit after it ends",
        "该知识条目正在下架审核中，请在审核结束后再提交",
    ),
    (
        r"this version takes effect on (\S+);.*",
        lambda m, n: (
            f"该版本 {m.group(1)} 起生效，现在通过会使条目在此之前下线：请在当天或之后审核通过"
        ),
    ),
    (
        r"you wrote, submitted or requested this yourself.*",
        "这是您本人编写、提交或申请的，须由其他审核人通过（采集与审核分离）；您仍可驳回",
    ),
    (
        r"ticket (\S+) is (\w+): a government decision redirects.*",
        lambda m, n: f"工单 {m.group(1)} 当前状态不能由政府决定改派",
    ),
    (r"reused with a different body", "此表单已提交过，请重新填写后提交"),
    (r"joint handling needs a lead unit and assisting units", "会签需要主办单位和协办单位"),
    (r"required for joint handling: the lead unit \(主办单位\) code", "会签时必须填写主办单位代码"),
    (
        r"unknown or inactive unit\(s\): (.*)",
        lambda m, n: f"单位代码不存在或已停用：{_codes(m.group(1))}",
    ),
    (r"name at least one assisting unit.*", "除主办单位外，至少填写一个协办单位，如“HBJ,LZQ”"),
    # hotline.termination and hotline.repeats: 终结办理 and 并单
    (
        r"under (\w+) a repeat is terminated by (.*), not by (.*) \((.*)\)",
        lambda m, n: (
            f"按规定，重复诉求由{_who(m.group(2))}终结，不由{_who(m.group(3))}终结（{m.group(4)}）"
        ),
    ),
    (r"required when terminating", "终结办理时必须填写"),
    (
        r"(\S+) handled no ticket '?([^']*)'?: a unit terminates only.*\((.*)\)",
        lambda m, n: (
            f"{m.group(1)} 没有办理过工单 {m.group(2)}："
            f"单位只能终结本单位依法办理过的诉求的重复诉求（{m.group(3)}）"
        ),
    ),
    (r"ticket '?([^' ]+?)'? does not exist", lambda m, n: f"工单 {m.group(1)} 不存在"),
    (r"a ticket cannot repeat itself", "工单不能是自身的重复诉求"),
    (r"a ticket cannot be merged into itself", "工单不能并入自身"),
    (
        r"ticket (\S+) is newer: terminate against an earlier ticket",
        lambda m, n: f"工单 {m.group(1)} 晚于本工单登记：请填写更早的原工单",
    ),
    (
        r"ticket (\S+) is (\w+): terminate only repeats of (an open or |a )handled"
        r".*? ticket \((.*)\)",
        _not_original,
    ),
    (
        r"ticket (\S+) came from another requester.*\((.*)\)",
        lambda m, n: (
            f"工单 {m.group(1)} 的诉求人不是同一人：只能终结同一诉求人的重复诉求（{m.group(2)}）"
        ),
    ),
    (
        r"a written opinion is required \((.*)\)",
        lambda m, n: f"必须填写详细书面意见（{m.group(1)}）",
    ),
    (
        r"ticket (\S+) is (\w+): merge only into an open ticket",
        lambda m, n: f"工单 {m.group(1)} 当前{_status(m.group(2))}：只能并入未办结的工单",
    ),
    # hotline.knowledge_questions: articles a direct answer cites, or a question's answer
    (r"article (\S+) does not exist", lambda m, n: f"知识条目 {m.group(1)} 不存在"),
    (
        r"article (\S+) belongs to (\S+), not to (\S+)",
        lambda m, n: f"知识条目 {m.group(1)} 属于 {m.group(2)}，不是 {m.group(3)} 的",
    ),
    (r"article (\S+) is retired", lambda m, n: f"知识条目 {m.group(1)} 已下架"),
    (
        r"article (\S+) is (\w+): submit it for review first",
        lambda m, n: f"知识条目 {m.group(1)} 尚未提交审核：请先提交审核",
    ),
    (r"article (\S+) is (\w+), not published", lambda m, n: f"知识条目 {m.group(1)} 尚未发布"),
    (r"article (\S+) is not valid today", lambda m, n: f"知识条目 {m.group(1)} 今天不在有效期内"),
    (
        r"at most (\d+) articles, got (\d+)",
        lambda m, n: f"最多引用 {m.group(1)} 个知识条目，填了 {m.group(2)} 个",
    ),
    (r"'?(.*?)'? is not an article id", lambda m, n: f"“{m.group(1)}”不是知识条目编号"),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), chinese) for pattern, chinese in RULES]


def translate(message: str, names: Names) -> str | None:
    """The Chinese for `message`, or None when no rule knows it."""
    text = message.strip()
    for pattern, chinese in _COMPILED:
        found = pattern.fullmatch(text)
        if found is not None:
            return chinese if isinstance(chinese, str) else chinese(found, names)
    return None


def field_message(
    field: str, message: str, labels: Labels | None = None, options: Options | None = None
) -> str:
    """`message` about form field `field` in Chinese; unknown ones: a general sentence with
    the original in parentheses."""
    names = Names(field, labels or {}, options or {})
    return translate(message, names) or f"{FALLBACK}（{message}）"


def is_known(message: str) -> bool:
    """Whether a rule translates `message` (tests walk the handlers' messages with it)."""
    return translate(message, Names("", {}, {})) is not None


__all__ = ["FALLBACK", "field_message", "is_known", "translate"]
