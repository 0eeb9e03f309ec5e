"""Milestones of a ticket (guangyuan 第十三条(四), 000_27d936bb79493c2c.txt): a special or
special-urgent matter's first reply within 1 hour and progress report within 1 working day.

They are tracked like any deadline, in the ticket's history: `milestones_set` (at dispatch,
with the due times), `milestone_reported` (the unit's report) and `milestone_overdue` (the
milestone process's timer found no report in time). Plain functions over a session.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.errors import Conflict, Forbidden, NotFound
from hotline.history import record_event
from hotline.models import Ticket, TicketEvent
from hotline.statuses import CLOSED_STATUSES, UNHANDLED_STATUSES

KINDS = ("milestones_set", "milestone_reported", "milestone_overdue")


def ticket_milestones(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """The milestones of the ticket's latest dispatch: name, due_at, reported_at, overdue."""
    events = list(
        session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(KINDS))
            .order_by(TicketEvent.id)
        )
    )
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        data = event.data or {}
        if event.kind == "milestones_set":  # a new dispatch sets them afresh
            found = {
                name: {"name": name, "due_at": _instant(due), "reported_at": None,
                       "overdue": False, "note": None}
                for name, due in (data.get("milestones") or {}).items()
            }  # fmt: skip
        elif data.get("name") in found:
            entry = found[data["name"]]
            if event.kind == "milestone_reported":
                entry["reported_at"], entry["note"] = event.at, data.get("note")
            elif data.get("due_at") == entry["due_at"].isoformat():
                entry["overdue"] = True
    return list(found.values())


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def pending(session: Session, ticket: Ticket, name: str, due_at: str) -> bool:
    """Whether milestone `name` due at `due_at` is still owed by the unit handling the ticket.

    Only while the unit still has the matter unhandled: a ticket returned to the center left
    the unit (the next dispatch sets new milestones), and a result submitted for review or a
    closed ticket is more than the first reply or progress report the milestones ask for.
    """
    if ticket.status not in UNHANDLED_STATUSES:
        return False
    for entry in ticket_milestones(session, ticket):
        if entry["name"] == name and entry["due_at"].isoformat() == due_at:
            return entry["reported_at"] is None and not entry["overdue"]
    return False  # a later dispatch replaced it


def report(session: Session, actor: Actor, ticket: Ticket, name: str, note: str) -> dict:
    """The handling unit reports milestone `name` (初步处置意见, 处理进度); late reports count."""
    if not access.may_report_milestone(actor, ticket):
        raise Forbidden("only the unit handling the ticket reports its milestones")
    if ticket.status in CLOSED_STATUSES:  # an archived ticket's history is final
        raise Conflict(f"ticket {ticket.number} is {ticket.status}: its milestones are closed")
    entries = {e["name"]: e for e in ticket_milestones(session, ticket)}
    if name not in entries:
        known = ", ".join(entries) or "none"
        raise NotFound(f"ticket {ticket.number} has no milestone {name!r} (milestones: {known})")
    entry = entries[name]
    if entry["reported_at"] is not None:
        raise Conflict(f"milestone {name!r} was already reported at {entry['reported_at']}")
    now = clock.now()
    record_event(
        session,
        ticket.id,
        "milestone_reported",
        actor,
        data={"name": name, "note": note, "late": now > entry["due_at"],
              "due_at": entry["due_at"].isoformat(), "unit": ticket.current_unit},
    )  # fmt: skip
    session.flush()
    return next(e for e in ticket_milestones(session, ticket) if e["name"] == name)
