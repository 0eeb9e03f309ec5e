"""Tickets: intake, numbering, visibility and queries. Plain functions over a session."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import access, clock, repeats, sealing
from hotline.actors import Actor
from hotline.calendar import WorkingCalendar
from hotline.deadlines import TicketDeadlines, compute_deadlines, dispatch_due
from hotline.errors import Conflict, Forbidden, NotFound
from hotline.history import record_event
from hotline.instances import ready_user_tasks
from hotline.models import (
    IdempotencyKey,
    Ticket,
    TicketEvent,
    TicketSequence,
    UserTask,
)
from hotline.paging import count_rows, paginate, where_given
from hotline.policy import Profile
from hotline.statuses import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    UNHANDLED_STATUSES,
    TicketStatus,
    values,
)
from hotline.workflows import WorkflowRuntime

TICKET_PROCESS = "ticket"
NEVER = "9999-12-31T00:00:00+00:00"  # a timer date for a rule the profile does not have


def iso(value: datetime | None) -> str:
    """Workflow data holds ISO strings the diagram's timers parse; NEVER for no deadline."""
    return value.isoformat() if value is not None else NEVER


@dataclass
class Intake:
    """A created ticket and whether it was replayed from an Idempotency-Key."""

    ticket: Ticket
    replayed: bool


PENDING_NUMBER = "~"  # starts a ticket's placeholder number until intake takes the real one


def pending_number() -> str:
    """A unique stand-in for the number while intake runs (31 characters, never shown)."""
    return PENDING_NUMBER + uuid.uuid4().hex[:30]


def next_number(session: Session, prefix: str, at: datetime | None = None) -> str:
    """Profile prefix + Shanghai date + 6-digit daily sequence, e.g. GY20261122000123.

    Locks today's sequence row until commit: call it last in a transaction, so
    concurrent intakes (and a stalled session) queue on it for the shortest time.
    """
    day = (at or clock.now()).astimezone(clock.SHANGHAI).strftime("%Y%m%d")
    key = prefix + day
    for _ in range(3):
        last = session.execute(
            update(TicketSequence)
            .where(TicketSequence.key == key)
            .values(last=TicketSequence.last + 1)
            .returning(TicketSequence.last)
        ).scalar()
        if last is not None:
            return f"{key}{last:06d}"
        try:
            with session.begin_nested():
                session.add(TicketSequence(key=key, last=1))
            return f"{key}000001"
        except IntegrityError:
            continue  # another worker created today's row first: take the next number
    raise Conflict("could not allocate a ticket number; retry")


def request_hash(payload: dict[str, Any]) -> str:
    """Fingerprint of a creation request, to tell a retry from a different request."""
    text = json.dumps(payload, sort_keys=True, default=_canonical)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical(value: Any) -> str:
    """JSON for the values a schema loads that json cannot dump (e.g. `upper_deadline`)."""
    if isinstance(value, datetime):
        # The same instant written with another offset is the same request.
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def create_ticket(
    session: Session,
    runtime: WorkflowRuntime,
    actor: Actor,
    data: dict[str, Any],
    *,
    prefix: str,
    idempotency_key: str | None = None,
) -> Intake:
    """Register a demand and start its `ticket` process; replay an Idempotency-Key."""
    if not access.may_register(actor):
        raise Forbidden("only operators, the center and admins register tickets")
    fingerprint = request_hash(data)
    if idempotency_key:
        previous = _replay(session, actor, idempotency_key, fingerprint)
        if previous is not None:
            return Intake(previous, replayed=True)
    now = clock.now()
    requester = data["requester"]
    ticket = Ticket(
        # The real number last, just before commit: its row lock is then held for the
        # commit alone, not for the whole intake (issue 11 §3, stalled sessions).
        number=pending_number(),
        channel=data["channel"],
        category=data["category"],
        urgency=data.get("urgency") or "normal",
        requester_name=requester["name"],
        requester_phone=requester["phone"],
        # Sealed at rest: repeats and SMS replies find the phone by this keyed hash.
        requester_phone_hash=sealing.phone_hash(requester["phone"]),
        confidential=bool(data.get("confidential")),
        content=data["content"],
        address=data.get("address"),
        district=data.get("district"),
        upper_deadline=data.get("upper_deadline"),
        status=TicketStatus.NEW,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    if idempotency_key:
        try:
            with session.begin_nested():
                session.add(
                    IdempotencyKey(
                        user_id=actor.id,
                        key=idempotency_key,
                        request_hash=fingerprint,
                        ticket_id=ticket.id,
                        created_at=now,
                    )
                )
        except IntegrityError:
            raise Conflict("a request with this Idempotency-Key is in progress; retry") from None
    record_event(session, ticket.id, "ticket_created", actor, data={"channel": ticket.channel})
    # Same transaction: a repeat is flagged exactly when its ticket exists.
    repeats.flag_possible_repeats(session, ticket, actor, repeats.rules_of(runtime.profile))
    runtime.start(
        session,
        TICKET_PROCESS,
        actor=actor,
        ticket_id=ticket.id,
        # Category, urgency and channel let a diagram's conditions route on them.
        variables={
            "ticket_id": ticket.id,
            "category": ticket.category,
            "urgency": ticket.urgency,
            "channel": ticket.channel,
            "dispatch_due_at": dispatch_due_at(session, runtime.profile, ticket),
        },
    )
    ticket.number = next_number(session, prefix, at=now)  # the day it was created on
    session.flush()
    return Intake(ticket, replayed=False)


def dispatch_due_at(session: Session, profile: Profile, ticket: Ticket) -> str:
    """ISO time by which the center must dispatch under `profile`."""
    due = dispatch_due(
        profile,
        WorkingCalendar.load(session),
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        received_at=clock.now(),
    )
    # No rule: a date the timer never reaches.
    return iso(due.at if due is not None else None)


def _replay(session: Session, actor: Actor, key: str, fingerprint: str) -> Ticket | None:
    row = session.get(IdempotencyKey, (actor.id, key))
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Conflict(
            "this Idempotency-Key was used for a different request",
            fields={"Idempotency-Key": ["reused with a different body"]},
        )
    return session.get(Ticket, row.ticket_id)


def visible_tickets(actor: Actor) -> Select[tuple[Ticket]]:
    """Tickets the actor may see (`hotline.access.ticket_scope` decides)."""
    return select(Ticket).where(access.ticket_scope(actor))


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Overdue: flagged by a timer, or its handling deadline passed while it is not handled.

    Computed at read time too, so a ticket never shows `overdue: false` with a past due time
    while a timer has yet to fire (or no timer watches its current step).
    """
    if ticket.overdue:
        return True
    due = ticket.due_at
    return due is not None and due <= now and ticket.status in UNHANDLED_STATUSES


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """SQL twin of `is_overdue`, for `?overdue=true|false`."""
    late = and_(
        Ticket.due_at.is_not(None),
        Ticket.due_at <= now,
        Ticket.status.in_(UNHANDLED_STATUSES),
    )
    return or_(Ticket.overdue.is_(True), late)


def get_ticket(session: Session, actor: Actor, number: str) -> Ticket:
    """One ticket by number, if the actor may see it (else NotFound, never a hint)."""
    ticket = session.scalars(visible_tickets(actor).where(Ticket.number == number)).first()
    if ticket is None:
        raise NotFound(f"ticket {number} not found")
    return ticket


def list_tickets(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    overdue: bool | None = None,
    due_before: datetime | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Ticket], int]:
    """A page of visible tickets, newest first, and the total count."""
    query = visible_tickets(actor)
    if overdue is not None:
        late = overdue_clause(clock.now())
        query = query.where(late if overdue else not_(late))
    if due_before is not None:
        query = query.where(Ticket.due_at < due_before, Ticket.status.in_(OPEN_STATUSES))
    query = where_given(
        query, (Ticket.status, status), (Ticket.current_unit, unit), (Ticket.category, category)
    )
    total = count_rows(session, query)
    rows = session.scalars(
        paginate(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()), page, per_page)
    )
    return list(rows), total


def ticket_events(session: Session, ticket: Ticket) -> list[TicketEvent]:
    """The ticket's history, oldest first."""
    return list(
        session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id)
            .order_by(TicketEvent.at, TicketEvent.id)
        )
    )


def assign_unit(ticket: Ticket, unit_code: str) -> None:
    """Make `unit_code` the ticket's current unit: it alone of the units sees it now."""
    ticket.current_unit = unit_code


def set_status(ticket: Ticket, status: TicketStatus) -> None:
    """Move a ticket to a documented status."""
    if status not in values(TicketStatus):
        raise ValueError(f"unknown ticket status {status!r}")
    ticket.status = TicketStatus(status)
    ticket.updated_at = clock.now()
    if status in CLOSED_STATUSES:
        ticket.closed_at = ticket.updated_at


def open_tasks(session: Session, ticket: Ticket) -> list[UserTask]:
    """Ready user tasks on this ticket, from the task index."""
    return ready_user_tasks(session, UserTask.ticket_id == ticket.id)


def ticket_deadlines(
    profile: Profile,
    calendar: WorkingCalendar,
    ticket: Ticket,
    *,
    accepted_at: datetime | None = None,
) -> TicketDeadlines:
    """compute_deadlines for a dispatched ticket row (category, urgency, channel, times);
    `accepted_at`: when the unit accepted it (meizhou 第十一条(二)3 runs from acceptance)."""
    assert ticket.dispatched_at is not None, f"ticket {ticket.number} is not dispatched"
    return compute_deadlines(
        profile,
        calendar,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        dispatched_at=ticket.dispatched_at,
        upper_deadline=ticket.upper_deadline,
        accepted_at=accepted_at,
    )
