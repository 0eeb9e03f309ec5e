"""Form rules of joint.bpmn: a unit's part, the center's reassignment and the lead's merge.

Triage's joint fields (lead_unit, units) are checked in handlers/ticket_forms.py.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from handlers.ticket_forms import return_errors
from hotline import joint as parts
from hotline import returns
from hotline.directory import active_unit
from hotline.fields import blank
from hotline.models import JointPart, Ticket
from hotline.policy import active_profile
from hotline.statuses import PartRole
from processes.forms import FormContext


def _require(data: dict[str, Any], names: tuple[str, ...], when: str) -> dict[str, list[str]]:
    return {name: [f"required when {when}"] for name in names if blank(data.get(name))}


def handle_part_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """done needs findings and opinion; a return obeys the profile's [returns] rule.

    The same rule as the single-unit `handle` form (hotline.returns): under guangyuan
    第十二条(三) a joint part may not be returned; the fields follow 13(二) / puyang 附件 四(三)2.
    """
    outcome = data.get("outcome")
    errors = _require(data, ("findings", "opinion") if outcome == "done" else (), "outcome is done")
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if outcome == "return" and ticket is not None:
        refusal = returns.return_refusal(
            active_profile(ctx.extras), joint=True, designated_by=ticket.designated_by
        )
        if refusal:
            raise ValidationError({"outcome": [refusal]})
        errors.update(return_errors(ctx, ticket, data))
    if errors:
        raise ValidationError(errors)


def reassign_part_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """reassign needs another active unit without a part in hand; the lead's part is not dropped."""
    decision = data.get("decision")
    part = ctx.session.get(JointPart, ctx.variables.get("part_id"))
    if decision == "drop":
        errors = _require(data, ("comment",), "decision is drop")
        if part is not None and part.role == PartRole.LEAD:
            errors["decision"] = [
                "the lead unit's part cannot be dropped: reassign it to the unit that will "
                "lead and merge the reply"
            ]
        if errors:
            raise ValidationError(errors)
        return
    if decision != "reassign":
        return
    unit = data.get("unit")
    if blank(unit):
        raise ValidationError({"unit": ["required when decision is reassign"]})
    if active_unit(ctx.session, unit) is None:
        raise ValidationError({"unit": [f"unit {unit!r} does not exist or is inactive"]})
    if part is not None and unit == part.unit_code:
        raise ValidationError({"unit": [f"{unit} returned this part; choose another unit"]})
    if ctx.ticket_id is not None and parts.live_part_of(ctx.session, ctx.ticket_id, str(unit)):
        raise ValidationError({"unit": [f"{unit} already has a part of this ticket"]})


def merge_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """The merged reply (统一答复) states basis, findings and reply; blanks do not count."""
    errors = {
        name: ["must not be blank"]
        for name in ("basis", "findings", "reply")
        if name in data and blank(data.get(name))
    }
    if errors:
        raise ValidationError(errors)
