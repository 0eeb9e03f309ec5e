"""/api/v1/tickets: intake, one ticket with its history, and the filtered list."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, audited, require, services, source, unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.common import Shown
from api.schemas.tickets import (
    IdempotencyHeaderSchema,
    TicketCreateSchema,
    TicketDetailSchema,
    TicketPageSchema,
    TicketQuerySchema,
    TicketRepeatsSchema,
)
from hotline import access, audit, clock, milestones, repeats, tickets
from hotline.actors import Actor
from hotline.audit import AuditAction
from hotline.calendar import WorkingCalendar
from hotline.deadlines import remaining_working_time
from hotline.errors import Forbidden
from hotline.messages.ticket_view import sees_messages, ticket_messages
from hotline.models import Ticket

blp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets", description="Tickets (工单)")


def present(
    session: Session, ticket: Ticket, who: Actor, calendar: WorkingCalendar, **extra: Any
) -> Shown:
    """The ticket as `who` sees it, with the values TicketSchema computes from the clock.

    A requester shown in clear is recorded in the access audit (guangyuan 第二十二条).
    """
    return Shown(
        ticket,
        requester=audit.shown_requester(session, ticket, who, source()),
        address=access.address_shown(ticket, who),
        remaining_working_seconds=remaining_seconds(ticket, calendar),
        # Overdue is a property of the deadline, whatever step the ticket is at.
        overdue=tickets.is_overdue(ticket, clock.now()),
        **extra,
    )


def remaining_seconds(ticket: Ticket, calendar: WorkingCalendar) -> int | None:
    """Working time left until the handling deadline, for open tickets."""
    if ticket.due_at is None or ticket.closed_at is not None:
        return None
    left = remaining_working_time(calendar, clock.now(), ticket.due_at)
    return max(0, int(left.total_seconds()))


@blp.route("", methods=["POST"])
@require(access.may_register, message="only operators, the center and admins register tickets")
@blp.arguments(TicketCreateSchema)
@blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
@blp.response(201, TicketDetailSchema)
@blp.doc(**secured())
def create(data: dict[str, Any], idempotency_key: str | None = None) -> Any:
    """Register a demand; it enters `triage`. Retries with the same Idempotency-Key are safe."""
    who = actor()
    with unit_of_work() as session:
        intake = tickets.create_ticket(
            session,
            services().runtime,
            who,
            data,
            prefix=services().settings.ticket_prefix,
            idempotency_key=idempotency_key,
        )
        body = _detail(session, intake.ticket, who)
    headers = {"Location": url_for("tickets.get", number=intake.ticket.number)}
    if intake.replayed:
        headers["Idempotent-Replayed"] = "true"
    return body, 201, headers


@blp.route("", methods=["GET"])
@blp.arguments(TicketQuerySchema, location="query")
@blp.response(200, TicketPageSchema)
@blp.doc(**secured())
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Tickets visible to the caller, newest first; filter by status, unit and category."""
    who = actor()
    with unit_of_work() as session:
        rows, total = tickets.list_tickets(session, who, **query)
        calendar = WorkingCalendar.load(session)
        items = [present(session, t, who, calendar) for t in rows]
    return page_body(items, total, query)


@blp.route("/<string:number>")
@blp.response(200, TicketDetailSchema)
@blp.doc(**secured())
def get(number: str) -> Shown:
    """One ticket with its `events` (history) and open `tasks`."""
    who = actor()
    with unit_of_work() as session:
        ticket = tickets.get_ticket(session, who, number)
        return _detail(session, ticket, who)


@blp.route("/<string:number>/repeats")
@blp.response(200, TicketRepeatsSchema)
@blp.doc(**secured({"403": "units do not judge repeats"}))
def repeats_of(number: str) -> dict[str, Any]:
    """Possible repeats flagged at intake, and the ticket's merges and terminations."""
    who = actor()
    with unit_of_work() as session:
        ticket = tickets.get_ticket(session, who, number)
        if not access.sees_repeats(who):
            raise Forbidden("possible repeats are shown to the center, not to handling units")
        found = repeats.possible_repeats(session, ticket)
        return {
            "number": ticket.number,
            "possible_repeats": audit.shown_repeats(session, ticket, who, found, source()),
            "links": repeats.ticket_links(session, ticket),
        }


def _detail(session: Session, ticket: Ticket, who: Actor) -> Shown:
    if ticket.confidential:  # meizhou 第二十一条: who opened a confidential matter is kept
        audited(session, AuditAction.OPEN_CONFIDENTIAL, ticket)
    shown = present(session, ticket, who, WorkingCalendar.load(session))
    seen: dict[str, Any] = {}
    if access.sees_repeats(who):
        found = repeats.possible_repeats(session, ticket)
        seen["possible_repeats"] = audit.shown_repeats(session, ticket, who, found, source())
    if sees_messages(who):
        seen["messages"] = ticket_messages(session, ticket)
    shown.extra.update(
        events=tickets.ticket_events(session, ticket),
        tasks=tickets.open_tasks(session, ticket),
        links=repeats.ticket_links(session, ticket),
        milestones=milestones.ticket_milestones(session, ticket),
        **seen,
    )
    return shown
