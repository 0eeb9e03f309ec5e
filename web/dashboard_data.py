"""What the supervisor dashboard (督办看板) shows, read with aggregate queries only.

Every figure is a GROUP BY over the rows the reader may see (the same `hotline.access` scopes
as the API's ticket, escalation and statistics lists), so the page costs a few queries however
many tickets are open; no query loads tickets one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from hotline import access
from hotline.actors import Actor
from hotline.clock import SHANGHAI
from hotline.errors import Forbidden
from hotline.hotspots.reading import list_warnings
from hotline.messages.templates import LEVEL_LABELS
from hotline.models import Escalation, Ticket, Unit
from hotline.models.hotspots import WarningStatus
from hotline.policy import Profile
from hotline.stats.figures import figures
from hotline.stats.reading import selection_for
from hotline.statuses import CATEGORY_LABELS, OPEN_STATUSES, UNHANDLED_STATUSES
from hotline.tickets import overdue_clause

LADDER = tuple(LEVEL_LABELS)  # urge … government_review, in ladder order
TODAY_LIMIT = 50  # today's escalations listed; the count covers them all
HOTSPOT_LIMIT = 5
NO_UNIT = "（未派单位）"
# Who raised an escalation (escalations.trigger), as the dashboard names it.
TRIGGER_LABELS = {
    "manual": "人工督办",
    "overdue": "超期自动",
    "climb": "逐级升级",
    "dispatch_overdue": "派单超期",
    "acknowledge_overdue": "签收超期",
    "returned": "多次退回",
    "sent_back": "多次退回重办",
    "unsatisfied": "诉求人不满意",
}


@dataclass(frozen=True)
class UnitDeadlines:
    """One unit's open tickets: how many, how many overdue, how many due soon."""

    unit_code: str | None
    unit_name: str
    open: int
    overdue: int
    soon: int
    overdue_link: str
    soon_link: str


@dataclass(frozen=True)
class LadderRow:
    """Open escalations against one unit, per rung of the ladder."""

    unit_code: str | None
    unit_name: str
    by_level: dict[str, int]

    @property
    def total(self) -> int:
        """Open escalations against the unit, all rungs."""
        return sum(self.by_level.values())


@dataclass(frozen=True)
class Ladder:
    """The escalation ladder (督办): open escalations by rung, overall and per unit."""

    levels: list[tuple[str, str, int]]  # (level, Chinese name, open count)
    units: list[LadderRow]


@dataclass(frozen=True)
class RaisedToday:
    """One escalation raised today (Asia/Shanghai)."""

    at: datetime
    ticket_number: str
    unit_code: str | None
    level: str
    level_label: str
    trigger_label: str
    actor_name: str
    reason: str


@dataclass(frozen=True)
class MonthFigures:
    """This month's statistics per unit (as GET /api/v1/stats?period=month&by=unit)."""

    first_day: Any
    last_day: Any
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def most_received(self) -> int:
        """The largest received count (the bar chart's full width)."""
        return max((row["received"] for row in self.rows), default=0)


def unit_names(session: Session) -> dict[str, str]:
    """Unit code → name, for every unit (a few dozen rows)."""
    return {code: name for code, name in session.execute(select(Unit.code, Unit.name))}


def _name(names: dict[str, str], code: str | None) -> str:
    return names.get(code, code) if code else NO_UNIT


def _tickets_link(unit: str | None, **query: str) -> str:
    return "/tickets?" + urlencode({**({"unit": unit} if unit else {}), **query})


def unit_deadlines(
    session: Session, actor: Actor, now: datetime, soon_until: datetime, names: dict[str, str]
) -> list[UnitDeadlines]:
    """Open tickets the actor may see, per current unit: overdue (as the ticket list's
    ?overdue=true decides) and due before `soon_until` but not yet overdue; most overdue first."""
    late = overdue_clause(now)
    soon = and_(
        not_(late),
        Ticket.status.in_(UNHANDLED_STATUSES),
        Ticket.due_at > now,
        Ticket.due_at <= soon_until,
    )
    query = (
        select(
            Ticket.current_unit,
            func.count(),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((soon, 1), else_=0)),
        )
        .where(access.ticket_scope(actor), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.current_unit)
    )
    due_before = soon_until.isoformat()
    rows = [
        UnitDeadlines(
            unit,
            _name(names, unit),
            count,
            int(overdue or 0),
            int(due_soon or 0),
            # due_before also keeps the list to open tickets (hotline.tickets.list_tickets).
            _tickets_link(unit, overdue="true", due_before=due_before),
            _tickets_link(unit, overdue="false", due_before=due_before),
        )
        for unit, count, overdue, due_soon in session.execute(query).tuples()
    ]
    return sorted(rows, key=lambda r: (-r.overdue, -r.soon, -r.open, r.unit_code or ""))


def _visible_escalations(actor: Actor) -> Any:
    # Same scope as GET /api/v1/escalations (hotline.escalations.visible_escalations).
    return and_(Ticket.id == Escalation.ticket_id, access.escalation_scope(actor))


def ladder(session: Session, actor: Actor, names: dict[str, str]) -> Ladder:
    """Open escalations by rung and by unit (one GROUP BY)."""
    query = (
        select(Escalation.unit_code, Escalation.level, func.count())
        .select_from(Escalation)
        .join(Ticket, _visible_escalations(actor))
        .where(Escalation.open.is_(True))
        .group_by(Escalation.unit_code, Escalation.level)
    )
    per_unit: dict[str | None, dict[str, int]] = {}
    totals = dict.fromkeys(LADDER, 0)
    for unit, level, count in session.execute(query).tuples():
        per_unit.setdefault(unit, {})[level] = count
        totals[level] = totals.get(level, 0) + count
    units = [LadderRow(u, _name(names, u), levels) for u, levels in per_unit.items()]
    units.sort(key=lambda r: (-r.total, r.unit_code or ""))
    levels = [(level, LEVEL_LABELS.get(level, level), totals[level]) for level in totals]
    return Ladder(levels, units)


def start_of_day(now: datetime) -> datetime:
    """Midnight of `now`'s day in Asia/Shanghai (an aware datetime)."""
    local = now.astimezone(SHANGHAI)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def raised_today(session: Session, actor: Actor, now: datetime) -> tuple[list[RaisedToday], int]:
    """Escalations (urges and higher rungs) raised since midnight in Shanghai, newest first
    (at most TODAY_LIMIT), and how many there are."""
    since = start_of_day(now)
    where = (Escalation.created_at >= since,)
    total = session.scalar(
        select(func.count())
        .select_from(Escalation)
        .join(Ticket, _visible_escalations(actor))
        .where(*where)
    )
    query = (
        select(Escalation, Ticket.number)
        .join(Ticket, _visible_escalations(actor))
        .where(*where)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
        .limit(TODAY_LIMIT)
    )
    rows = [
        RaisedToday(
            row.created_at.astimezone(SHANGHAI),
            number,
            row.unit_code,
            row.level,
            LEVEL_LABELS.get(row.level, row.level),
            TRIGGER_LABELS.get(row.trigger, row.trigger),
            row.actor_name,
            row.reason,
        )
        for row, number in session.execute(query).tuples()
    ]
    return rows, int(total or 0)


def month_figures(
    session: Session, actor: Actor, now: datetime, profile: Profile, names: dict[str, str]
) -> MonthFigures:
    """This month's figures per unit, read exactly as GET /api/v1/stats?period=month&by=unit."""
    selection = selection_for(
        actor, from_=now.astimezone(SHANGHAI).date(), period="month", by="unit"
    )
    rows = []
    for figure in figures(session, selection, profile):
        rows.append({**figure, "unit_name": _name(names, figure["key"])})
    return MonthFigures(selection.period.first, selection.period.last, rows)


def open_hotspots(session: Session, actor: Actor) -> list[dict[str, Any]] | None:
    """The newest open hot-spot warnings (None when the actor reads none)."""
    try:
        found, _total = list_warnings(
            session, actor, status=WarningStatus.OPEN, per_page=HOTSPOT_LIMIT
        )
    except Forbidden:
        return None
    return [
        {
            "category": CATEGORY_LABELS.get(w.category, w.category),
            "district": w.district,
            "keywords": "、".join(w.keywords or []),
            "count": w.count,
            "expected": w.expected,
            "first_seen_at": w.first_seen_at.astimezone(SHANGHAI),
        }
        for w in found
    ]


def soon_until(now: datetime, profile: Profile) -> datetime:
    """Until when a ticket counts as due soon: the profile's reminder lead (e.g. 24 h) ahead."""
    lead: timedelta = profile.reminder_lead
    return now + lead
