"""Escalation ladder (督办): profile triggers, escalations, government review.

bpmn/supervision.bpmn (its topics keep the names `supervision.*`) runs once per ticket and
unit at most: `escalate` records a rung, a timer climbs to the next rung when the profile's
limit passes without effect, a supervisor's `escalation_requested` message jumps to any rung,
and the last rung is the leader's `government_review`, whose decision goes back to the
ticket as message `government_decision`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline import clock, escalations
from hotline.calendar import WorkingCalendar
from hotline.directory import active_unit
from hotline.errors import Conflict
from hotline.instances import instances_of
from hotline.joint import live_part_of
from hotline.models import Ticket, TicketEvent, UserTask
from hotline.policy.escalation import escalation_of, next_level
from hotline.statuses import DELIVERED_STATUSES, TicketStatus, UserTaskState
from hotline.tickets import NEVER, TICKET_PROCESS
from processes.context import HandlerContext
from processes.forms import FormContext

# Ticket tasks whose diagram catches `government_decision` (joint_handling waits on a joint).
DECISION_TASKS = ("triage", "acknowledge", "handle")
# Statuses in which the unit has delivered: a rung against it has had its effect.
# A decision gives a new deadline; a year is far beyond any handling limit.
MAX_DECISION_LEAD = timedelta(days=366)
TRIGGER_TEXT = {
    "dispatch_overdue": "dispatch overdue (派单超时)",
    "acknowledge_overdue": "not acknowledged in time (签收超时)",
    "overdue": "handling overdue (超期未办理)",
    "returned": "returned (退单)",
    "sent_back": "result sent back (审核退回)",
    "unsatisfied": "requester unsatisfied (不满意)",
}


def _count_events(ctx: HandlerContext, kind: str, **match: Any) -> int:
    rows = ctx.session.scalars(
        select(TicketEvent.data).where(
            TicketEvent.ticket_id == ctx.ticket_id, TicketEvent.kind == kind
        )
    )
    return sum(1 for data in rows if all((data or {}).get(k) == v for k, v in match.items()))


def _missed_deadlines(ctx: HandlerContext, kinds: tuple[str, ...], **match: Any) -> int:
    """How many distinct deadlines events of `kinds` (with these data values) report."""
    rows = ctx.session.scalars(
        select(TicketEvent.data).where(
            TicketEvent.ticket_id == ctx.ticket_id, TicketEvent.kind.in_(kinds)
        )
    )
    dues = {
        (data or {}).get("due_at")
        for data in rows
        if all((data or {}).get(k) == v for k, v in match.items())
    }
    return len(dues)


def occurrences(ctx: HandlerContext, ticket: Ticket, event: str, unit: str | None = None) -> int:
    """How often `event` happened to the ticket, counting the one being reported.

    Late acknowledgements and overdue handling count per unit (each unit its own ladder):
    a joint ticket's lead late on its part and on the ticket is one missed deadline.
    """
    if event == "returned":
        return ticket.return_count
    if event == "unsatisfied":
        return ticket.unsatisfied_count
    if event == "sent_back":
        return _count_events(ctx, "result_sent_back")
    if event == "dispatch_overdue":
        return max(1, _count_events(ctx, "dispatch_overdue"))
    if event == "acknowledge_overdue":
        found = _missed_deadlines(ctx, ("ticket_urged",), stage="acknowledge", unit=unit)
    else:  # overdue
        found = _missed_deadlines(ctx, ("ticket_overdue", "part_overdue"), unit=unit)
    return max(1, found)  # the event may not be recorded yet


def trigger(ctx: HandlerContext, trigger: str, unit: str | None) -> None:
    """A ticket event that may climb the ladder per the profile (overdue, returned, ...)."""
    ticket = ctx.ticket
    if not escalations.is_open(ticket):
        return
    unit = unit if unit is not None else ticket.current_unit
    count = occurrences(ctx, ticket, trigger, unit)
    rule = escalation_of(ctx.profile).trigger_for(trigger, count)
    if rule is None:
        return
    reason = f"{TRIGGER_TEXT.get(trigger, trigger)}, {count}×: {rule.origin.source}"
    escalations.request(
        ctx.session,
        ctx.runtime,
        ctx.actor,
        ticket,
        level=rule.level,
        reason=reason,
        trigger=trigger,
        unit=unit,
        automatic=True,
    )


def ticket_finished(ctx: HandlerContext) -> None:
    """The ticket closed: open escalations resolve and the supervision process ends."""
    ticket = ctx.ticket
    resolved = escalations.resolve_open(ctx.session, ticket.id, f"ticket {ticket.status}")
    if resolved:
        ctx.emit("escalations_resolved", levels=[e.level for e in resolved], status=ticket.status)
    for instance in instances_of(ctx.session, ticket.id, escalations.SUPERVISION_PROCESS):
        ctx.send(instance.id, "ticket_resolved", {"status": ticket.status}, required=False)


# -- service tasks of supervision.bpmn -------------------------------------------------------


def escalate(ctx: HandlerContext) -> dict[str, Any]:
    """Record the rung at `level` (or the one a supervisor asked for) and when it climbs."""
    ticket = ctx.ticket
    asked = ctx.variables.get("escalation_requested") or {}
    level = asked.get("level") or ctx.variables["level"]
    reason = asked.get("reason") or ctx.variables.get("reason") or level
    cause = asked.get("trigger") or ctx.variables.get("trigger") or "manual"
    unit = asked.get("unit") if asked else ctx.variables.get("unit")
    unit = unit or ticket.current_unit
    row = escalations.record(
        ctx.session, ticket, level=level, unit=unit, reason=reason, trigger=cause, actor=ctx.actor
    )
    climb_at = _climb_at(ctx, level)
    ctx.emit(
        "ticket_escalated",
        level=level,
        unit=unit,
        reason=reason,
        trigger=cause,
        escalation_id=row.id,
        climb_at=None if climb_at == NEVER else climb_at,
    )
    return {
        "level": level,
        "reason": reason,
        "trigger": cause,
        "unit": unit,
        "stage": ticket.status,
        "climb_at": climb_at,
        "escalation_requested": None,
    }


def _climb_at(ctx: HandlerContext, level: str) -> str:
    """When the rung climbs without effect (the profile's working days), or never."""
    climb = escalation_of(ctx.profile).climb(level)
    if climb is None or climb.after is None:
        return NEVER
    calendar = WorkingCalendar.load(ctx.session)
    return calendar.add_working_days(clock.now(), int(climb.after.amount)).at.isoformat()


def stalled(session: Session, ticket: Ticket, unit: str | None, stage: str | None) -> bool:
    """Whether the rung against `unit` has had no effect yet."""
    if not escalations.is_open(ticket):
        return False
    if unit is None:  # against the center: it has not dispatched yet
        return ticket.status in (TicketStatus.NEW, TicketStatus.RETURNED)
    if ticket.joint and live_part_of(session, ticket.id, unit) is not None:
        return True  # the unit's own part of a joint ticket is still open
    if ticket.status == TicketStatus.OBJECTION_RAISED:
        return False  # the unit answered by objecting; the center or authority decides now
    if ticket.current_unit != unit or ticket.status in DELIVERED_STATUSES:
        return False
    # An acknowledge-stage rung has its effect once the unit acknowledges.
    return not (stage == "dispatched" and ticket.status != TicketStatus.DISPATCHED)


def check_effect(ctx: HandlerContext) -> dict[str, Any]:
    """The rung's time is up: end if it had its effect, else take the next rung."""
    ticket = ctx.ticket
    level, unit = ctx.variables["level"], ctx.variables.get("unit")
    upper = next_level(level)
    if upper is None or not stalled(ctx.session, ticket, unit, ctx.variables.get("stage")):
        escalations.resolve_open(ctx.session, ticket.id, "effective", unit=unit)
        ctx.emit("escalation_effective", level=level, unit=unit, status=ticket.status)
        return {"effect": True}
    return {
        "effect": False,
        "level": upper,
        "trigger": "no_effect",
        "reason": f"{level} without effect (未见实效)",
    }


def forward_government_decision(ctx: HandlerContext) -> dict[str, Any]:
    """The leader decided: close the rung and send the decision into the running ticket."""
    ticket = ctx.ticket
    instruction = ctx.form.get("instruction")
    unit, due_at = ctx.variables["unit"], ctx.variables["due_at"]
    escalations.resolve_open(ctx.session, ticket.id, f"government decision: {instruction}")
    ctx.emit("government_review_decided", unit=unit, due_at=due_at, instruction=instruction)
    # The decision supersedes every unit's ladder: none may climb on against the new deadline
    # (and no second government review stays open for the leader).
    for other in instances_of(ctx.session, ticket.id, escalations.SUPERVISION_PROCESS):
        if other.id != ctx.instance.id:
            ctx.send(other.id, "ticket_resolved", {"status": "government_decision"}, required=False)
    running = instances_of(ctx.session, ticket.id, TICKET_PROCESS)
    if not running:
        raise Conflict(f"ticket {ticket.number} has no running lifecycle to redirect")
    payload = {"instruction": instruction, "unit": unit, "due_at": due_at}
    ctx.send(running[-1].id, "government_decision", payload, required=True)
    return {"effect": True}


# -- the leader's form ---------------------------------------------------------------------------


def parse_due(value: Any) -> datetime | None:
    """An aware ISO 8601 date-time, or None when it is not one."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def awaiting_decision(session: Session, ticket: Ticket) -> bool:
    """Whether the ticket's diagram is where a government decision can redirect it."""
    waiting = session.scalar(
        select(func.count())
        .select_from(UserTask)
        .where(
            UserTask.ticket_id == ticket.id,
            UserTask.process_id == TICKET_PROCESS,
            UserTask.task_id.in_(DECISION_TASKS),
            UserTask.state == UserTaskState.READY,
        )
    )
    return bool(waiting) or bool(instances_of(session, ticket.id, "joint"))


def government_review_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """An active unit, a future aware due time, and a ticket that can still be redirected."""
    errors: dict[str, list[str]] = {}
    if active_unit(ctx.session, data.get("unit")) is None:
        errors["unit"] = [f"unit {data.get('unit')!r} does not exist or is inactive"]
    due = parse_due(data.get("due_at"))
    if due is None:
        errors["due_at"] = ["must be an ISO 8601 date-time with a time zone offset"]
    elif due <= clock.now():
        errors["due_at"] = ["must be in the future"]
    elif due > clock.now() + MAX_DECISION_LEAD:
        errors["due_at"] = ["must be within a year from now"]
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if ticket is not None and not awaiting_decision(ctx.session, ticket):
        errors["ticket"] = [
            f"ticket {ticket.number} is {ticket.status}: a government decision redirects a "
            "ticket only while it waits at triage, acknowledge, handle or joint handling"
        ]
    if errors:
        raise ValidationError(errors)
