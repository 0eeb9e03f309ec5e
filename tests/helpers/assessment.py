"""Assessment tests: a month of history written straight into the tables, at Shanghai times."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from hotline.actors import SYSTEM
from hotline.models import Article, ArticleEvent, Ticket, TicketEvent
from hotline.models.assessment import CallbackCheck, CallTest
from hotline.statuses import TicketStatus
from tests.helpers.clock import SH

_numbers = count(1)


def sh(text: str) -> datetime:
    """A Shanghai wall time, e.g. sh("2026-10-05 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def days(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def ticket(
    session: Session,
    unit: str,
    dispatched: str,
    due: str | None,
    closed: str | None = None,
    *,
    confidential: bool = False,
    status: str | None = None,
) -> Ticket:
    """A complaint dispatched to `unit`, due and (if `closed`) closed at those Shanghai times."""
    at = sh(dispatched)
    row = Ticket(
        number=f"PY2026{next(_numbers):08d}", channel="phone", category="complaint",
        urgency="normal", requester_name="张三", requester_phone="13800000000",
        confidential=confidential, content="路灯不亮", district="利州区",
        status=status or (TicketStatus.CLOSED if closed else TicketStatus.HANDLING),
        current_unit=unit, dispatched_at=at, due_at=sh(due) if due else None,
        closed_at=sh(closed) if closed else None, created_at=at, updated_at=at,
    )  # fmt: skip
    session.add(row)
    session.flush()
    # The history the statistics' ticket facts are folded from (hotline.stats.recompute).
    event(session, row, "ticket_created", dispatched, channel="phone")
    event(session, row, "ticket_dispatched", dispatched, unit=unit)
    if due:
        event(session, row, "deadlines_set", dispatched, due_at=sh(due).isoformat())
    if closed:
        event(session, row, "ticket_closed", closed, satisfaction="satisfied")
    return row


def event(session: Session, row: Ticket, kind: str, when: str, **data: Any) -> None:
    """A history event of the ticket at a Shanghai time."""
    session.add(
        TicketEvent(
            ticket_id=row.id,
            at=sh(when),
            kind=kind,
            actor_id=None,
            actor_name="system",
            task=None,
            data=data,
        )
    )


def call_test(session: Session, unit: str, when: str, answered: bool) -> None:
    """A call test (拨测) of the unit's phone."""
    session.add(
        CallTest(
            unit_code=unit,
            tested_at=sh(when),
            answered=answered,
            attempts=3,
            actor_name=SYSTEM.name,
            created_at=sh(when),
        )
    )


def finding(session: Session, row: Ticket, when: str, what: str) -> None:
    """A callback verification finding about the ticket, against its unit."""
    assert row.current_unit is not None
    session.add(
        CallbackCheck(
            ticket_id=row.id,
            unit_code=row.current_unit,
            finding=what,
            found_at=sh(when),
            actor_name=SYSTEM.name,
            created_at=sh(when),
        )
    )


def late_policy(session: Session, unit: str, when: str, days_late: int) -> None:
    """A policy article of `unit` that went live `days_late` days late (policy_pushed_late)."""
    article = Article(unit_code=unit, status="published", created_at=sh(when), updated_at=sh(when))
    session.add(article)
    session.flush()
    session.add(
        ArticleEvent(
            article_id=article.id,
            at=sh(when),
            kind="policy_pushed_late",
            actor_id=None,
            actor_name="system",
            task=None,
            data={"days_late": days_late},
        )
    )
