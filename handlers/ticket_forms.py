"""Rules of ticket.bpmn's forms that span several fields or consult the database."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from hotline import clock
from hotline.calendar import WorkingCalendar
from hotline.deadlines import extension_check
from hotline.directory import active_unit
from hotline.models import Ticket
from processes.forms import FormContext, form_rule

LATER_DISPOSITIONS = {
    "joint": "joint handling (joint) is not available yet: dispatch to the lead unit",
    "leader": "leader instruction (leader) is not available yet: dispatch to a unit",
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _require(data: dict[str, Any], names: tuple[str, ...], when: str) -> dict[str, list[str]]:
    return {name: [f"required when {when}"] for name in names if _blank(data.get(name))}


@form_rule("ticket", "triage", before_schema=True)
def triage_disposition_available(data: dict[str, Any], ctx: FormContext) -> None:
    """Refuse the dispositions that later issues bring, with a clear message."""
    disposition = data.get("disposition")
    if isinstance(disposition, str) and disposition in LATER_DISPOSITIONS:
        raise ValidationError({"disposition": [LATER_DISPOSITIONS[disposition]]})


@form_rule("ticket", "triage")
def triage_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """answer needs `answer`; dispatch needs an active `unit`; decline needs a reason."""
    disposition = data.get("disposition")
    needed = {"answer": ("answer",), "dispatch": ("unit",), "decline": ("decline_reason",)}
    errors = _require(data, needed.get(disposition, ()), f"disposition is {disposition}")
    if disposition == "dispatch" and not errors and active_unit(ctx.session, data["unit"]) is None:
        errors["unit"] = [f"unit {data['unit']!r} does not exist or is inactive"]
    if errors:
        raise ValidationError(errors)


@form_rule("ticket", "handle")
def handle_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """done needs basis, findings, reply; return needs reason and suggested unit."""
    outcome = data.get("outcome")
    needed = {
        "done": ("basis", "findings", "reply"),
        "return": ("return_reason", "suggested_unit"),
        "extension": ("extension_reason",),
    }
    errors = _require(data, needed.get(outcome, ()), f"outcome is {outcome}")
    if errors:
        raise ValidationError(errors)
    if outcome == "extension":
        refusal = extension_refusal(ctx)
        if refusal:
            raise ValidationError({"outcome": [refusal]})


def extension_refusal(ctx: FormContext) -> str | None:
    """Why the profile does not allow an extension now (category, timing, count), or None."""
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if ticket is None or ticket.due_at is None:
        return None
    return extension_check(
        ctx.extras["profile"],
        WorkingCalendar.load(ctx.session),
        category=ticket.category,
        due_at=ticket.due_at,
        now=clock.now(),
        extensions_so_far=ticket.extension_count,
    )


@form_rule("ticket", "review")
@form_rule("ticket", "approve_extension")
def refusal_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """A refusal tells the unit why."""
    if data.get("approved") is False and _blank(data.get("comment")):
        raise ValidationError({"comment": ["required when approved is false"]})


@form_rule("ticket", "callback")
def callback_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """An unsatisfied rating needs `reasonable` to choose rehandle or close with note."""
    if data.get("satisfaction") == "unsatisfied" and data.get("reasonable") is None:
        raise ValidationError({"reasonable": ["required when satisfaction is unsatisfied"]})
