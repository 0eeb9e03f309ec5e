"""The workplace's 待办 page (/inbox): the tasks offered to the user, as GET /api/v1/tasks.

The rows come from `hotline.inbox.inbox` with the API's own query schema (paging and
filters), so a unit sees exactly the tasks the API offers it. Each row shows the working time
left until the task is due (the deadlines' working calendar), overdue in red with 已超期.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.schemas.tasks import InboxQuerySchema
from hotline import clock, inbox
from hotline.actors import Actor
from hotline.calendar import WorkingCalendar
from hotline.deadlines import remaining_working_time
from hotline.errors import NotFound
from hotline.messages.templates import URGENCY_LABELS
from hotline.models import Ticket, UserTask
from hotline.policy import URGENCIES
from hotline.statuses import CATEGORY_LABELS, UserTaskState
from web import pages, session

bp = Blueprint("web_inbox", __name__)

# Less working time than this left: the row is marked 即将到期.
SOON = timedelta(hours=4)
ONE_DAY = timedelta(days=1)
PAGE_SIZES = (20, 50, 100)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def category_label(category: str | None) -> str:
    """诉求类型 in Chinese."""
    return CATEGORY_LABELS.get(category or "", category or "")


def urgency_label(urgency: str | None) -> str:
    """紧急程度 in Chinese."""
    return URGENCY_LABELS.get(urgency or "", urgency or "")


@dataclass(frozen=True)
class TimeLeft:
    """Working time left until a due time, as a page shows it."""

    text: str  # 剩余 2 个工作日 3 小时 / 已超期 1 小时 / 无时限
    state: str  # overdue | soon | ok | none
    due_at: datetime | None

    @property
    def due_text(self) -> str:
        """The due time in Beijing time, e.g. 2026-11-23 09:30."""
        return local_time(self.due_at)


def local_time(instant: datetime | None) -> str:
    """An instant as Beijing time (minutes), as people read deadlines; empty for None."""
    if instant is None:
        return ""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _span(span: timedelta) -> str:
    days, rest = divmod(int(span.total_seconds()), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = [f"{days} 个工作日"] if days else []
    if hours:
        parts.append(f"{hours} 小时")
    if minutes and not days:
        parts.append(f"{minutes} 分钟")
    return " ".join(parts) or "不到 1 分钟"


def time_left(calendar: WorkingCalendar, now: datetime, due_at: datetime | None) -> TimeLeft:
    """The working time left until `due_at` (working days count whole, as the deadlines do);
    within a day of the due time, the clock time: short limits (30 minutes to acknowledge,
    hours for urgent tickets) run in clock hours, weekends included."""
    if due_at is None:
        return TimeLeft("无时限", "none", None)
    clock_left = due_at - now
    left = remaining_working_time(calendar, now, due_at)
    if abs(clock_left) < ONE_DAY:
        left = clock_left
    if due_at <= now:
        return TimeLeft(f"已超期 {_span(-left)}" if left else "已超期", "overdue", due_at)
    state = "soon" if left < SOON else "ok"
    return TimeLeft(f"剩余 {_span(left)}", state, due_at)


def task_title(task: UserTask) -> str:
    """The task's name as the diagram gives it (its key when unnamed)."""
    return task.name or task.task_id


def done_notice(db: Session, who: Actor, done_id: str | None) -> str | None:
    """ "已完成…" for the task the user just completed (`?done=<id>`), if it is theirs."""
    if not done_id:
        return None
    try:
        task, number = inbox.get_task(db, who, done_id)
    except NotFound:
        return None
    if task.state != UserTaskState.COMPLETED:
        return None
    where = f"（工单 {number}）" if number else ""
    return f"已完成「{task_title(task)}」{where}。"


def _query() -> tuple[dict[str, Any], list[str]]:
    """The API's inbox query from the page's arguments (empty ones ignored)."""
    given = {k: v for k, v in request.args.items() if v and k != "done"}
    try:
        return InboxQuerySchema().load(given), []
    except ValidationError as exc:
        bad = sorted(exc.messages) if isinstance(exc.messages, dict) else []
        return InboxQuerySchema().load({}), [f"筛选条件有误，已忽略：{', '.join(bad)}"]


def _link(query: dict[str, Any], **changes: Any) -> str:
    merged = {**query, **changes}
    shown = {k: str(v).lower() if isinstance(v, bool) else v for k, v in merged.items()}
    return "/inbox?" + urlencode({k: v for k, v in shown.items() if v not in (None, "")})


@bp.route("/inbox")
@pages.page_for("inbox")
def index() -> Response:
    """待办: the user's ready tasks, oldest first, with filters and paging."""
    who = pages.signed_in_actor()
    query, problems = _query()
    with session.services().transaction() as db:
        rows, total = inbox.inbox(db, who, **query)
        ids = {task.ticket_id for task, _ in rows if task.ticket_id is not None}
        found = db.execute(
            select(Ticket.id, Ticket.category, Ticket.urgency).where(Ticket.id.in_(ids))
        ).all()
        tickets = {row.id: row for row in found}
        calendar = WorkingCalendar.load(db)
        kinds = inbox.task_kinds(db, who)
        notice = done_notice(db, who, request.args.get("done"))
    now = clock.now()
    items = []
    for task, number in rows:
        ticket = tickets.get(task.ticket_id)
        items.append(
            {
                "task": task,
                "number": number,
                "category": category_label(ticket.category) if ticket else "",
                "urgency": ticket.urgency if ticket else None,
                "urgency_label": urgency_label(ticket.urgency) if ticket else "",
                "left": time_left(calendar, now, task.due_at),
            }
        )
    pages_count = max(1, -(-total // query["per_page"]))
    page = query["page"]
    return pages.render(
        "inbox.html",
        active="inbox",
        title="待办",
        items=items,
        total=total,
        query=query,
        page=page,
        pages_count=pages_count,
        prev_link=_link(query, page=page - 1) if page > 1 else None,
        next_link=_link(query, page=page + 1) if page < pages_count else None,
        kinds=kinds,
        urgencies=[(u, urgency_label(u)) for u in URGENCIES],
        page_sizes=PAGE_SIZES,
        problems=problems,
        notice=notice,
    )


__all__ = [
    "bp",
    "category_label",
    "done_notice",
    "local_time",
    "task_title",
    "time_left",
    "urgency_label",
]
