"""Fact rows outside the session: the shapes the fold reads and writes, bulk-insert values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table

from hotline.models.stats import TicketFact


class EventLike(Protocol):
    """What the fold reads of an event (a TicketEvent row or a generated one)."""

    at: datetime
    kind: str
    data: dict[str, Any]


class TicketLike(Protocol):
    """What the fold reads of a ticket: the attributes figures are split by."""

    category: str
    district: str | None
    channel: str
    urgency: str


FACTS_TABLE = cast(Table, TicketFact.__table__)  # Core inserts in bulk skip the ORM
COLUMNS = tuple(c.key for c in FACTS_TABLE.columns if c.key != "id")


class PlainFact:
    """A fact row outside the ORM (recompute folds thousands of tickets a second with these;
    the columns are TicketFact's)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


RowFactory = Callable[..., Any]


def new_row(
    ticket_id: int, seq: int, ticket: TicketLike, at: datetime, factory: RowFactory = TicketFact
) -> Any:
    """A row with every column set: a TicketFact, or a PlainFact for bulk inserts."""
    return factory(
        ticket_id=ticket_id,
        seq=seq,
        unit=None,
        role="none",
        principal=True,
        category=ticket.category,
        district=ticket.district,
        channel=ticket.channel,
        urgency=ticket.urgency,
        repeat=False,
        period_at=at,
        received_at=at,
        dispatched_at=None,
        dispatch_delay_seconds=None,
        dispatch_delay_working_seconds=None,
        dispatch_immediately=False,
        dispatch_late=False,
        acknowledge_due_at=None,
        acknowledged_at=None,
        acknowledged_on_time=False,
        acknowledge_working_seconds=None,
        due_at=None,
        result_at=None,
        handled_on_time=False,
        overdue=False,
        returned=False,
        rehandled=0,
        extended=0,
        outcome=None,
        closed=False,
        ended_at=None,
        close_working_seconds=None,
        satisfaction=None,
        flags=0,
    )


def row_values(row: Any) -> dict[str, Any]:
    """A row's columns (all but id) as a dict, for bulk inserts and comparisons."""
    return {name: getattr(row, name) for name in COLUMNS}
