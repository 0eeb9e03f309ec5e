"""Repeats (并单, 终结办理): merge a repeat into the open ticket or terminate it.

At `triage` the center may find that a new ticket repeats another one (hotline.repeats
flags candidates at intake). Merging closes the repeat into an open ticket, whose unit
answers both. Terminating closes a repeat with a written opinion; who decides and against
which earlier ticket is the profile's [termination] rule (hotline.termination): the handling
unit at `handle` under guangyuan 第十四条(三) (seeds/000_27d936bb79493c2c.txt), the center at
`triage` under guizhou 第十条(三) and guangxi 第二十一条(四).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from handlers import escalation
from hotline import repeats, termination
from hotline.errors import WorkflowError
from hotline.models import Ticket
from hotline.policy import active_profile
from hotline.statuses import TicketStatus
from hotline.tickets import set_status
from processes.context import HandlerContext
from processes.forms import FormContext


def triage_merge(data: dict[str, Any], ctx: FormContext) -> None:
    """merge needs `merge_into`: another ticket that is still open (not closed, not merged)."""
    if data.get("disposition") != "merge":
        return
    if not data.get("merge_into"):
        raise ValidationError({"merge_into": ["required when disposition is merge"]})
    _target, problem = repeats.merge_target(ctx.session, ctx.ticket_id, data["merge_into"])
    if problem:
        raise ValidationError({"merge_into": [problem]})


def triage_terminate(data: dict[str, Any], ctx: FormContext) -> None:
    """terminate at triage: only where the profile lets the center decide (guizhou 第十条(三)).

    Under guangyuan 第十四条(三) the handling unit decides: a 422 names `disposition`.
    """
    if data.get("disposition") == "terminate":
        _check_termination(data, ctx, by="center", field="disposition")


def handle_terminate(data: dict[str, Any], ctx: FormContext) -> None:
    """outcome terminate: the handling unit's 终结办理 (guangyuan 第十四条(三)), where allowed."""
    if data.get("outcome") == "terminate":
        _check_termination(data, ctx, by="unit", field="outcome")


def _check_termination(data: dict[str, Any], ctx: FormContext, *, by: str, field: str) -> None:
    """The profile's [termination] rule for a terminate asked by `by`; 422s name `field`."""
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if ticket is None:
        return
    profile = active_profile(ctx.extras)
    errors = termination.termination_errors(ctx.session, profile, ticket, data, by=by, field=field)
    if errors:
        raise ValidationError(errors)


def merge_ticket(ctx: HandlerContext) -> None:
    """并单: the repeat closes as `merged`, linked to the open ticket that answers it."""
    repeat = ctx.ticket
    number = ctx.variables.get("merge_into")
    # Lock the open ticket: it must not close between the form check and the merge.
    target, problem = repeats.merge_target(ctx.session, repeat.id, number, lock=True)
    if target is None:
        raise WorkflowError(problem or "no ticket to merge into", fields={"merge_into": [problem]})
    set_status(repeat, TicketStatus.MERGED)
    repeats.link_merge(ctx.session, repeat, target, ctx.actor, ctx.element_id)
    ctx.emit("ticket_merged", into=target.number)
    escalation.ticket_finished(ctx)


def terminate_ticket(ctx: HandlerContext) -> None:
    """终结办理: a repeat closes with a written opinion, by the center or the unit per profile."""
    ticket = ctx.ticket
    profile = ctx.profile
    # The handle task's outcome says the unit decided; otherwise it was triage's disposition.
    by = "unit" if ctx.variables.get("outcome") == "terminate" else "center"
    unit = ticket.current_unit if by == "unit" else None
    refusal = termination.decider_refusal(profile, by)
    original, problem = termination.find_original(
        ctx.session, profile, ticket, ctx.variables.get("repeat_of"), unit=unit
    )
    opinion = ctx.form.get("termination_opinion")
    problem = refusal or problem or termination.opinion_problem(opinion)
    if original is None or problem:
        raise WorkflowError(problem or "no ticket to terminate against")
    set_status(ticket, TicketStatus.TERMINATED)
    repeats.link_termination(ctx.session, ticket, original, str(opinion))
    ctx.emit("ticket_terminated", repeat_of=original.number, opinion=ticket.close_note, by=by)
    escalation.ticket_finished(ctx)
