"""What the ticket pages show, in Chinese: the labels, the working time left, the timeline.

The rows come from the domain functions the API's views call (hotline.tickets, joint,
milestones, escalations, attachments); this module only words them for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hotline import clock, tickets
from hotline.archive_pdf import CHANNEL_LABELS, SATISFACTION_LABELS
from hotline.calendar import WorkingCalendar
from hotline.deadlines import remaining_working_time
from hotline.messages.templates import LEVEL_LABELS, URGENCY_LABELS
from hotline.models import Ticket, TicketEvent
from hotline.statuses import (
    CATEGORY_LABELS,
    DELIVERED_STATUSES,
    PART_ROLE_LABELS,
    PART_STATUS_LABELS,
    TICKET_STATUS_LABELS,
    UNHANDLED_STATUSES,
)
from processes.forms import FormFieldInfo
from processes.runtime import Runtime
from web.diagram import InstanceRow, shape_of

__all__ = [
    "CATEGORY_LABELS",
    "CHANNEL_LABELS",
    "EVENT_LABELS",
    "LEVEL_LABELS",
    "PART_ROLE_LABELS",
    "PART_STATUS_LABELS",
    "SATISFACTION_LABELS",
    "TICKET_STATUS_LABELS",
    "URGENCY_LABELS",
]

# The ticket history's event kinds (hotline.history) in Chinese; unknown kinds show as-is.
EVENT_LABELS = {
    "ticket_created": "登记工单",
    "task_created": "生成待办",
    "task_completed": "完成待办",
    "timer_fired": "时限到达",
    "message_received": "收到流程消息",
    "process_completed": "流程结束",
    "process_cancelled": "流程取消",
    "process_migrated": "流程版本迁移",
    "possible_repeat_flagged": "发现疑似重复工单",
    "repeat_merged": "重复工单并入",
    "ticket_answered": "直接答复",
    "ticket_declined": "不予受理",
    "ticket_dispatched": "派单",
    "ticket_dispatched_jointly": "会签派单",
    "ticket_acknowledged": "签收",
    "ticket_returned": "退单",
    "ticket_rehandled": "重新办理",
    "ticket_merged": "并单",
    "ticket_terminated": "终结办理",
    "ticket_closed": "办结",
    "ticket_closed_with_note": "备注办结",
    "ticket_overdue": "办理超期",
    "ticket_urged": "催办",
    "ticket_escalated": "督办升级",
    "ticket_archived": "归档",
    "ticket_in_hotspot_warning": "纳入热点预警",
    "deadlines_set": "设定办理时限",
    "deadline_recomputed": "重新计算时限",
    "deadline_reminder": "到期提醒",
    "dispatch_overdue": "派单超时",
    "milestones_set": "设定办理节点",
    "milestone_reported": "报告办理节点",
    "milestone_overdue": "办理节点超期",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_refused": "不同意延期",
    "requester_informed_of_extension": "告知诉求人延期",
    "objection_raised": "派单异议",
    "objection_coordinated": "异议协调",
    "result_submitted": "提交办理结果",
    "result_approved": "审核通过",
    "result_sent_back": "审核退回",
    "callback_recorded": "回访记录",
    "callback_no_answer": "回访未接通",
    "callback_unsatisfied": "回访不满意",
    "sms_reply_received": "收到短信评价",
    "escalation_requested": "申请督办",
    "escalation_effective": "督办生效",
    "escalations_resolved": "督办解除",
    "government_review_decided": "政府督办决定",
    "leader_instructed": "领导批示",
    "part_deadlines_set": "设定分办时限",
    "part_acknowledged": "分办签收",
    "part_completed": "分办完成",
    "part_returned": "分办退回",
    "part_reassigned": "分办改派",
    "part_dropped": "撤销分办",
    "part_cancelled": "分办取消",
    "part_overdue": "分办超期",
    "joint_parts_completed": "各单位分办完成",
    "personal_data_purged": "个人信息已清除",
    "legal_hold_placed": "设置法律保全",
    "legal_hold_released": "解除法律保全",
}
# Who a task is offered to (candidate groups: a role, unit:<code>, unit_reviewer:<code>).
GROUP_LABELS = {
    "operator": "话务员",
    "center": "热线中心",
    "unit": "承办单位",
    "supervisor": "督查人员",
    "leader": "领导",
    "authority": "主管部门",
    "admin": "管理员",
}
MILESTONE_LABELS = {"first_reply": "初步处置意见", "progress_report": "处理进度"}
# Words for the data keys domain events carry; other keys are bookkeeping and not shown.
DATA_LABELS = {
    "unit": "单位",
    "units": "单位",
    "lead_unit": "主办单位",
    "suggested_unit": "建议承办单位",
    "level": "督办级别",
    "reason": "理由",
    "return_reason": "退回理由",
    "decline_reason": "不予受理理由",
    "due_at": "时限",
    "acknowledge_due_at": "签收时限",
    "candidate_group": "办理对象",
    "channel": "来源渠道",
    "note": "备注",
    "comment": "说明",
    "opinion": "意见",
    "basis": "处置依据",
    "findings": "调查结论",
    "reply": "答复",
    "answer": "答复内容",
    "outcome": "结果",
    "satisfaction": "满意度",
    "count": "数量",
    "repeat": "重复工单",
    "merge_into": "并入工单",
    "from_version": "原版本",
    "to_version": "新版本",
    "keywords": "关键词",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "channel": CHANNEL_LABELS,
    "level": LEVEL_LABELS,
    "satisfaction": SATISFACTION_LABELS,
}


def local_time(value: datetime | str | None) -> str:
    """An instant as Beijing time, "2026-11-23 09:30"; "—" for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M")
    return value.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def group_label(groups: str | None, units: dict[str, str]) -> str:
    """Candidate groups in words: "unit:ZJJ" → "示范市住房和城乡建设局"; none → the center."""
    shown = []
    for group in (groups or "center").replace(" ", "").split(","):
        kind, _, code = group.partition(":")
        if kind == "unit" and code:
            shown.append(units.get(code, code))
        elif kind == "unit_reviewer" and code:
            shown.append(f"{units.get(code, code)}审核人")
        else:
            shown.append(GROUP_LABELS.get(group, group))
    return "、".join(shown)


def span(left: timedelta) -> str:
    """Working time as "2个工作日3小时" / "45分钟" (working days count 24 hours each)."""
    minutes = int(abs(left).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}个工作日")
    if hours:
        parts.append(f"{hours}小时")
    if mins and not days:
        parts.append(f"{mins}分钟")
    return "".join(parts) or "不足1分钟"


@dataclass(frozen=True)
class TimeLeft:
    """A deadline as shown: when, working time left or overdue, in words."""

    due: str
    text: str
    overdue: bool
    soon: bool = False


def time_left(
    calendar: WorkingCalendar,
    due_at: datetime | None,
    *,
    done: bool = False,
    late: bool = False,
    done_text: str = "已完成",
) -> TimeLeft | None:
    """The deadline `due_at` with the working time left (None: no deadline). `done`: met or
    no longer running (said as `done_text`); `late`: flagged overdue by a timer even if the
    time has not passed."""
    if due_at is None:
        return None
    if done:
        return TimeLeft(local_time(due_at), done_text + ("（已超期）" if late else ""), late)
    now = clock.now()
    left = remaining_working_time(calendar, now, due_at)
    if late or due_at <= now:
        over = span(left) if left < timedelta(0) else ""
        return TimeLeft(local_time(due_at), f"已超期{over}", True)
    if left <= timedelta(0):  # a limit in clock hours running over a day off
        return TimeLeft(local_time(due_at), f"剩余{span(due_at - now)}", False, True)
    soon = left <= timedelta(hours=4)
    words = span(left) if left >= timedelta(days=1) else f"工作时间{span(left)}"
    return TimeLeft(local_time(due_at), f"剩余{words}", False, soon)


def handling_due(calendar: WorkingCalendar, ticket: Ticket) -> TimeLeft | None:
    """The handling deadline as the list and the page show it: running while the unit has
    the ticket (`UNHANDLED_STATUSES`), overdue exactly when `tickets.is_overdue` says so."""
    if ticket.closed_at is not None:
        done_text = "已办结"
    elif ticket.status in DELIVERED_STATUSES:
        done_text = "已办理"
    else:
        done_text = "已停止计时"
    return time_left(
        calendar,
        ticket.due_at,
        done=ticket.status not in UNHANDLED_STATUSES,
        late=tickets.is_overdue(ticket, clock.now()),
        done_text=done_text,
    )


# -- the timeline ------------------------------------------------------------------------------


@dataclass
class Labels:
    """Names of the elements and form fields of the versions a ticket's instances run."""

    tasks: dict[str, str] = field(default_factory=dict)
    fields: dict[str, dict[str, FormFieldInfo]] = field(default_factory=dict)


def diagram_labels(runtime: Runtime, session: Session, rows: list[InstanceRow]) -> Labels:
    """Element names and form fields of every version the ticket's instances run."""
    found = Labels()
    for definition_id in {row.definition.id for row in rows}:
        row = next(r for r in rows if r.definition.id == definition_id)
        for element in shape_of(row.definition).elements.values():
            if element.name:
                found.tasks.setdefault(element.id, element.name)
        compiled = runtime.specs.get(session, definition_id)
        for task_key, infos in compiled.forms.items():
            found.fields.setdefault(task_key, {info.id: info for info in infos})
    return found


@dataclass(frozen=True)
class Step:
    """One event of the timeline as shown."""

    at: str
    kind: str
    label: str
    who: str
    task: str | None
    details: list[tuple[str, str]]
    minor: bool


def timeline(events: list[TicketEvent], labels: Labels, units: dict[str, str]) -> list[Step]:
    """The ticket's history, oldest first, each step with its content fields in words."""
    shown = []
    for event in events:
        task = labels.tasks.get(event.task or "", event.task) if event.task else None
        fields = labels.fields.get(event.task or "", {}) if event.kind == "task_completed" else {}
        shown.append(
            Step(
                at=local_time(event.at),
                kind=event.kind,
                label=EVENT_LABELS.get(event.kind, event.kind),
                who=event.actor_name,
                task=task,
                details=_details(event.data or {}, fields, event.kind == "task_completed", units),
                minor=event.kind in ("task_created", "message_received", "timer_fired"),
            )
        )
    return shown


def _details(
    data: dict[str, Any], fields: dict[str, FormFieldInfo], form: bool, units: dict[str, str]
) -> list[tuple[str, str]]:
    """A step's fields in words: a form's as its diagram labels them, a domain event's
    known keys (the rest is bookkeeping: rule texts, seconds, ids)."""
    found = []
    for key, value in data.items():
        if value in (None, "", [], {}) or (not form and key not in DATA_LABELS):
            continue
        info = fields.get(key)
        label = (info.label if info and info.label else None) or DATA_LABELS.get(key, key)
        if key in VALUE_LABELS and isinstance(value, str):
            value = VALUE_LABELS[key].get(value, value)
        elif key == "candidate_group" and isinstance(value, str):
            value = group_label(value, units)
        found.append((label, _value(value, info)))
    return found


def _value(value: Any, info: FormFieldInfo | None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if info is not None and info.options:
        names = dict(info.options)
        if isinstance(value, list):
            return "、".join(names.get(str(v), str(v)) for v in value)
        return names.get(str(value), str(value))
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        return local_time(value)  # an ISO instant
    return str(value)
