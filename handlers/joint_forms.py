"""Form rules of joint.bpmn: a unit's part, the center's reassignment and the lead's merge.

Triage's joint fields (lead_unit, units) are checked in handlers/ticket_forms.py.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from hotline import joint as parts
from hotline.directory import active_unit
from hotline.models import JointPart, Ticket
from processes.forms import FormContext, form_rule

# guangyuan 第十二条, after (三)(四): units designated by 牵办 or 批办 may not return.
DESIGNATED_NO_RETURN = (
    "this ticket's units were designated (by {who}): a designated unit may not return its part "
    "(guangyuan 第十二条(三)/(四), 000_27d936bb79493c2c.txt: "
    "通过第十二条第三款、第四款确定的承办单位…不得退回)"
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _require(data: dict[str, Any], names: tuple[str, ...], when: str) -> dict[str, list[str]]:
    return {name: [f"required when {when}"] for name in names if _blank(data.get(name))}


@form_rule("joint", "handle_part")
def handle_part_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """done needs findings and opinion; return needs a reason and is refused when designated."""
    outcome = data.get("outcome")
    needed = {"done": ("findings", "opinion"), "return": ("return_reason",)}
    errors = _require(data, needed.get(outcome, ()), f"outcome is {outcome}")
    if outcome == "return":
        ticket = ctx.session.get(Ticket, ctx.ticket_id)
        who = ticket.designated_by if ticket is not None else None
        if who or ctx.variables.get("designated"):
            errors["outcome"] = [DESIGNATED_NO_RETURN.format(who=who or "the center")]
    if errors:
        raise ValidationError(errors)


@form_rule("joint", "reassign_part")
def reassign_part_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """reassign needs another active unit without a part in hand; the lead's part is not dropped."""
    decision = data.get("decision")
    part = ctx.session.get(JointPart, ctx.variables.get("part_id"))
    if decision == "drop":
        errors = _require(data, ("comment",), "decision is drop")
        if part is not None and part.role == parts.LEAD:
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
    if _blank(unit):
        raise ValidationError({"unit": ["required when decision is reassign"]})
    if active_unit(ctx.session, unit) is None:
        raise ValidationError({"unit": [f"unit {unit!r} does not exist or is inactive"]})
    if part is not None and unit == part.unit_code:
        raise ValidationError({"unit": [f"{unit} returned this part; choose another unit"]})
    if ctx.ticket_id is not None and parts.live_part_of(ctx.session, ctx.ticket_id, unit):
        raise ValidationError({"unit": [f"{unit} already has a part of this ticket"]})


@form_rule("joint", "merge")
def merge_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """The merged reply (统一答复) states basis, findings and reply; blanks do not count."""
    errors = {
        name: ["must not be blank"]
        for name in ("basis", "findings", "reply")
        if name in data and _blank(data.get(name))
    }
    if errors:
        raise ValidationError(errors)
