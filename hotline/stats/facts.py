"""Ticket facts from ticket events: one fold, used as each event is recorded and by recompute.

`apply(rows, ticket, event, calendar)` is the only place an event changes a fact. The hook
(`on_event`, called by hotline.history.record_event) loads the ticket's rows, applies the
event and leaves the changes to the caller's transaction; `recompute` replays every ticket's
history through the same function, so both give the same rows.

Decisions (README "Statistics"):
- a row per assignment (see hotline.models.stats); a return ends the unit's row and opens a
  row with no unit (the ticket back at the center) that the next dispatch fills;
- a joint ticket's parts are rows of their units; the lead's row is the principal one;
- handled on time: a result (the unit's reply, a part's opinion) at or before the due time
  then in force, and never flagged overdue (hotline.stats.rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.calendar import WorkingCalendar
from hotline.models import Ticket
from hotline.models.stats import TicketFact
from hotline.stats.flags import set_flags
from hotline.stats.rows import (
    EventLike,
    PlainFact,
    RowFactory,
    TicketLike,
    new_row,
)
from hotline.stats.rules import acknowledged_on_time, closes_demand, handled_on_time

CalendarSource = Callable[[], WorkingCalendar]

# The ticket's own end (the demand handled or set aside) and how each one is named.
ENDINGS = {
    "ticket_closed": "closed",
    "ticket_closed_with_note": "closed_with_note",
    "ticket_answered": "answered",
    "ticket_declined": "declined",
    "ticket_merged": "merged",
    "ticket_terminated": "terminated",
}
DISPATCHES = ("ticket_dispatched", "ticket_dispatched_jointly", "government_decision_applied")
KINDS = frozenset(
    {
        "ticket_created",
        "possible_repeat_flagged",
        "dispatch_overdue",
        *DISPATCHES,
        "deadlines_set",
        "part_deadlines_set",
        "ticket_acknowledged",
        "part_acknowledged",
        "extension_approved",
        "result_submitted",
        "part_completed",
        "ticket_overdue",
        "part_overdue",
        "late_return",
        "ticket_returned",
        "part_returned",
        "part_reassigned",
        "part_dropped",
        "part_cancelled",
        "callback_recorded",
        "ticket_rehandled",
        *ENDINGS,
    }
)


def _when(value: Any) -> datetime | None:
    """An ISO time from event data, or None."""
    return datetime.fromisoformat(value) if value else None


class _Fold:
    """One event applied to one ticket's rows (mutated in place; new rows collected)."""

    def __init__(
        self,
        ticket_id: int,
        rows: list[Any],
        ticket: TicketLike,
        event: EventLike,
        calendar: CalendarSource,
        factory: RowFactory,
    ) -> None:
        self.ticket_id, self.rows, self.ticket = ticket_id, rows, ticket
        self.factory = factory
        self.event, self.calendar = event, calendar
        self.at, self.data = event.at, event.data or {}
        self.added: list[Any] = []

    def live(self) -> list[Any]:
        return [r for r in self.rows if r.outcome is None]

    def of_unit(self, unit: Any) -> Any:
        """The unit's live row; no unit named: the principal live row."""
        for row in self.live():
            if (unit is None and row.principal and row.unit is not None) or (
                unit is not None and row.unit == unit
            ):
                return row
        return None

    def open_row(self, received_at: datetime) -> TicketFact:
        row = new_row(self.ticket_id, len(self.rows) + 1, self.ticket, received_at, self.factory)
        row.repeat = bool(self.rows and self.rows[0].repeat)
        self.rows.append(row)
        self.added.append(row)
        return row

    def working(self, start: datetime | None) -> int | None:
        if start is None:
            return None
        return int(
            max(timedelta(0), self.calendar().working_time_between(start, self.at)).total_seconds()
        )

    def end(self, row: TicketFact, outcome: str) -> None:
        row.outcome, row.ended_at = outcome, self.at

    def dispatch_to(self, unit: str, role: str, *, measured: bool) -> TicketFact:
        """The center's row (or a new one) becomes the unit's, dispatched now."""
        centre = next((r for r in self.live() if r.unit is None), None)
        delay = self.data.get("dispatch_delay_seconds") if measured else None
        if centre is None:
            received = self.at - timedelta(seconds=delay or 0)
            centre = self.open_row(received)
        centre.unit, centre.role, centre.principal = unit, role, role != "assisting"
        centre.dispatched_at = centre.period_at = self.at
        if measured:
            centre.dispatch_delay_seconds = delay
            centre.dispatch_delay_working_seconds = self.data.get("dispatch_delay_working_seconds")
            centre.dispatch_immediately = bool(self.data.get("dispatch_immediately"))
        return centre

    def judge(self, row: TicketFact) -> None:
        row.handled_on_time = handled_on_time(row.result_at, row.overdue)

    # -- the events ---------------------------------------------------------------------

    def ticket_created(self) -> None:
        if not self.rows:
            self.open_row(self.at)

    def possible_repeat_flagged(self) -> None:
        if self.data.get("count"):
            for row in self.rows:
                row.repeat = True

    def dispatch_overdue(self) -> None:
        for row in self.live():
            if row.unit is None:
                row.dispatch_late = True

    def ticket_dispatched(self) -> None:
        for row in self.live():
            if row.unit is not None:
                self.end(row, "reassigned")  # an objection reassigned, or joint given up
        self.dispatch_to(str(self.data["unit"]), "single", measured=True)

    def ticket_dispatched_jointly(self) -> None:
        lead = str(self.data["lead_unit"])
        first = self.dispatch_to(lead, "lead", measured=True)
        for unit in self.data.get("units") or []:
            if unit != lead:
                row = self.open_row(first.received_at)
                for name in ("dispatched_at", "period_at", "dispatch_delay_seconds"):
                    setattr(row, name, getattr(first, name))
                row.dispatch_delay_working_seconds = first.dispatch_delay_working_seconds
                row.dispatch_immediately = first.dispatch_immediately
                row.unit, row.role, row.principal = unit, "assisting", False

    def government_decision_applied(self) -> None:
        for row in self.live():
            if row.unit is not None:
                self.end(row, "redirected")
        row = self.dispatch_to(str(self.data["unit"]), "single", measured=False)
        row.due_at = _when(self.data.get("due_at"))
        row.acknowledge_due_at = _when(self.data.get("acknowledge_due_at"))

    def deadlines_set(self) -> None:
        due, ack = _when(self.data.get("due_at")), _when(self.data.get("acknowledge_due_at"))
        for row in self.live():
            if row.unit is None:
                continue
            if row.principal and due is not None:
                row.due_at = due
            if "acknowledge_due_at" in self.data and row.acknowledged_at is None:
                row.acknowledge_due_at = ack

    def part_deadlines_set(self) -> None:
        parts = self.data.get("parts") or {}
        for row in self.live():
            if row.unit in parts:
                row.due_at = _when(parts[row.unit])

    def ticket_acknowledged(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None and row.acknowledged_at is None:
            row.acknowledged_at = self.at
            row.acknowledged_on_time = acknowledged_on_time(self.at, row.acknowledge_due_at)
            row.acknowledge_working_seconds = self.working(row.dispatched_at)

    part_acknowledged = ticket_acknowledged

    def extension_approved(self) -> None:
        row = self.of_unit(None)
        if row is not None:
            row.extended += 1
            row.due_at = _when(self.data.get("due_at")) or row.due_at

    def result_submitted(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            row.result_at = self.at
            if row.due_at is not None and self.at > row.due_at:
                row.overdue = True
            self.judge(row)

    part_completed = result_submitted

    def ticket_overdue(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            row.overdue = True
            self.judge(row)

    part_overdue = ticket_overdue

    def late_return(self) -> None:
        if self.data.get("counts_as") == "overdue":
            self.ticket_overdue()

    def ticket_returned(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            row.returned = True
            self.end(row, "returned")
        self.open_row(self.at)  # back at the center, waiting for re-dispatch

    def part_returned(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            row.returned = True
            self.end(row, "returned")

    def part_reassigned(self) -> None:
        role = str(self.data.get("role") or "assisting")
        row = self.open_row(self.at)
        row.unit, row.role, row.principal = str(self.data["unit"]), role, role == "lead"
        row.dispatched_at, row.due_at = self.at, _when(self.data.get("due_at"))

    def part_dropped(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            self.end(row, "dropped")

    def part_cancelled(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            self.end(row, "cancelled")

    def callback_recorded(self) -> None:
        for row in self.live():
            if row.unit is not None:
                row.satisfaction = self.data.get("satisfaction")

    def ticket_rehandled(self) -> None:
        row = self.of_unit(self.data.get("unit"))
        if row is not None:
            row.rehandled += 1
            row.satisfaction = None
        for other in self.live():
            other.satisfaction = None

    def ending(self) -> None:
        outcome = ENDINGS[self.event.kind]
        for row in self.live():
            self.end(row, outcome)
            row.closed = closes_demand(outcome)
            # Time to close is the unit's: from its dispatch, and only for a demand closed.
            row.close_working_seconds = self.working(row.dispatched_at) if row.closed else None


def apply(
    ticket_id: int,
    rows: list[Any],
    ticket: TicketLike,
    event: EventLike,
    calendar: CalendarSource,
    factory: RowFactory = TicketFact,
) -> list[Any]:
    """Apply one event to the ticket's rows (in `seq` order); returns the rows it added
    (made by `factory`: TicketFact for the session, PlainFact for bulk inserts)."""
    if event.kind not in KINDS:
        return []
    fold = _Fold(ticket_id, rows, ticket, event, calendar, factory)
    handler = getattr(fold, "ending" if event.kind in ENDINGS else event.kind)
    handler()
    set_flags(rows)
    return fold.added


def on_event(session: Session, ticket_id: int, event: EventLike) -> None:
    """The hook: keep the ticket's facts current in the transaction recording `event`."""
    if event.kind not in KINDS:
        return
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return
    rows = list(
        session.scalars(
            select(TicketFact).where(TicketFact.ticket_id == ticket_id).order_by(TicketFact.seq)
        )
    )
    cache: list[WorkingCalendar] = []

    def calendar() -> WorkingCalendar:
        if not cache:
            cache.append(WorkingCalendar.load(session))
        return cache[0]

    session.add_all(apply(ticket_id, rows, ticket, event, calendar))


def fold_history(
    ticket_id: int, ticket: TicketLike, events: Iterable[EventLike], calendar: CalendarSource
) -> list[Any]:
    """A ticket's rows from its whole history, oldest event first (PlainFact rows)."""
    rows: list[Any] = []
    for event in events:
        apply(ticket_id, rows, ticket, event, calendar, PlainFact)
    return rows
