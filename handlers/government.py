"""The government's decision (报同级人民政府督办) applied to the running ticket.

Runs in the ticket instance after its boundary message `government_decision` (sent by
supervision.bpmn once the leader decides): the designated unit gets the ticket with the
decision's deadline and acknowledges it next; it may not return it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.joint import cancel_joint
from hotline import clock
from hotline.calendar import WorkingCalendar
from hotline.deadlines import reminder_at
from hotline.statuses import TicketStatus
from hotline.tickets import assign_unit, iso, set_status, ticket_deadlines
from processes.context import HandlerContext


def apply_government_decision(ctx: HandlerContext) -> dict[str, Any]:
    """Redirect the ticket to the designated unit with the decided deadline."""
    decision = ctx.variables.get("government_decision") or {}
    ticket = ctx.ticket
    unit, due = decision["unit"], datetime.fromisoformat(decision["due_at"])
    # A joint handling in progress gives way to the designated unit.
    cancel_joint(ctx, "government decision")
    now = clock.now()
    assign_unit(ticket, unit)
    ticket.designated_by = "government"
    ticket.joint = False
    ticket.dispatched_at = now
    ticket.overdue = False
    set_status(ticket, TicketStatus.DISPATCHED)
    # The acknowledge limit runs from now as for any dispatch; the decision sets the due time.
    acknowledge_due = ticket_deadlines(
        ctx.profile, WorkingCalendar.load(ctx.session), ticket
    ).acknowledge_due_at
    ticket.acknowledge_due_at, ticket.due_at = acknowledge_due, due
    # The decided date is absolute: a later calendar load must not recompute it.
    ticket.deadline_provisional = False
    remind = reminder_at(ctx.profile, due_at=due, started_at=now)
    ctx.emit(
        "government_decision_applied",
        unit=unit,
        due_at=due.isoformat(),
        acknowledge_due_at=iso(acknowledge_due) if acknowledge_due else None,
        instruction=decision.get("instruction"),
    )
    return {
        "unit": unit,
        "designated": True,
        "acknowledge_due_at": iso(acknowledge_due),
        "handle_due_at": due.isoformat(),
        "handle_remind_at": iso(remind),
    }
