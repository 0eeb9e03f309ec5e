"""Deadline handlers of ticket.bpmn: compute due times, remind, urge, flag overdue.

The diagram's boundary timers read `acknowledge_due_at`, `handle_remind_at`,
`handle_due_at` and `callback_no_answer_at` from workflow data; the dates are
computed here from the active policy profile and the working-day calendar.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from handlers import escalation
from hotline import clock, milestones
from hotline.calendar import WorkingCalendar
from hotline.deadlines import (
    callback_no_answer,
    compute_deadlines,
    dispatch_delay,
    dispatch_rule,
    reminder_at,
    runs_from_acceptance,
)
from hotline.extensions import approver_group, due_after_extension
from hotline.history import last_event_at
from hotline.models import Ticket, TicketEvent
from hotline.returns import late_return
from hotline.tickets import NEVER, iso, ticket_deadlines
from processes.context import HandlerContext


def schedule_handling(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """Compute acknowledge and handling deadlines at dispatch; return them as timer data."""
    calendar = WorkingCalendar.load(ctx.session)
    deadlines = ticket_deadlines(ctx.profile, calendar, ticket)
    ticket.due_at = deadlines.due_at
    ticket.acknowledge_due_at = deadlines.acknowledge_due_at
    ticket.deadline_provisional = deadlines.provisional
    ctx.emit(
        "deadlines_set",
        due_at=iso(deadlines.due_at),
        acknowledge_due_at=iso(deadlines.acknowledge_due_at),
        provisional=deadlines.provisional,
        rules=list(deadlines.rules),
    )
    schedule_milestones(ctx, ticket, deadlines.milestones)
    return {
        "acknowledge_due_at": iso(deadlines.acknowledge_due_at),
        "handle_due_at": iso(deadlines.due_at),
        "handle_remind_at": iso(deadlines.remind_at),
    }


def start_on_acceptance(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """The unit accepted (受理) at its acknowledgement: a limit that runs from acceptance
    (meizhou 第十一条(二)3, 003_de7e966f0e71df8b.txt: 受理后在30个工作日时限时办结) now runs from
    this moment instead of the assumed end of the decision window. Returns the handle timers
    to re-arm, or {} when no handling rule of the ticket counts from acceptance."""
    profile = ctx.profile
    if not runs_from_acceptance(profile, ticket.category, ticket.urgency, ticket.channel):
        return {}
    calendar = WorkingCalendar.load(ctx.session)
    accepted = clock.now()
    deadlines = ticket_deadlines(profile, calendar, ticket, accepted_at=accepted)
    ticket.due_at = deadlines.due_at
    ticket.deadline_provisional = deadlines.provisional
    ticket.overdue = ticket.overdue and deadlines.due_at <= accepted
    ctx.emit(
        "deadlines_set",
        due_at=iso(deadlines.due_at),
        accepted_at=iso(accepted),
        provisional=deadlines.provisional,
        rules=list(deadlines.rules),
    )
    return {"handle_due_at": iso(deadlines.due_at), "handle_remind_at": iso(deadlines.remind_at)}


MILESTONE_PROCESS = "milestone"


def schedule_milestones(
    ctx: HandlerContext, ticket: Ticket, milestones: tuple[tuple[str, datetime], ...]
) -> None:
    """Record the ticket's milestones (guangyuan 第十三条(四): first reply within 1 h, progress
    within 1 working day) and start one `milestone` timer process for each."""
    if not milestones:
        return
    ctx.emit("milestones_set", milestones={name: iso(due) for name, due in milestones})
    for name, due in milestones:
        ctx.start(
            MILESTONE_PROCESS,
            {"ticket_id": ticket.id, "milestone": name, "milestone_due_at": iso(due)},
        )


def milestone_overdue(ctx: HandlerContext) -> None:
    """A milestone passed without the unit's report: record milestone_overdue, once."""
    ticket = ctx.ticket
    name, due = ctx.variables.get("milestone"), ctx.variables.get("milestone_due_at")
    if milestones.pending(ctx.session, ticket, str(name), str(due)):
        ctx.emit("milestone_overdue", name=name, due_at=due, unit=ticket.current_unit)


def extension_request_data(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """The extension kind asked for and the candidate group that approves it."""
    kind = ctx.form.get("extension_kind") or None
    found, group = approver_group(ctx.profile, kind, ticket.current_unit)
    return {"extension_kind": found, "extension_approver_group": group}


def extend_handling(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """Move the due time after an approved extension; the handle timers re-arm with it.

    The approver's `granted_length` (soft caps passed with `override_reason`) replaces the
    rule's length; an upper-platform ticket never runs past its upper deadline − lead
    (guangyuan 第十三条(二)).
    """
    if ticket.due_at is None:
        raise LookupError(f"ticket {ticket.number} has no due time to extend")
    profile = ctx.profile
    new_due = due_after_extension(
        profile,
        WorkingCalendar.load(ctx.session),
        due_at=ticket.due_at,
        kind=ctx.variables.get("extension_kind"),
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        dispatched_at=ticket.dispatched_at,
        upper_deadline=ticket.upper_deadline,
        granted_length=ctx.form.get("granted_length"),
        extensions_so_far=ticket.extension_count,
        override_reason=ctx.form.get("override_reason"),
    )
    ticket.due_at = new_due.at
    ticket.deadline_provisional = ticket.deadline_provisional or new_due.provisional
    ticket.extension_count += 1
    ticket.overdue = ticket.overdue and new_due.at <= clock.now()
    remind = reminder_at(profile, due_at=new_due.at, started_at=clock.now())
    return {"handle_due_at": iso(new_due.at), "handle_remind_at": iso(remind)}


def schedule_callback(ctx: HandlerContext) -> dict[str, Any]:
    """When a callback nobody answers counts as a rating (if the profile says so)."""
    rule = callback_no_answer(ctx.profile, callback_started=clock.now())
    if rule is None:
        return {"callback_no_answer_at": NEVER, "no_answer_counts_as": None}
    when, counts_as = rule
    return {"callback_no_answer_at": iso(when), "no_answer_counts_as": counts_as}


def _already(ctx: HandlerContext, kind: str, task: str | None = None, **match: Any) -> bool:
    """Whether this ticket's history already holds `kind` with these data values (and, given
    `task`, recorded by that BPMN element)."""
    query = select(TicketEvent).where(
        TicketEvent.ticket_id == ctx.ticket_id, TicketEvent.kind == kind
    )
    if task is not None:
        query = query.where(TicketEvent.task == task)
    events = ctx.session.scalars(query)
    return any(all(e.data.get(k) == v for k, v in match.items()) for e in events)


def already_recorded(ctx: HandlerContext, kind: str, **match: Any) -> bool:
    """Whether this ticket's history already holds `kind` with these data values."""
    return _already(ctx, kind, **match)


def urge_acknowledge(ctx: HandlerContext) -> None:
    """签收超时: urge the unit once per dispatch."""
    ticket = ctx.ticket
    due = ctx.variables.get("acknowledge_due_at")
    if not _already(ctx, "ticket_urged", stage="acknowledge", due_at=due):
        ctx.emit("ticket_urged", stage="acknowledge", unit=ticket.current_unit, due_at=due)
        escalation.trigger(ctx, "acknowledge_overdue", ticket.current_unit)


def remind(ctx: HandlerContext) -> None:
    """到期提醒: remind the unit once per due time and reminder element, before it passes.

    Several reminders may use this topic in one diagram (e.g. an extra one for urgent tickets).
    """
    ticket = ctx.ticket
    due = ctx.variables.get("handle_due_at")
    if ticket.overdue or _already(ctx, "deadline_reminder", ctx.element_id, due_at=due):
        return
    ctx.emit("deadline_reminder", unit=ticket.current_unit, due_at=due)


def overdue(ctx: HandlerContext) -> None:
    """超期: flag the ticket overdue and urge the unit, once per due time.

    Timers at the handling deadline on every step where the ticket waits on its unit
    (acknowledge, handle, the extension decision) run this: overdue is a property of the
    deadline, not of the step (guangyuan 第二十六条(二): 承办单位超期未办理的 → 督促).
    """
    ticket = ctx.ticket
    due = ctx.variables.get("handle_due_at")
    if _already(ctx, "ticket_overdue", due_at=due):
        return
    ticket.overdue = True
    ctx.emit("ticket_overdue", unit=ticket.current_unit, due_at=due)
    ctx.emit("ticket_urged", stage="handle", unit=ticket.current_unit, due_at=due)
    escalation.trigger(ctx, "overdue", ticket.current_unit)


def callback_no_answer_rule(ctx: HandlerContext) -> dict[str, Any]:
    """No answer within the window counts as the profile says (guangxi 第二十七条: satisfied)."""
    counts_as = ctx.variables.get("no_answer_counts_as") or "no_response"
    ctx.emit("callback_no_answer", counts_as=counts_as)
    return {"satisfaction": counts_as, "reasonable": None}


def judge_return(ctx: HandlerContext, ticket: Ticket) -> None:
    """A return after the profile's window counts as the profile says (guangyuan: overdue)."""
    # A joint ticket's lead acknowledged its part (part_acknowledged), not the ticket.
    acknowledged = last_event_at(
        ctx.session, ticket.id, ("ticket_acknowledged", "part_acknowledged")
    )
    if acknowledged is None:
        return  # nothing to count a return window from
    if ticket.dispatched_at is None:
        return  # never dispatched: nothing to return late
    late = late_return(
        ctx.profile,
        WorkingCalendar.load(ctx.session),
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        dispatched_at=ticket.dispatched_at,
        acknowledged_at=acknowledged,
        now=clock.now(),
    )
    if late is None:
        return
    if late.counts_as_overdue:
        ticket.overdue = True
    ctx.emit(
        "late_return",
        due_at=iso(late.due_at),
        counts_as=late.window.late_counts_as,
        rule=late.window.limit.source,
        default_not_from_regulation=late.window.late_counts_as_default,
    )


def schedule_rehandle(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """A rehandle runs on the profile's rehandle limit (puyang 三(六): 5 working days), never
    past an upper-platform ticket's deadline − lead (guangyuan 第十三条(二))."""
    calendar = WorkingCalendar.load(ctx.session)
    profile = ctx.profile
    now = clock.now()
    deadlines = compute_deadlines(
        profile,
        calendar,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        dispatched_at=now,
        upper_deadline=ticket.upper_deadline,
        # Back to the unit that accepted it, with no new acknowledgement: a limit run from
        # acceptance (meizhou 第十一条(二)3) runs from now, not after a new decision window.
        accepted_at=now,
        rehandle=True,
    )
    ticket.due_at, ticket.overdue = deadlines.due_at, False
    ticket.deadline_provisional = deadlines.provisional
    ctx.emit("deadlines_set", due_at=iso(deadlines.due_at), rules=list(deadlines.rules))
    return {"handle_due_at": iso(deadlines.due_at), "handle_remind_at": iso(deadlines.remind_at)}


def urge_dispatch(ctx: HandlerContext) -> None:
    """派单超时: the center has not dispatched in time; record it once per deadline."""
    due = ctx.variables.get("dispatch_due_at")
    if not _already(ctx, "dispatch_overdue", due_at=due):
        ctx.emit("dispatch_overdue", due_at=due)
        escalation.trigger(ctx, "dispatch_overdue", None)


def dispatch_measure(ctx: HandlerContext, ticket: Ticket) -> dict[str, Any]:
    """The dispatch delay for the ticket_dispatched event: from the center's receipt (intake,
    or the last return or dispatch objection, which hand the ticket back to the center) to
    now, in seconds and working seconds, with the rule it answers to.

    "Immediately" rules (guizhou 第九条 即时派单, guangxi 第二十五条(二) 第一时间, puyang 三(四)
    立即转办) have no timer; this measured delay is what statistics report for them.
    """
    returned = last_event_at(ctx.session, ticket.id, ("ticket_returned", "dispatch_objected"))
    received = max(ticket.created_at, returned) if returned is not None else ticket.created_at
    calendar = WorkingCalendar.load(ctx.session)
    now = clock.now()
    seconds, working = dispatch_delay(calendar, received_at=received, dispatched_at=now)
    rule = dispatch_rule(
        ctx.profile,
        calendar,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        received_at=received,
    )
    return {
        "dispatch_delay_seconds": seconds,
        "dispatch_delay_working_seconds": working,
        "dispatch_limit": rule.limit.describe() if rule else None,
        "dispatch_immediately": bool(rule and rule.limit.immediately),
    }
