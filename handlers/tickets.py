"""Service-task handlers of ticket.bpmn: they move the ticket's own tables and history."""

from __future__ import annotations

from typing import Any

from handlers import deadlines, escalation
from hotline import clock
from hotline.deadlines import restart_dispatch_clock
from hotline.knowledge_questions import parse_article_ids, published_articles
from hotline.returns import return_event_fields
from hotline.statuses import TicketStatus
from hotline.tickets import assign_unit, dispatch_due_at, set_status
from processes.context import HandlerContext


def answer_directly(ctx: HandlerContext) -> None:
    """直办: the operator answered from the knowledge base; the ticket closes at intake."""
    ticket = ctx.ticket
    ticket.reply = ctx.form.get("answer")
    set_status(ticket, TicketStatus.CLOSED)
    # Which knowledge answered the ticket: ids and questions of the cited published articles.
    cited: dict[str, Any] = {}
    if ctx.form.get("articles"):
        found, _problems = published_articles(ctx.session, parse_article_ids(ctx.form["articles"]))
        cited["articles"] = [{"id": a.id, "question": v.question} for a, v in found]
    ctx.emit("ticket_answered", answer=ticket.reply, **cited)
    escalation.ticket_finished(ctx)


def decline(ctx: HandlerContext) -> None:
    """不予受理: recorded with its reason."""
    ticket = ctx.ticket
    ticket.close_note = ctx.form.get("decline_reason")
    set_status(ticket, TicketStatus.DECLINED)
    ctx.emit("ticket_declined", reason=ticket.close_note)
    escalation.ticket_finished(ctx)


def dispatch(ctx: HandlerContext) -> dict[str, Any]:
    """转办: the ticket goes to the unit chosen at triage, with its deadlines."""
    ticket = ctx.ticket
    unit = ctx.variables["unit"]
    measured = deadlines.dispatch_measure(ctx, ticket)  # before the clock restarts below
    assign_unit(ticket, unit)
    set_status(ticket, TicketStatus.DISPATCHED)
    restart_dispatch_clock(ctx.profile, ticket, clock.now())
    # A single dispatch ends any earlier joint handling: its units lose sight of the ticket.
    ticket.joint = False
    ctx.emit("ticket_dispatched", unit=unit, **measured)
    # An objection counts as coordinated only for the unit it was coordinated for.
    return {**deadlines.schedule_handling(ctx, ticket), "objection_coordinated": False}


def acknowledge(ctx: HandlerContext) -> dict[str, Any]:
    """签收: the unit confirmed receipt (and whether it reached the requester).

    Acknowledging is the unit's acceptance (受理): a limit counted from acceptance starts now.
    """
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.HANDLING)
    ctx.emit(
        "ticket_acknowledged", unit=ticket.current_unit, **ctx.form_values("contacted", "note")
    )
    return deadlines.start_on_acceptance(ctx, ticket)


def return_form(ctx: HandlerContext) -> dict[str, Any]:
    """A return's fields for its event: reason and suggested unit always, the others if given."""
    return return_event_fields(ctx.form, always=("return_reason", "suggested_unit"))


def record_return(ctx: HandlerContext) -> dict[str, Any]:
    """退单: back to the center for re-dispatch."""
    ticket = ctx.ticket
    unit = ticket.current_unit
    deadlines.judge_return(ctx, ticket)
    ticket.current_unit = None
    ticket.return_count += 1
    set_status(ticket, TicketStatus.RETURNED)
    ctx.emit("ticket_returned", unit=unit, **return_form(ctx))
    escalation.trigger(ctx, "returned", unit)
    # The center's dispatch limit runs again for the re-dispatch.
    due = dispatch_due_at(ctx.session, ctx.profile, ticket)
    return {"unit": None, "dispatch_due_at": due}


def request_extension(ctx: HandlerContext) -> dict[str, Any]:
    """延期申请: waits for the approval of the group the profile names (its approver)."""
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.EXTENSION_REQUESTED)
    data = deadlines.extension_request_data(ctx, ticket)
    ctx.emit(
        "extension_requested",
        unit=ticket.current_unit,
        extension_kind=data["extension_kind"],
        approver_group=data["extension_approver_group"],
        **ctx.form_values("extension_reason", "requester_told", "extension_statement"),
    )
    if ctx.form.get("requester_told"):
        # guangyuan 第十三条(三), guangxi 第二十六条(二)9: the requester is told of the delay.
        ctx.emit("requester_informed_of_extension", unit=ticket.current_unit)
    return data


def decide_extension(ctx: HandlerContext) -> dict[str, Any] | None:
    """The approver granted or refused the extension; the unit goes on handling."""
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.HANDLING)
    if not ctx.variables.get("approved"):
        ctx.emit("extension_refused", **ctx.form_values("comment"))
        return None
    timers = deadlines.extend_handling(ctx, ticket)
    ctx.emit(
        "extension_approved",
        due_at=timers["handle_due_at"],
        **ctx.form_values("comment", "granted_length", "override_reason"),
    )
    return timers


def record_result(ctx: HandlerContext) -> None:
    """办理结果: basis, findings and reply go to the center's review."""
    ticket = ctx.ticket
    ticket.reply = ctx.form.get("reply")
    set_status(ticket, TicketStatus.IN_REVIEW)
    ctx.emit(
        "result_submitted",
        unit=ticket.current_unit,
        **ctx.form_values("basis", "findings", "reply"),
    )


def send_back(ctx: HandlerContext) -> None:
    """审核退回: the result is not acceptable; the unit handles again."""
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.HANDLING)
    ctx.emit("result_sent_back", unit=ticket.current_unit, **ctx.form_values("comment"))
    escalation.trigger(ctx, "sent_back", ticket.current_unit)


def approve_result(ctx: HandlerContext) -> dict[str, Any]:
    """审核通过: on to the callback, whose no-answer timer follows the profile."""
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.CALLBACK)
    ctx.emit("result_approved", **ctx.form_values("comment"))
    return deadlines.schedule_callback(ctx)


def record_callback(ctx: HandlerContext) -> None:
    """回访: the requester's satisfaction."""
    ticket = ctx.ticket
    ticket.satisfaction = ctx.variables.get("satisfaction")
    if ticket.satisfaction == "unsatisfied":
        ticket.unsatisfied_count += 1
    ctx.emit(
        "callback_recorded",
        satisfaction=ticket.satisfaction,
        **ctx.form_values("reasonable", "comment"),
    )


def rehandle(ctx: HandlerContext) -> dict[str, Any]:
    """重办: unsatisfied and reasonable, back to the unit with the rehandle limit."""
    ticket = ctx.ticket
    ticket.rehandle_count += 1
    ticket.satisfaction = None
    set_status(ticket, TicketStatus.HANDLING)
    ctx.emit("ticket_rehandled", unit=ticket.current_unit, **ctx.form_values("comment"))
    escalation.trigger(ctx, "unsatisfied", ticket.current_unit)
    return deadlines.schedule_rehandle(ctx, ticket)


def close_with_note(ctx: HandlerContext) -> None:
    """备注办结: unsatisfied for objective reasons; archived as is (guangyuan 第十四条(二))."""
    ticket = ctx.ticket
    ticket.close_note = ctx.form.get("comment")
    set_status(ticket, TicketStatus.CLOSED_WITH_NOTE)
    ctx.emit("ticket_closed_with_note", note=ticket.close_note)
    escalation.ticket_finished(ctx)


def close(ctx: HandlerContext) -> None:
    """办结归档."""
    ticket = ctx.ticket
    set_status(ticket, TicketStatus.CLOSED)
    ctx.emit("ticket_closed", satisfaction=ticket.satisfaction)
    escalation.ticket_finished(ctx)
