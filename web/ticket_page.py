"""One ticket's page as the signed-in user may see it, read as GET /api/v1/tickets/<number>
reads it: the same domain functions, the same masking, the same access audit rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.context import audited, source
from hotline import access, attachments, audit, clock, joint, milestones, repeats, tickets
from hotline.actors import Actor
from hotline.audit import AuditAction
from hotline.calendar import WorkingCalendar
from hotline.errors import Forbidden, NotFound
from hotline.escalations import visible_escalations
from hotline.messages.templates import KIND_TITLES
from hotline.messages.ticket_view import sees_messages, ticket_messages
from hotline.models import Escalation, Ticket, Unit
from hotline.statuses import PartStatus, TicketStatus
from processes.runtime import Runtime
from web import diagram
from web.ticket_view import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    LEVEL_LABELS,
    MILESTONE_LABELS,
    PART_ROLE_LABELS,
    PART_STATUS_LABELS,
    SATISFACTION_LABELS,
    TICKET_STATUS_LABELS,
    URGENCY_LABELS,
    diagram_labels,
    group_label,
    handling_due,
    local_time,
    time_left,
    timeline,
)

RUNNING_PARTS = (PartStatus.DISPATCHED, PartStatus.HANDLING)
LINK_LABELS = {
    ("merged_into", "outgoing"): "已并入",
    ("merged_into", "incoming"): "并入本单的工单",
    ("terminated_as_repeat_of", "outgoing"): "作为重复诉求终结，原工单",
    ("terminated_as_repeat_of", "incoming"): "重复本单而终结的工单",
}
REPEAT_REASONS = {"same_phone": "同一来电号码", "similar_content": "内容相似"}
MESSAGE_CHANNELS = {"sms": "短信", "email": "电子邮件", "inapp": "站内消息", "log": "日志"}
RECIPIENTS = {
    "unit": "承办单位",
    "unit_leader": "承办单位负责人",
    "requester": "诉求人",
    "government": "本级人民政府",
    "duty_office": "值班室",
    "leader": "领导",
    "center": "热线中心",
}
MESSAGE_STATUSES = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已发送",
    "failed": "发送失败",
}


def ticket_context(
    session: Session, runtime: Runtime, who: Actor, ticket: Ticket, instance_id: int | None
) -> dict[str, Any] | None:
    """The ticket page's context; None when `instance_id` is not one of the ticket's."""
    rows = diagram.ticket_instances(session, ticket)
    try:
        shown = diagram.pick(rows, instance_id) if rows else None
    except NotFound:
        return None
    if ticket.confidential:  # meizhou 第二十一条: who opened a confidential matter is kept
        audited(session, AuditAction.OPEN_CONFIDENTIAL, ticket)
    # Shown in clear: one READ_REQUESTER row, exactly as the API records it.
    requester = audit.shown_requester(session, ticket, who, source())
    calendar = WorkingCalendar.load(session)
    units = {u.code: u.name for u in session.scalars(select(Unit))}
    labels = diagram_labels(runtime, session, rows)
    state = diagram.diagram_state(runtime, session, shown) if shown is not None else None
    return {
        "title": f"工单 {ticket.number}",
        "ticket": ticket,
        "facts": _facts(ticket, units),
        "requester": requester,
        "address": access.address_shown(ticket, who),
        "deadlines": _deadlines(session, ticket, calendar),
        "parts": _parts(session, ticket, calendar, units),
        "escalations": _escalations(session, who, ticket, units),
        "attachments": attachments.ticket_attachments(session, ticket),
        "tasks": _tasks(session, who, ticket, labels.tasks, units),
        **_related(session, who, ticket),
        "timeline": timeline(tickets.ticket_events(session, ticket), labels, units),
        "instances": rows,
        "shown": shown,
        "steps": _steps(state, shown),
        "local_time": local_time,
    }


def _steps(state: diagram.DiagramState | None, shown: diagram.InstanceRow | None) -> list[Any]:
    if state is None or shown is None:
        return []
    return diagram.steps(state, diagram.shape_of(shown.definition))


def _facts(ticket: Ticket, units: dict[str, str]) -> list[tuple[str, str]]:
    unit = ticket.current_unit
    facts = [
        ("状态", TICKET_STATUS_LABELS.get(ticket.status, ticket.status)),
        ("诉求类型", CATEGORY_LABELS.get(ticket.category, ticket.category)),
        ("紧急程度", URGENCY_LABELS.get(ticket.urgency, ticket.urgency)),
        ("来源渠道", CHANNEL_LABELS.get(ticket.channel, ticket.channel)),
        ("承办单位", f"{units.get(unit, unit)}（{unit}）" if unit else "—"),
        ("会签", "是" if ticket.joint else "否"),
        ("登记时间", local_time(ticket.created_at)),
        ("派单时间", local_time(ticket.dispatched_at)),
        ("办结时间", local_time(ticket.closed_at)),
        ("退单次数", str(ticket.return_count)),
        ("重办次数", str(ticket.rehandle_count)),
        ("延期次数", str(ticket.extension_count)),
    ]
    if ticket.escalation_level:
        facts.append(("督办级别", LEVEL_LABELS.get(ticket.escalation_level, "")))
    if ticket.satisfaction:
        facts.append(("满意度", SATISFACTION_LABELS.get(ticket.satisfaction, ticket.satisfaction)))
    if ticket.confidential:
        facts.append(("保密", "保密工单：诉求人信息按规定保密"))
    return facts


def _deadlines(session: Session, ticket: Ticket, calendar: WorkingCalendar) -> list[Any]:
    """Each running or past deadline of the ticket with its working time left."""
    closed = ticket.closed_at is not None
    found = [
        (
            "签收时限",
            time_left(
                calendar,
                ticket.acknowledge_due_at,
                done=ticket.status != TicketStatus.DISPATCHED,
                done_text="已停止计时",
            ),
        ),
        ("办理时限", handling_due(calendar, ticket)),
        ("上级平台时限", time_left(calendar, ticket.upper_deadline, done=closed)),
    ]
    for item in milestones.ticket_milestones(session, ticket):
        name = MILESTONE_LABELS.get(item["name"], item["name"])
        reported = item["reported_at"] is not None
        shown = time_left(calendar, item["due_at"], done=reported or closed, late=item["overdue"])
        found.append((f"办理节点：{name}", shown))
    return [(label, shown) for label, shown in found if shown is not None]


def _parts(
    session: Session, ticket: Ticket, calendar: WorkingCalendar, units: dict[str, str]
) -> list[dict[str, Any]]:
    if not ticket.joint:
        return []
    now = clock.now()
    found = []
    for part in joint.parts_of(session, ticket.id):
        ended = part.completed_at is not None or part.status not in RUNNING_PARTS
        found.append(
            {
                "unit": f"{units.get(part.unit_code, part.unit_code)}（{part.unit_code}）",
                "role": PART_ROLE_LABELS.get(part.role, part.role),
                "status": PART_STATUS_LABELS.get(part.status, part.status),
                "due": time_left(
                    calendar, part.due_at, done=ended, late=joint.is_part_overdue(part, now)
                ),
            }
        )
    return found


def _escalations(
    session: Session, who: Actor, ticket: Ticket, units: dict[str, str]
) -> list[dict[str, Any]] | None:
    """The ticket's escalations the user may read (as GET /api/v1/escalations); None for
    those who read none (operators)."""
    try:
        query = visible_escalations(who)
    except Forbidden:
        return None
    rows = session.execute(
        query.where(Escalation.ticket_id == ticket.id).order_by(Escalation.id)
    ).all()
    return [
        {
            "level": LEVEL_LABELS.get(row[0].level, row[0].level),
            "unit": units.get(row[0].unit_code or "", row[0].unit_code or "—"),
            "reason": row[0].reason,
            "by": row[0].actor_name,
            "at": local_time(row[0].created_at),
            "open": row[0].open,
            "resolution": row[0].resolution,
        }
        for row in rows
    ]


def _tasks(
    session: Session, who: Actor, ticket: Ticket, names: dict[str, str], units: dict[str, str]
) -> list[dict[str, Any]]:
    """The ticket's ready tasks; those offered to the user link to the task page."""
    return [
        {
            "id": task.id,
            "name": task.name or names.get(task.task_id, task.task_id),
            "group": group_label(task.candidate_group, units),
            "due": local_time(task.due_at),
            "mine": access.may_claim(who, task.candidate_group, ticket.confidential),
        }
        for task in tickets.open_tasks(session, ticket)
    ]


def _related(session: Session, who: Actor, ticket: Ticket) -> dict[str, Any]:
    """Merges and terminations, possible repeats and messages, as the API shows them: repeats
    to those who judge them (audited when they tell a phone), messages to their readers."""
    links = [
        {
            "kind": LINK_LABELS.get((link["kind"], link["direction"]), link["kind"]),
            "number": link["number"],
            "status": TICKET_STATUS_LABELS.get(link["status"], link["status"]),
            "at": local_time(link["created_at"]),
        }
        for link in repeats.ticket_links(session, ticket)
    ]
    seen: dict[str, Any] = {"links": links, "repeats": None, "messages": None}
    if access.sees_repeats(who):
        found = repeats.possible_repeats(session, ticket)
        shown = audit.shown_repeats(session, ticket, who, found, source())
        seen["repeats"] = [
            {
                "number": item["number"],
                "status": TICKET_STATUS_LABELS.get(item["status"], item["status"]),
                "reason": REPEAT_REASONS.get(item["reason"], item["reason"]),
                "score": f"{item['score']:.0%}" if item["score"] is not None else "—",
            }
            for item in shown
        ]
    if sees_messages(who):
        seen["messages"] = [
            {
                "kind": KIND_TITLES.get(m.kind, m.kind),
                "to": _recipient(m.recipient, m.recipient_name, m.unit_code),
                "channel": MESSAGE_CHANNELS.get(m.channel, m.channel),
                "status": MESSAGE_STATUSES.get(m.status, m.status),
                "at": local_time(m.sent_at or m.created_at),
                "late": m.on_time is False,
            }
            for m in ticket_messages(session, ticket)
        ]
    return seen


def _recipient(kind: str, name: str | None, unit_code: str | None) -> str:
    """Who a message went to: its name when the outbox has one, else the kind in words."""
    if name and name != kind:
        return name
    shown = RECIPIENTS.get(kind, kind)
    return f"{shown}（{unit_code}）" if unit_code else shown
