"""A message's text: the profile's Chinese template filled with the ticket's public fields.

Only `hotline.policy.messages.PLACEHOLDERS` exist (number, category, urgency, unit, due,
level); the loader refuses any other, so no template can print the requester's name, phone
or the content. Times are shown in Beijing time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline.clock import SHANGHAI
from hotline.statuses import CATEGORY_LABELS

URGENCY_LABELS = {
    "normal": "一般",
    "special": "特殊事项",
    "urgent": "特殊紧急事项",
    "epidemic": "疫情",
}
LEVEL_LABELS = {
    "urge": "催办",
    "supervision_order": "督办单",
    "yellow_card": "黄牌警告",
    "red_card": "红牌警告",
    "summons": "约谈",
    "government_review": "报同级人民政府督办",
}
# A message's title (e-mail subject, in-app title): the kind in a few characters.
KIND_TITLES = {
    "ticket_dispatched": "工单派发",
    "deadline_reminder": "到期提醒",
    "ticket_urged": "催办",
    "supervision_order": "督办单",
    "yellow_card": "黄牌警告",
    "red_card": "红牌警告",
    "summons": "约谈通知",
    "government_review": "政府督办",
    "government_decision": "政府督办决定",
    "special_ticket": "特殊事项交办",
    "emergency_reported": "应急事项报告",
    "extension_notice": "延期告知",
    "result_notice": "办理结果告知",
    "callback_request": "满意度回访",
}
UNKNOWN = "待定"  # a field the ticket does not have yet (e.g. no unit before dispatch)


@dataclass(frozen=True)
class PublicFields:
    """What a template may show of a ticket: nothing that identifies the requester."""

    number: str
    category: str
    urgency: str
    unit_name: str | None = None
    due: datetime | None = None
    level: str | None = None


def beijing_time(when: datetime | None) -> str:
    """`2026年11月23日 17:30` in Beijing time, or 待定; midnight is the day before's 24:00."""
    if when is None:
        return UNKNOWN
    local = when.astimezone(SHANGHAI)
    if (local.hour, local.minute) == (0, 0):  # a limit ending with a day reads as that day's end
        day = local - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def render(template: str, fields: PublicFields) -> str:
    """The template with its placeholders filled (labels in Chinese, times in Beijing time)."""
    return template.format(
        number=fields.number,
        category=CATEGORY_LABELS.get(fields.category, fields.category),
        urgency=URGENCY_LABELS.get(fields.urgency, fields.urgency),
        unit=fields.unit_name or UNKNOWN,
        due=beijing_time(fields.due),
        level=LEVEL_LABELS.get(fields.level or "", fields.level or UNKNOWN),
    )


def subject(kind: str, number: str) -> str:
    """The title of a message: `催办：GY20261122000123`."""
    return f"{KIND_TITLES.get(kind, kind)}：{number}"
