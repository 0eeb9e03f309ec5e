"""The API's per-field messages in Chinese, for the workplace's forms.

The API answers 422 with English messages (marshmallow's own, and the handlers' rules in
handlers/ and hotline/); a page shows each next to its field in Chinese, naming fields by
the diagram's labels and choices by their Chinese names. A message no rule knows falls back
to a general sentence with the original text in parentheses, so nothing is ever hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

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
    (r"(\w+) has no extension kind '?([^']*)'?", lambda m, n: f"没有“{m.group(2)}”这种延期类型"),
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
        lambda m, n: f"只有{m.group(1)}类工单可以申请延期（{m.group(3)}）",
    ),
    (
        r"the limit ended at (.*); ask for extensions before due \((.*)\)",
        lambda m, n: f"办理时限已于 {m.group(1)} 届满，延期须在到期前申请（{m.group(2)}）",
    ),
    (
        r"an extension must be asked at least (.*) before due, by (.*) \((.*)\)",
        lambda m, n: f"延期须在到期前至少 {m.group(1)} 申请，即 {m.group(2)} 之前（{m.group(3)}）",
    ),
    (
        r"already extended (\d+) time\(s\): (.*)",
        lambda m, n: f"已延期 {m.group(1)} 次（{m.group(2)}）",
    ),
    (r"required to grant (.*)", lambda m, n: f"超出上限批准时必须填写（{m.group(1)}）"),
    (r"required: (.*)", lambda m, n: f"必须填写（{m.group(1)}）"),
    (
        r"the law gives the length: state it in working days \((.*)\)",
        lambda m, n: f"时长由法律规定：请按工作日填写（{m.group(1)}）",
    ),
    (r"beyond (.*)", lambda m, n: f"超出上限（{m.group(1)}）"),
    (
        r"the unit of (.*) may not return it or object to it under (.*)",
        lambda m, n: f"本工单不能退单或提出派单异议（{m.group(2)}）",
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
