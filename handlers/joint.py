"""Joint handling (会签): parts per unit, a lead unit that merges them into one reply.

`joint.start` runs in the ticket instance (ticket.bpmn `start_joint`) and starts
joint.bpmn; the other topics run in joint.bpmn, one part per multi-instance child.
Per-part results live in `joint_parts`: SpiffWorkflow discards what children set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers import deadlines, escalation, tickets
from hotline import clock
from hotline import joint as parts
from hotline.calendar import WorkingCalendar
from hotline.deadlines import restart_dispatch_clock
from hotline.errors import Invalid
from hotline.instances import instances_of
from hotline.models import JointPart, Ticket
from hotline.statuses import ENDED_PART_STATUSES, LIVE_PART_STATUSES, PartRole, TicketStatus
from hotline.tickets import assign_unit, iso, set_status
from processes import timers
from processes.context import HandlerContext

JOINT_PROCESS = "joint"
TICKET_PROCESS = "ticket"
COMPLETED_MESSAGE = "joint_completed"


def _part(ctx: HandlerContext) -> JointPart:
    part = ctx.session.get(JointPart, ctx.variables.get("part_id"))
    if part is None:
        raise LookupError(f"no joint part {ctx.variables.get('part_id')!r} in {ctx.element_id}")
    return part


def _running(ticket: Ticket) -> tuple[datetime, datetime]:
    """The ticket's due time and dispatch time, both set once it is dispatched."""
    if ticket.due_at is None or ticket.dispatched_at is None:
        raise LookupError(f"ticket {ticket.number} is not dispatched with a deadline")
    return ticket.due_at, ticket.dispatched_at


def _part_variables(part: JointPart, acknowledge_due_at: datetime | None) -> dict[str, Any]:
    # Per-child data: the child's dueDate, candidateGroups and timers read these.
    return {
        "part_id": part.id,
        "part_unit": part.unit_code,
        "part_role": part.role,
        "part_due_at": iso(part.due_at),
        "part_ack_due_at": iso(acknowledge_due_at),
    }


def start_joint(ctx: HandlerContext) -> dict[str, Any]:
    """牵办 (guangyuan 第十二条(三)): parts for the lead and assisting units, then joint.bpmn."""
    ticket = ctx.ticket
    asked = ctx.variables.get("lead_unit")
    errors = parts.unit_errors(ctx.session, asked, ctx.variables.get("units"))
    if errors:
        raise Invalid("joint handling needs a lead unit and assisting units", fields=errors)
    lead = str(asked)
    codes = parts.part_units(lead, ctx.variables.get("units"))
    cancel_joint(ctx, "joint handling started again")
    profile = ctx.profile
    measured = deadlines.dispatch_measure(ctx, ticket)  # before the clock restarts below
    ticket.joint = True
    assign_unit(ticket, lead)
    set_status(ticket, TicketStatus.DISPATCHED)
    restart_dispatch_clock(profile, ticket, clock.now())
    ctx.emit("ticket_dispatched_jointly", lead_unit=lead, units=codes, **measured)
    timers = deadlines.schedule_handling(ctx, ticket)
    lead_due, dispatched_at = _running(ticket)
    assisting, rule = parts.assist_due(
        profile, WorkingCalendar.load(ctx.session), lead_due=lead_due, dispatched_at=dispatched_at
    )
    rows = [parts.add_part(ctx.session, ticket, lead, PartRole.LEAD, lead_due)]
    rows += [
        parts.add_part(ctx.session, ticket, u, PartRole.ASSISTING, assisting.at) for u in codes[1:]
    ]
    ctx.session.flush()
    ctx.emit(
        "part_deadlines_set",
        parts={row.unit_code: iso(row.due_at) for row in rows},
        rule=rule,
        provisional=assisting.provisional,
    )
    ctx.start(
        JOINT_PROCESS,
        {
            "ticket_id": ticket.id,
            "lead_unit": lead,
            "units": codes,
            "part_ids": {row.unit_code: row.id for row in rows},
            "designated": bool(ctx.variables.get("designated") or ticket.designated_by),
        },
    )
    # Review rejections and rehandles in ticket.bpmn go to the lead unit's `handle`.
    return {"unit": lead, **timers}


def open_part(ctx: HandlerContext) -> dict[str, Any]:
    """One multi-instance child takes its unit's part and that part's deadlines."""
    part_id = (ctx.variables.get("part_ids") or {}).get(ctx.variables.get("part_unit"))
    part = ctx.session.get(JointPart, part_id)
    if part is None:
        raise LookupError(f"no joint part for unit {ctx.variables.get('part_unit')!r}")
    part.instance_id = ctx.instance.id
    return _part_variables(part, ctx.ticket.acknowledge_due_at)


def acknowledge_part(ctx: HandlerContext) -> dict[str, Any] | None:
    """签收: the unit took its part; the lead's acknowledgement starts the ticket's handling.

    The lead's acknowledgement is the ticket's acceptance (受理): a limit counted from
    acceptance starts now (`_lead_accepted`). An assisting part stays due `[joint]
    assist_lead` before the lead's part, so its own acknowledgement moves nothing.
    """
    ticket, part = ctx.ticket, _part(ctx)
    parts.acknowledge(part)
    if part.role == PartRole.LEAD and ticket.status == TicketStatus.DISPATCHED:
        set_status(ticket, TicketStatus.HANDLING)
    ctx.emit(
        "part_acknowledged",
        unit=part.unit_code,
        role=part.role,
        **ctx.form_values("contacted", "note"),
    )
    if part.role != PartRole.LEAD:
        return None
    return _lead_accepted(ctx, ticket, part)


def _lead_accepted(ctx: HandlerContext, ticket: Ticket, lead: JointPart) -> dict[str, Any] | None:
    """The lead unit accepted: where the ticket's handling limit runs from acceptance (meizhou
    第十一条(二)3, 003_de7e966f0e71df8b.txt: 受理后在30个工作日时限时办结), the lead's part, the
    ticket and the assisting parts move from the assumed end of the decision window to now.

    The limit comes from the single-unit rule (`deadlines.start_on_acceptance`, which records
    `deadlines_set` with `accepted_at`); the assisting parts keep `[joint] assist_lead` before
    it. Returns the lead child's new `part_due_at` (its handle_part timer reads it); None
    when nothing runs from acceptance.
    """
    timers = deadlines.start_on_acceptance(ctx, ticket)
    if not timers:
        return None
    lead_due, dispatched_at = _running(ticket)
    parts.move_due(lead, lead_due)
    assisting, rule = parts.assist_due(
        ctx.profile,
        WorkingCalendar.load(ctx.session),
        lead_due=lead_due,
        dispatched_at=dispatched_at,
    )
    moved = [
        p
        for p in parts.parts_of(ctx.session, ticket.id)
        if p.role == PartRole.ASSISTING and p.status in LIVE_PART_STATUSES
    ]
    for part in moved:
        parts.move_due(part, assisting.at)
        _rearm_part(ctx, part)
    # The ticket's own timers (the lead's `handle` after a rejected review) read these.
    for instance in instances_of(ctx.session, ticket.id, TICKET_PROCESS):
        ctx.update_variables(instance.id, timers)
    ctx.emit(
        "part_deadlines_set",
        parts={row.unit_code: iso(row.due_at) for row in [lead, *moved]},
        rule=rule,
        provisional=ticket.deadline_provisional or assisting.provisional,
        accepted_at=iso(lead.acknowledged_at),
    )
    return {"part_due_at": iso(lead.due_at)}


def _rearm_part(ctx: HandlerContext, part: JointPart) -> None:
    """Another child of this joint instance: its `part_due_at` and the timers reading it move.

    That child runs in the workflow being advanced right now, so its tasks are changed in
    place; the runtime's timer refresh and sync after this step pick the new time up.
    """
    workflow = ctx.workflow
    timers.rearm(
        workflow,
        {"part_due_at": iso(part.due_at)},
        where=lambda task: task.data.get("part_id") == part.id,
    )


def record_part_result(ctx: HandlerContext) -> None:
    """The unit's result for its part, kept per unit for the lead to merge."""
    part = _part(ctx)
    result = ctx.form_values("findings", "opinion")
    parts.complete(part, result)
    ctx.emit("part_completed", unit=part.unit_code, role=part.role, **result)


def record_part_return(ctx: HandlerContext) -> None:
    """退回: the part is outside the unit's remit; the center reassigns or drops it."""
    part = _part(ctx)
    reason = ctx.form.get("return_reason")
    parts.give_back(part, reason)
    # A part handed back is a return of the ticket by that unit: it counts on the ladder.
    ctx.ticket.return_count += 1
    # The profile's return fields (hotline.returns): the reason always, the others if given.
    given = tickets.return_form(ctx).items()
    fields = {k: v for k, v in given if k == "return_reason" or v is not None}
    ctx.emit("part_returned", unit=part.unit_code, role=part.role, **fields)
    escalation.trigger(ctx, "returned", part.unit_code)


def reassign_part(ctx: HandlerContext) -> dict[str, Any]:
    """The center gives the returned part to another unit, which acknowledges it anew."""
    ticket, old = ctx.ticket, _part(ctx)
    unit = str(ctx.variables.get("unit"))  # the reassign_part form requires an active unit
    new = parts.reassign(ctx.session, ticket, old, unit)
    new.instance_id = ctx.instance.id
    if new.role == PartRole.LEAD:
        _move_lead(ctx, ticket, unit)
    ctx.emit(
        "part_reassigned",
        from_unit=old.unit_code,
        unit=unit,
        role=new.role,
        due_at=iso(new.due_at),
        **ctx.form_values("comment"),
    )
    profile = ctx.profile
    ack = parts.acknowledge_due(profile, WorkingCalendar.load(ctx.session), ticket, clock.now())
    return _part_variables(new, ack)


def _move_lead(ctx: HandlerContext, ticket: Ticket, unit: str) -> None:
    """A reassigned lead part makes `unit` the lead: it merges, and review sends back to it."""
    assign_unit(ticket, unit)
    for instance in instances_of(ctx.session, ticket.id, TICKET_PROCESS):
        ctx.update_variables(instance.id, {"unit": unit})


def drop_part(ctx: HandlerContext) -> None:
    """The center ends a returned part: no other unit takes it."""
    part = _part(ctx)
    comment = ctx.form.get("comment")
    parts.drop(part, comment)
    ctx.emit("part_dropped", unit=part.unit_code, role=part.role, comment=comment)


def urge_part_acknowledge(ctx: HandlerContext) -> None:
    """签收超时: the part was not acknowledged by its acknowledge limit (guangyuan 第十三条(一):
    30 minutes); urge its unit once per limit and let that unit's ladder hear it."""
    part = _part(ctx)
    if part.acknowledged_at is not None or part.status in ENDED_PART_STATUSES:
        return
    due = ctx.variables.get("part_ack_due_at")
    if deadlines.already_recorded(
        ctx, "ticket_urged", stage="acknowledge", unit=part.unit_code, due_at=due
    ):
        return
    ctx.emit("ticket_urged", stage="acknowledge", unit=part.unit_code, role=part.role, due_at=due)
    escalation.trigger(ctx, "acknowledge_overdue", part.unit_code)


def mark_part_overdue(ctx: HandlerContext) -> None:
    """A part not finished by its due time is overdue (once): its unit, lead or assisting, is
    urged and its own escalation ladder hears it (guangyuan 第二十六条(二))."""
    ticket, part = ctx.ticket, _part(ctx)
    if not parts.mark_overdue(part):
        return
    due = iso(part.due_at)
    ctx.emit("part_overdue", unit=part.unit_code, role=part.role, due_at=due)
    if part.role == PartRole.LEAD:
        ticket.overdue = True  # the lead's due is the ticket's due
        ctx.emit("ticket_overdue", unit=part.unit_code, due_at=due)
    ctx.emit("ticket_urged", stage="handle", unit=part.unit_code, role=part.role, due_at=due)
    escalation.trigger(ctx, "overdue", part.unit_code)


def parts_done(ctx: HandlerContext) -> dict[str, Any]:
    """Every part is done or dropped: the lead unit (possibly reassigned) merges them."""
    ticket = ctx.ticket
    lead = parts.lead_part(ctx.session, ticket.id)
    if lead is None:
        raise LookupError(f"joint ticket {ticket.number} has no lead part")
    summary = [
        {"unit": p.unit_code, "role": p.role, "status": p.status}
        for p in parts.parts_of(ctx.session, ticket.id)
    ]
    ctx.emit("joint_parts_completed", lead_unit=lead.unit_code, parts=summary)
    return {"lead_unit": lead.unit_code, "merge_due_at": iso(lead.due_at)}


def urge_merge(ctx: HandlerContext) -> None:
    """超期: the lead has not merged the parts by its due time, the ticket's due (guangyuan
    第二十六条(二): 承办单位超期未办理的 → 督促). The ticket is overdue and the lead urged and
    its ladder hears `overdue`, once per due time: a lead already marked overdue on its own
    part for that due time (`joint.part_overdue`) is not urged again."""
    ticket = ctx.ticket
    lead = ctx.variables.get("lead_unit")
    due = ctx.variables.get("merge_due_at")
    # The deadline moved since the merge began (a later limit): not overdue against it.
    if ticket.due_at is not None and ticket.due_at > clock.now():
        return
    ticket.overdue = True
    if not deadlines.already_recorded(ctx, "ticket_overdue", due_at=due):
        ctx.emit("ticket_overdue", unit=lead, due_at=due)
    if deadlines.already_recorded(ctx, "ticket_urged", stage="handle", unit=lead, due_at=due):
        return
    ctx.emit("ticket_urged", stage="handle", unit=lead, role=PartRole.LEAD, due_at=due)
    escalation.trigger(ctx, "overdue", lead)


def record_merge(ctx: HandlerContext) -> None:
    """主办单位汇总各方意见统一答复 (guangyuan 第十二条(三)): the merged reply goes to review."""
    ticket = ctx.ticket
    ticket.reply = ctx.form.get("reply")
    set_status(ticket, TicketStatus.IN_REVIEW)
    lead = ctx.variables.get("lead_unit")
    ctx.emit(
        "result_submitted", unit=lead, joint=True, **ctx.form_values("basis", "findings", "reply")
    )
    for instance in instances_of(ctx.session, ticket.id, TICKET_PROCESS)[:1]:
        ctx.send(instance.id, COMPLETED_MESSAGE, {"lead_unit": lead}, required=True)


def cancel_joint(ctx: HandlerContext, reason: str) -> int:
    """Stop the ticket's running joint process (e.g. a government decision redirects it).

    Its part tasks are cancelled and unfinished parts end as `cancelled`; how many stopped.
    """
    if ctx.ticket_id is None:
        return 0
    running = instances_of(ctx.session, ctx.ticket_id, JOINT_PROCESS)
    for instance in running:
        ctx.cancel(instance.id, reason)
    for part in parts.cancel_open_parts(ctx.session, ctx.ticket_id):
        ctx.emit("part_cancelled", unit=part.unit_code, role=part.role, reason=reason)
    return len(running)
