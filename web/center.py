"""The center's approvals page (/center/extensions) and what it shares with the task page's
center panels (web.center_panels): the unit's request read from the ticket's history.

The page lists the tasks the API's inbox offers the signed-in user (hotline.access.task_scope,
as hotline.inbox does), narrowed to the center's approvals: 延期审批, 退单 (a returned ticket
back at triage, a joint part handed back) and 派单异议. Each row carries the unit's request as
its history recorded it, one query for the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, request
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from hotline import access, clock, tickets
from hotline.actors import Actor
from hotline.calendar import WorkingCalendar
from hotline.deadlines import remaining_working_time
from hotline.models import Ticket, TicketEvent, Unit, UserTask
from hotline.paging import count_rows, paginate
from hotline.policy.basics import Limit
from hotline.policy.model import Profile
from hotline.statuses import CATEGORY_LABELS, TicketStatus, UserTaskState
from web import pages, session

bp = Blueprint("web_center", __name__)

PER_PAGE = 20
NONE = "—"

# The approvals by kind: (process, task key) of the center's task, and the history event
# holding the unit's request. A return waits at triage like a new ticket: its status tells.
KINDS: dict[str, tuple[str, str, str]] = {
    "extension": ("ticket", "approve_extension", "extension_requested"),
    "return": ("ticket", "triage", "ticket_returned"),
    "objection": ("ticket", "coordinate_objection", "dispatch_objected"),
    "part_return": ("joint", "reassign_part", "part_returned"),
    "designation": ("ticket", "designate_unit", "dispatch_objected"),
}
KIND_LABELS = {
    "extension": "延期申请",
    "return": "退单",
    "objection": "派单异议",
    "part_return": "会签分办退回",
    "designation": "明确承办单位",
}
# Which request each history event is (a designation answers an objection too).
REQUEST_EVENTS = {
    "extension_requested": "extension",
    "ticket_returned": "return",
    "dispatch_objected": "objection",
    "part_returned": "part_return",
}

# The details a row of the approvals page shows under the reason (the task page shows all).
BRIEF = ("延期类型", "建议承办单位", "分办角色", "处理阶段")
# The profiles' extension kinds ([[extensions.kind]] kind) in Chinese; others show as named.
EXTENSION_KIND_LABELS = {
    "standard": "一般延期",
    "complex": "复杂事项延期",
    "leader_sign_off": "单位领导批办延期",
    "statutory": "法定时限延期",
}
LIMIT_UNIT_WORDS = {"minutes": "分钟", "hours": "小时", "working_days": "个工作日"}


@dataclass(frozen=True)
class UnitRequest:
    """What a unit asked the center for (延期, 退单, 派单异议), as its history recorded it."""

    kind: str  # a value of REQUEST_EVENTS
    unit: str | None
    unit_name: str | None
    at: datetime
    by: str
    reason: str | None
    details: list[tuple[str, str]]  # (Chinese label, value) pairs, in reading order


# -- shown values -------------------------------------------------------------------------------


def shown_time(value: datetime | None) -> str:
    """A time as people in the hotline read it: Asia/Shanghai, to the minute."""
    if value is None:
        return NONE
    return value.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def shown_left(left: timedelta) -> str:
    """Working time left (whole working days count 24 h), or how long it is overdue."""
    seconds = int(abs(left.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        text = f"{days}个工作日" + (f"{hours}小时" if hours else "")
    else:
        text = f"{hours}小时{rest // 60}分" if hours else f"{rest // 60}分钟"
    return f"已超期 {text}" if left.total_seconds() <= 0 else f"剩余 {text}"


def shown_limit(limit: Limit | None) -> str | None:
    """A rule's length in Chinese: '2 个工作日', '原办理时限的 1 倍'."""
    if limit is None:
        return None
    amount = int(limit.amount) if float(limit.amount).is_integer() else limit.amount
    if limit.unit == "factor":
        return f"原办理时限的 {amount} 倍"
    word = LIMIT_UNIT_WORDS.get(limit.unit)
    return f"{amount} {word}" if word else None


def unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Names of the units `codes`, by code (one query)."""
    found = {c for c in codes if c}
    if not found:
        return {}
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(found)))
    return {code: name for code, name in rows}


def unit_label(code: str | None, names: dict[str, str]) -> str:
    """'名称（CODE）', the code alone for a unit not in the directory, — for none."""
    if not code:
        return NONE
    return f"{names[code]}（{code}）" if code in names else code


# -- the unit's request, from the history ---------------------------------------------------


def latest_requests(session: Session, ticket_ids: list[int]) -> dict[tuple[int, str], TicketEvent]:
    """The newest request event of each kind (REQUEST_EVENTS) of each ticket, by (ticket id,
    event kind)."""
    if not ticket_ids:
        return {}
    rows = session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id.in_(ticket_ids), TicketEvent.kind.in_(list(REQUEST_EVENTS)))
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    return {(e.ticket_id, e.kind): e for e in rows}  # newest wins


def _yes_no(value: Any) -> str:
    return "是" if value is True else "否" if value is False else NONE


def _extension_details(data: dict[str, Any], profile: Profile | None) -> list[tuple[str, str]]:
    kind = data.get("extension_kind")
    told = _yes_no(data.get("requester_told"))
    shown = EXTENSION_KIND_LABELS.get(kind, kind) if kind else "（默认）"
    details = [("延期类型", shown), ("已告知诉求人", told)]
    if data.get("extension_statement"):
        details.append(("书面说明", str(data["extension_statement"])))
    rule = profile.extension_kind(kind) if profile is not None else None
    if rule is not None:
        length = shown_limit(rule.length or rule.length_factor or rule.new_limit)
        if rule.length_from_law:
            length = "按设定更长时限的法律规定"
        if length:
            soft = "（原则上，可书面说明理由突破）" if _soft(rule) else ""
            details.append(("规则延期时长", length + soft))
        if rule.max_count is not None:
            details.append(("规则延期次数上限", f"{rule.max_count} 次"))
        details.append(("规则依据", rule.origin.source))
    return details


def _soft(rule: Any) -> bool:
    limit = rule.length or rule.length_factor or rule.new_limit
    return bool(limit is not None and limit.soft)


RETURN_FIELDS = (
    ("return_basis", "退单依据"),
    ("suggested_unit", "建议承办单位"),
    ("return_leader_opinion", "单位领导意见"),
    ("return_phone", "联系电话"),
)


def _return_details(data: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    details = []
    for field, label in RETURN_FIELDS:
        value = data.get(field)
        if value in (None, ""):
            continue
        shown = unit_label(str(value), names) if field == "suggested_unit" else str(value)
        details.append((label, shown))
    if data.get("role"):
        details.insert(0, ("分办角色", "主办" if data["role"] == "lead" else "协办"))
    return details


OBJECTION_STAGES = {"coordinate": "中心协调", "authority": "报管理机构明确"}


def unit_request(
    event: TicketEvent, names: dict[str, str], profile: Profile | None = None
) -> UnitRequest:
    """The request an event recorded, ready to show (`names`: unit names, see unit_names)."""
    kind = REQUEST_EVENTS[event.kind]
    data = event.data or {}
    unit = data.get("unit")
    if kind == "extension":
        reason, details = data.get("extension_reason"), _extension_details(data, profile)
    elif kind == "objection":
        stage = OBJECTION_STAGES.get(str(data.get("stage")), NONE)
        reason, details = data.get("reason"), [("处理阶段", stage)]
    else:
        reason, details = data.get("return_reason"), _return_details(data, names)
    return UnitRequest(
        kind=kind,
        unit=unit,
        unit_name=names.get(unit) if unit else None,
        at=event.at,
        by=event.actor_name,
        reason=reason,
        details=details,
    )


def request_codes(events: list[TicketEvent]) -> set[str]:
    """Unit codes the requests name (the unit, a suggested unit): to look their names up."""
    codes: set[str] = set()
    for event in events:
        data = event.data or {}
        codes.update(str(data[k]) for k in ("unit", "suggested_unit") if data.get(k))
    return codes


# -- the approvals page -----------------------------------------------------------------------


def _kind_condition(kind: str) -> ColumnElement[bool]:
    process, task, _event = KINDS[kind]
    condition = and_(UserTask.process_id == process, UserTask.task_id == task)
    if kind == "return":
        condition = and_(condition, Ticket.status == TicketStatus.RETURNED)
    return condition


def pending_approvals(
    session: Session, actor: Actor, kind: str | None, page: int, per_page: int = PER_PAGE
) -> tuple[list[tuple[UserTask, Ticket]], int]:
    """Ready approval tasks offered to `actor` (of `kind`, or all kinds), oldest first."""
    kinds = [kind] if kind else list(KINDS)
    query = (
        select(UserTask, Ticket)
        .join(Ticket, Ticket.id == UserTask.ticket_id)
        .where(
            UserTask.state == UserTaskState.READY,
            access.task_scope(actor),
            or_(*(_kind_condition(k) for k in kinds)),
        )
    )
    counted = query.add_columns(func.count().over().label("total"))
    ordered = counted.order_by(UserTask.created_at, UserTask.id)
    rows = session.execute(paginate(ordered, page, per_page)).all()
    if rows:
        return [(task, ticket) for task, ticket, _total in rows], rows[0].total
    return [], 0 if page == 1 else count_rows(session, query)


def kind_of(task: UserTask) -> str:
    """Which approval a task of the page is (a key of KINDS)."""
    for kind, (process, key, _event) in KINDS.items():
        if (task.process_id, task.task_id) == (process, key):
            return kind
    raise ValueError(f"task {task.task_id} is not an approval")


def approval_rows(
    session: Session, rows: list[tuple[UserTask, Ticket]], profile: Profile
) -> list[dict[str, Any]]:
    """The page's rows: task, ticket and the unit's request, with times as shown."""
    events = latest_requests(session, sorted({ticket.id for _task, ticket in rows}))
    names = unit_names(session, request_codes(list(events.values())))
    calendar = WorkingCalendar.load(session)
    now = clock.now()
    shown = []
    for task, ticket in rows:
        kind = kind_of(task)
        event = events.get((ticket.id, KINDS[kind][2]))
        found = unit_request(event, names, profile) if event is not None else None
        left = None
        if ticket.due_at is not None and ticket.closed_at is None:
            left = remaining_working_time(calendar, now, ticket.due_at)
        shown.append(
            {
                "task": task,
                "ticket": ticket,
                "kind": kind,
                "kind_label": KIND_LABELS[kind],
                "category": CATEGORY_LABELS.get(ticket.category, ticket.category),
                "request": found,
                "unit": unit_label(found.unit if found else None, names),
                "brief": [d for d in found.details if d[0] in BRIEF] if found else [],
                "asked": shown_time(found.at if found else task.created_at),
                "due": shown_time(ticket.due_at),
                "left": shown_left(left) if left is not None else None,
                "overdue": tickets.is_overdue(ticket, now),
            }
        )
    return shown


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@bp.route("/center/extensions")
@pages.page_for("extensions")
def extensions() -> Response:
    """延期审批: the center's pending approvals (extensions, returns, objections), by kind."""
    who = pages.signed_in_actor()
    kind = request.args.get("kind") or None
    if kind not in KINDS:
        kind = None
    page = _page_number(request.args.get("page"))
    services = session.services()
    with services.transaction() as db:
        rows, total = pending_approvals(db, who, kind, page)
        shown = approval_rows(db, rows, services.runtime.profile)
    pages_total = max(1, -(-total // PER_PAGE))
    return pages.render(
        "center/extensions.html",
        title="延期审批",
        active="extensions",
        rows=shown,
        total=total,
        kind=kind or "",
        kinds=KIND_LABELS,
        page=page,
        pages_total=pages_total,
        now=shown_time(clock.now()),
    )
