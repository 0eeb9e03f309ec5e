"""What scoring reads from the history: the things each measure counts on a day (ticket and
article events, knowledge questions, call tests, callback findings), and the tickets a
unit's rate and volume count over a period (the statistics' ticket facts,
hotline.models.stats.TicketFact), so a day re-scores the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from hotline.calendar import day_start
from hotline.models import Article, ArticleEvent, KnowledgeQuestion, Ticket, TicketEvent
from hotline.models.assessment import CallbackCheck, CallTest
from hotline.models.stats import TicketFact


@dataclass(frozen=True)
class Counted:
    """One thing a measure counts against a unit: what, when, its ticket or record."""

    unit: str
    key: str  # what it is, once per unit and item (e.g. "ticket:12:2026-10-01")
    at: datetime
    amount: int  # how many things (days late for a late policy; else 1)
    reason: str
    ticket_id: int | None = None
    record_kind: str | None = None
    record_id: int | None = None
    finding: str | None = None
    confidential: bool = False


def day_window(day: date) -> tuple[datetime, datetime]:
    """The instants [start, end) of a Shanghai day."""
    return day_start(day), day_start(day + timedelta(days=1))


def _events(session: Session, kind: str, day: date) -> list[tuple[TicketEvent, Ticket]]:
    start, end = day_window(day)
    query = (
        select(TicketEvent, Ticket)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(TicketEvent.kind == kind, TicketEvent.at >= start, TicketEvent.at < end)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    return [(e, t) for e, t in session.execute(query).tuples()]


def policy_days_late(session: Session, day: date) -> list[Counted]:
    """New policies that went live late that day (policy_pushed_late), in days late."""
    start, end = day_window(day)
    query = (
        select(ArticleEvent, Article.unit_code)
        .join(Article, Article.id == ArticleEvent.article_id)
        .where(
            ArticleEvent.kind == "policy_pushed_late",
            ArticleEvent.at >= start,
            ArticleEvent.at < end,
        )
        .order_by(ArticleEvent.at, ArticleEvent.id)
    )
    return [
        Counted(
            unit,
            f"article_event:{event.id}",
            event.at,
            int(event.data.get("days_late", 1)),
            f"policy article {event.article_id} live {event.data.get('days_late')} day(s) late",
            record_kind="article",
            record_id=event.article_id,
        )
        for event, unit in session.execute(query).tuples()
    ]


def overdue_questions(session: Session, day: date) -> list[Counted]:
    """Knowledge questions that fell overdue that day."""
    start, end = day_window(day)
    query = select(KnowledgeQuestion).where(
        KnowledgeQuestion.overdue.is_(True),
        KnowledgeQuestion.due_at >= start,
        KnowledgeQuestion.due_at < end,
    )
    return [
        Counted(
            q.unit_code,
            f"question:{q.id}",
            q.due_at,
            1,
            f"knowledge question {q.id} not answered by its due time",
            record_kind="knowledge_question",
            record_id=q.id,
        )
        for q in session.scalars(query.order_by(KnowledgeQuestion.id))
    ]


def failed_call_tests(session: Session, day: date) -> list[Counted]:
    """Call tests (拨测) of that day nobody answered."""
    start, end = day_window(day)
    query = select(CallTest).where(
        CallTest.answered.is_(False), CallTest.tested_at >= start, CallTest.tested_at < end
    )
    return [
        Counted(
            c.unit_code,
            f"call_test:{c.id}",
            c.tested_at,
            1,
            f"call test {c.id}: no answer after {c.attempts} calls",
            record_kind="call_test",
            record_id=c.id,
        )
        for c in session.scalars(query.order_by(CallTest.tested_at, CallTest.id))
    ]


def _per_ticket(
    rows: Iterable[tuple[TicketEvent, Ticket]], period_start: date, what: str
) -> list[Counted]:
    found = []
    for event, ticket in rows:
        unit = event.data.get("unit") or ticket.current_unit
        if unit:
            key = f"ticket:{ticket.id}:{period_start.isoformat()}"  # once per ticket a period
            found.append(Counted(unit, key, event.at, 1, f"{ticket.number} {what}", ticket.id))
    return found


def overdue_tickets(session: Session, day: date, period_start: date) -> list[Counted]:
    """Tickets that fell overdue that day (ticket_overdue), once per ticket and period."""
    return _per_ticket(_events(session, "ticket_overdue", day), period_start, "overdue")


def late_acknowledgements(session: Session, day: date, period_start: date) -> list[Counted]:
    """Tickets not acknowledged in time that day (urged at acknowledge), once a period."""
    rows = [
        (e, t)
        for e, t in _events(session, "ticket_urged", day)
        if e.data.get("stage") == "acknowledge"
    ]
    return _per_ticket(rows, period_start, "not acknowledged in time")


def callback_findings(session: Session, day: date) -> list[Counted]:
    """Callback verification findings (回访核实) of that day, once per ticket."""
    start, end = day_window(day)
    query = (
        select(CallbackCheck, Ticket)
        .join(Ticket, Ticket.id == CallbackCheck.ticket_id)
        .where(CallbackCheck.found_at >= start, CallbackCheck.found_at < end)
        .order_by(CallbackCheck.found_at, CallbackCheck.id)
    )
    return [
        Counted(
            c.unit_code,
            f"ticket:{t.id}",
            c.found_at,
            1,
            f"{t.number} found {c.finding}",
            t.id,
            "callback_finding",
            c.id,
            c.finding,
            t.confidential,
        )
        for c, t in session.execute(query).tuples()
    ]


def unsatisfied_callbacks(session: Session, day: date) -> list[Counted]:
    """Callbacks of that day whose requester was unsatisfied, against the handling unit."""
    found = []
    for event, ticket in _events(session, "callback_recorded", day):
        if event.data.get("satisfaction") == "unsatisfied" and ticket.current_unit:
            found.append(
                Counted(
                    ticket.current_unit,
                    f"callback:{event.id}",
                    event.at,
                    1,
                    f"{ticket.number} unsatisfied callback",
                    ticket.id,
                )
            )
    return found


# -- tickets over a period: the statistics' ticket facts ------------------------------------

# How a unit's hold of a ticket ended when it counts in no rate of that unit: it left the
# unit (the unit it went to counts it) or ended without being handled (不予受理, 并单).
LEFT = ("reassigned", "dropped", "cancelled", "redirected", "declined", "merged")


@dataclass(frozen=True)
class Held:
    """A ticket in one unit's hands, as a rate counts it (one statistics ticket fact)."""

    ticket_id: int
    unit: str
    dispatched_at: datetime
    due_at: datetime | None
    closed_at: datetime | None  # when the demand was closed (办结) in this unit's hands
    returned: bool  # the unit returned it (退回): out of its 转办量


def _held(fact: TicketFact) -> Held:
    assert fact.unit is not None and fact.dispatched_at is not None
    closed = fact.ended_at if fact.closed else None
    returned = fact.outcome == "returned"
    return Held(fact.ticket_id, fact.unit, fact.dispatched_at, fact.due_at, closed, returned)


def _held_rows() -> Select[tuple[TicketFact]]:
    # A joint ticket counts for its lead unit (principal), as in the statistics.
    return select(TicketFact).where(
        TicketFact.unit.is_not(None),
        TicketFact.dispatched_at.is_not(None),
        TicketFact.principal.is_(True),
        or_(TicketFact.outcome.is_(None), TicketFact.outcome.not_in(LEFT)),
    )


def dispatched_in(session: Session, start: datetime, end: datetime) -> list[Held]:
    """Tickets dispatched to a unit in [start, end), with their closing (办结量/转办量)."""
    query = _held_rows().where(TicketFact.dispatched_at >= start, TicketFact.dispatched_at < end)
    return [_held(f) for f in session.scalars(query.order_by(TicketFact.id))]


def closing_or_due_in(session: Session, start: datetime, end: datetime) -> list[Held]:
    """Tickets closed or falling due in [start, end): the candidates of a closing-period rate."""
    query = _held_rows().where(
        or_(
            and_(
                TicketFact.closed.is_(True), TicketFact.ended_at >= start, TicketFact.ended_at < end
            ),
            and_(TicketFact.due_at >= start, TicketFact.due_at < end),
        )
    )
    return [_held(f) for f in session.scalars(query.order_by(TicketFact.id))]


def closed_in(session: Session, start: datetime, end: datetime) -> list[Held]:
    """Tickets a unit closed (办结) in [start, end) (月办结量)."""
    query = _held_rows().where(
        TicketFact.closed.is_(True), TicketFact.ended_at >= start, TicketFact.ended_at < end
    )
    return [_held(f) for f in session.scalars(query.order_by(TicketFact.id))]
