"""Provisional deadlines: recomputed once the missing calendar year is loaded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import SYSTEM
from hotline.calendar import WorkingCalendar
from hotline.deadlines import reminder_at
from hotline.extensions import extended_due
from hotline.history import record_event
from hotline.models import ProcessInstance, Ticket
from hotline.policy import Profile
from hotline.statuses import OPEN_STATUSES, InstanceStatus
from hotline.tickets import ticket_deadlines
from hotline.workflows import WorkflowRuntime


def missing_years(session: Session, today: date | None = None) -> list[int]:
    """This year and next, where the calendar knows neither holidays nor overrides."""
    year = (today or clock.now().astimezone(clock.SHANGHAI).date()).year
    calendar = WorkingCalendar.load(session)
    return [y for y in (year, year + 1) if not calendar.knows(y)]


def recompute_provisional(session: Session, runtime: WorkflowRuntime, profile: Profile) -> int:
    """Recompute every open provisional deadline with the calendar as loaded now.

    The ticket's fields move, and so do the diagram's timers (through the runtime),
    so reminders and overdue flags follow the corrected dates. Returns the count.
    """
    calendar = WorkingCalendar.load(session)
    tickets = session.scalars(
        select(Ticket).where(
            Ticket.deadline_provisional.is_(True),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.dispatched_at.is_not(None),
        )
    ).all()
    for ticket in tickets:
        deadlines = ticket_deadlines(profile, calendar, ticket)
        due, provisional = deadlines.due_at, deadlines.provisional
        for _ in range(ticket.extension_count):  # approved extensions still count
            moved = extended_due(
                profile,
                calendar,
                due_at=due,
                category=ticket.category,
                urgency=ticket.urgency,
                channel=ticket.channel,
                dispatched_at=ticket.dispatched_at,
            )
            due, provisional = moved.at, provisional or moved.provisional
        before = ticket.due_at
        ticket.due_at, ticket.deadline_provisional = due, provisional
        ticket.acknowledge_due_at = deadlines.acknowledge_due_at
        ticket.overdue = ticket.overdue and due <= clock.now()
        started = deadlines.clock_started_at or ticket.dispatched_at
        assert started is not None  # the query takes dispatched tickets only
        remind = reminder_at(profile, due_at=due, started_at=started)
        variables = {"handle_due_at": due.isoformat()}
        if remind is not None:
            variables["handle_remind_at"] = remind.isoformat()
        for instance in session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.ticket_id == ticket.id,
                ProcessInstance.status == InstanceStatus.RUNNING,
            )
        ):
            runtime.update_variables(session, instance.id, variables, SYSTEM)
        record_event(
            session,
            ticket.id,
            "deadline_recomputed",
            SYSTEM,
            data={
                "before": before.isoformat() if before else None,
                "due_at": due.isoformat(),
                "provisional": provisional,
            },
        )
    return len(tickets)
