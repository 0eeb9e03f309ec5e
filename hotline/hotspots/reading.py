"""Reading hot-spot warnings: the API's lists and details, and plain data for the bulletin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hotline import access
from hotline.actors import Actor
from hotline.errors import Forbidden, NotFound
from hotline.models import Ticket, UserTask
from hotline.models.hotspots import HotspotWarning, HotspotWarningTicket, HotspotWarningUnit
from hotline.paging import count_rows, paginate, where_given
from hotline.statuses import UserTaskState

MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one names no warning


@dataclass(frozen=True)
class WarningDetail:
    """A warning with its units (and their acknowledgements) and its tickets."""

    warning: HotspotWarning
    units: list[HotspotWarningUnit]
    tickets: list[Ticket]
    tasks: dict[str, str]  # unit → id of its ready acknowledge_warning task


def visible_warnings(actor: Actor) -> Select[tuple[HotspotWarning]]:
    """Warnings the actor may read (`access.warning_scope`); Forbidden for other roles."""
    return select(HotspotWarning).where(access.warning_scope(actor))


def list_warnings(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    category: str | None = None,
    district: str | None = None,
    unit: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[HotspotWarning], int]:
    """A page of visible warnings, newest first, and the total count."""
    if not access.may_filter_unit(actor, unit):
        raise Forbidden("a unit sees only the warnings that concern it")
    query = where_given(
        visible_warnings(actor),
        (HotspotWarning.status, status),
        (HotspotWarning.category, category),
        (HotspotWarning.district, district),
    )
    if unit:
        query = query.where(
            HotspotWarning.id.in_(
                select(HotspotWarningUnit.warning_id).where(HotspotWarningUnit.unit_code == unit)
            )
        )
    if since is not None:
        query = query.where(HotspotWarning.last_seen_at >= since)
    if until is not None:
        query = query.where(HotspotWarning.first_seen_at < until)
    total = count_rows(session, query)
    order = (HotspotWarning.first_seen_at.desc(), HotspotWarning.id.desc())
    rows = session.scalars(paginate(query.order_by(*order), page, per_page))
    return list(rows), total


def units_of(session: Session, warning_ids: list[int]) -> dict[int, list[HotspotWarningUnit]]:
    """The units of each warning, by unit code."""
    found: dict[int, list[HotspotWarningUnit]] = {i: [] for i in warning_ids}
    rows = session.scalars(
        select(HotspotWarningUnit)
        .where(HotspotWarningUnit.warning_id.in_(warning_ids))
        .order_by(HotspotWarningUnit.unit_code)
    )
    for row in rows:
        found[row.warning_id].append(row)
    return found


def ticket_counts(session: Session, warning_ids: list[int]) -> dict[int, int]:
    """How many tickets each warning names."""
    rows = session.execute(
        select(HotspotWarningTicket.warning_id, func.count())
        .where(HotspotWarningTicket.warning_id.in_(warning_ids))
        .group_by(HotspotWarningTicket.warning_id)
    )
    found = {i: 0 for i in warning_ids}
    found.update({warning_id: count for warning_id, count in rows})
    return found


def tickets_of(session: Session, warning_id: int) -> list[Ticket]:
    """The warning's tickets, oldest first."""
    return list(
        session.scalars(
            select(Ticket)
            .join(HotspotWarningTicket, HotspotWarningTicket.ticket_id == Ticket.id)
            .where(HotspotWarningTicket.warning_id == warning_id)
            .order_by(Ticket.created_at, Ticket.id)
        )
    )


def get_warning(session: Session, actor: Actor, warning_id: int) -> WarningDetail:
    """One visible warning with its units and tickets; NotFound when absent or not the actor's."""
    warning = (
        session.scalars(visible_warnings(actor).where(HotspotWarning.id == warning_id)).first()
        if 0 < warning_id <= MAX_ID
        else None
    )
    if warning is None:
        raise NotFound(f"warning {warning_id} not found")
    units = units_of(session, [warning.id])[warning.id]
    tasks: dict[str, str] = {}
    instances = {u.instance_id for u in units if u.instance_id is not None}
    if instances:
        ready = session.scalars(
            select(UserTask).where(
                UserTask.instance_id.in_(instances), UserTask.state == UserTaskState.READY
            )
        )
        for task in ready:
            group = task.candidate_group or ""
            tasks[group.removeprefix("unit:")] = task.id
    return WarningDetail(warning, units, tickets_of(session, warning.id), tasks)


def warnings_in(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The warnings seen in [start, end) as plain data, largest first (for the bulletin).

    Each: id, category, district, keywords, status, count, expected, ratio, first_seen_at,
    last_seen_at, tickets (their number), units (code, acknowledged_at, measures).
    """
    warnings = list(
        session.scalars(
            select(HotspotWarning)
            .where(HotspotWarning.first_seen_at < end, HotspotWarning.last_seen_at >= start)
            .order_by(HotspotWarning.count.desc(), HotspotWarning.id)
        )
    )
    units = units_of(session, [w.id for w in warnings])
    numbers: dict[int, list[str]] = {w.id: [] for w in warnings}
    rows = session.execute(
        select(HotspotWarningTicket.warning_id, Ticket.number)
        .join(Ticket, Ticket.id == HotspotWarningTicket.ticket_id)
        .where(HotspotWarningTicket.warning_id.in_(list(numbers)))
        .order_by(Ticket.number)
    )
    for warning_id, number in rows:
        numbers[warning_id].append(number)
    return [
        {
            "id": w.id,
            "category": w.category,
            "district": w.district,
            "keywords": list(w.keywords),
            "status": w.status,
            "count": w.count,
            "expected": w.expected,
            "ratio": w.ratio,
            "first_seen_at": w.first_seen_at,
            "last_seen_at": w.last_seen_at,
            "tickets": numbers[w.id],
            "units": [
                {"unit": u.unit_code, "acknowledged_at": u.acknowledged_at, "measures": u.measures}
                for u in units[w.id]
            ],
        }
        for w in warnings
    ]
