"""Rebuild every ticket fact from the event history (`hotline stats recompute`)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from hotline.calendar import WorkingCalendar
from hotline.models import Ticket, TicketEvent
from hotline.models.stats import TicketFact
from hotline.stats.facts import KINDS, fold_history
from hotline.stats.rows import FACTS_TABLE, row_values

BATCH = 5000  # tickets per round trip: memory stays flat on a million tickets


def recompute(session: Session, progress: Callable[[int], None] | None = None) -> int:
    """Delete every fact and fold each ticket's history again, in the caller's transaction;
    returns the number of rows written. `progress(n)` hears of each batch of n tickets.
    Run it with the service quiet (after an upgrade, or to check the incremental facts): on
    PostgreSQL it locks the facts table against writers until the caller commits."""
    calendar = WorkingCalendar.load(session)
    if session.get_bind().dialect.name == "postgresql":
        # A maintenance batch, not a request: no statement limit (deleting a million rows
        # takes longer than a request may); event writers wait until it commits.
        session.execute(text("SET LOCAL statement_timeout = 0"))
        session.execute(text("LOCK TABLE ticket_facts IN EXCLUSIVE MODE"))
    session.execute(delete(TicketFact))
    written, last = 0, 0
    while True:
        tickets = list(
            session.execute(
                select(Ticket.id, Ticket.category, Ticket.district, Ticket.channel, Ticket.urgency)
                .where(Ticket.id > last)
                .order_by(Ticket.id)
                .limit(BATCH)
            )
        )
        if not tickets:
            return written
        last = tickets[-1].id
        events = session.execute(
            select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.kind, TicketEvent.data)
            .where(
                TicketEvent.ticket_id.between(tickets[0].id, last),
                TicketEvent.kind.in_(sorted(KINDS)),
            )
            .order_by(TicketEvent.ticket_id, TicketEvent.id)
        )
        by_ticket = {tid: list(evs) for tid, evs in groupby(events, key=itemgetter(0))}
        values = [
            row_values(row)
            for t in tickets
            for row in fold_history(t.id, t, by_ticket.get(t.id, []), lambda: calendar)
        ]
        if values:
            session.execute(insert(FACTS_TABLE), values)
        written += len(values)
        if progress is not None:
            progress(len(tickets))
