"""Rules of ticket.bpmn's forms that span several fields or consult the database."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from hotline import clock, returns
from hotline.calendar import WorkingCalendar
from hotline.directory import active_unit, parse_unit_codes
from hotline.extensions import extension_check, extension_grant, extension_request_errors
from hotline.fields import blank
from hotline.knowledge_questions import parse_article_ids, published_articles
from hotline.models import Ticket
from hotline.policy import active_profile
from processes.forms import FormContext

# A joint ticket or leader's designation names a handful of units, never hundreds.
MAX_UNITS = 30


def _require(data: dict[str, Any], names: tuple[str, ...], when: str) -> dict[str, list[str]]:
    return {name: [f"required when {when}"] for name in names if blank(data.get(name))}


def triage_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """answer needs `answer`; dispatch needs an active `unit`; decline needs a reason."""
    disposition = data.get("disposition")
    needed = {
        "answer": ("answer",),
        "dispatch": ("unit",),
        "decline": ("decline_reason",),
        "joint": ("lead_unit", "units"),
    }
    errors = _require(data, needed.get(str(disposition), ()), f"disposition is {disposition}")
    if disposition == "dispatch" and not errors:
        errors.update(unit_errors(ctx, "unit", [data["unit"]]))
    if disposition == "joint" and not errors:
        errors.update(joint_errors(ctx, data["lead_unit"], data["units"], assisting_only=False))
    if errors:
        raise ValidationError(errors)


def triage_articles(data: dict[str, Any], ctx: FormContext) -> None:
    """`articles` (ids cited by a direct answer) are published articles, for answer only."""
    if blank(data.get("articles")):
        return
    if data.get("disposition") != "answer":
        raise ValidationError({"articles": ["only a direct answer (disposition answer) cites"]})
    try:
        ids = parse_article_ids(data["articles"])
    except ValueError as exc:
        raise ValidationError({"articles": [str(exc)]}) from None
    _found, problems = published_articles(ctx.session, ids)
    if problems:
        raise ValidationError({"articles": problems})


def unit_errors(ctx: FormContext, name: str, codes: list[str]) -> dict[str, list[str]]:
    """`name` → messages for every code that is not an active unit."""
    if len(codes) > MAX_UNITS:
        return {name: [f"at most {MAX_UNITS} units, got {len(codes)}"]}
    bad = [c for c in codes if active_unit(ctx.session, c) is None]
    if not bad:
        return {}
    return {name: [f"unit {c!r} does not exist or is inactive" for c in bad]}


def joint_errors(
    ctx: FormContext, lead: str, units: Any, *, assisting_only: bool
) -> dict[str, list[str]]:
    """A joint ticket needs an active lead and at least one other active unit."""
    errors = unit_errors(ctx, "lead_unit", [lead])
    codes = parse_unit_codes(units)
    errors.update(unit_errors(ctx, "units", codes))
    others = [c for c in codes if c != lead]
    if not errors and not others:
        what = "assisting units" if assisting_only else "units besides the lead unit"
        errors["units"] = [f"joint handling needs {what}"]
    return errors


def leader_instruction_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """The leader names an active lead unit; assisting units, if any, must be active too."""
    errors = unit_errors(ctx, "lead_unit", [data["lead_unit"]])
    if not blank(data.get("units")):
        errors.update(unit_errors(ctx, "units", parse_unit_codes(data["units"])))
    if errors:
        raise ValidationError(errors)


def coordination_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """Reassigning needs another active unit."""
    if data.get("decision") != "reassign":
        return
    errors = _require(data, ("unit",), "decision is reassign")
    if not errors:
        errors = unit_errors(ctx, "unit", [data["unit"]])
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if not errors and ticket is not None and data["unit"] == ticket.current_unit:
        errors["unit"] = ["reassign to another unit, or choose uphold"]
    if errors:
        raise ValidationError(errors)


def designation_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """The authority names an active unit."""
    errors = unit_errors(ctx, "unit", [data["unit"]])
    if errors:
        raise ValidationError(errors)


def handle_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """done: basis, findings, reply; return: the profile's fields; objection: a reason.

    Who may return or object, and what a return carries, is the profile's [returns] rule
    (hotline.returns; guangyuan 第十二条 and 第十三条(二)), the same one a joint part obeys.
    """
    outcome = data.get("outcome")
    needed = {
        "done": ("basis", "findings", "reply"),
        "extension": ("extension_reason",),
        "objection": ("objection_reason",),
    }
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if outcome in ("return", "objection") and ticket is not None:
        refusal = returns.return_refusal(
            active_profile(ctx.extras), joint=ticket.joint, designated_by=ticket.designated_by
        )
        if refusal:
            raise ValidationError({"outcome": [refusal]})
    errors = _require(data, needed.get(str(outcome), ()), f"outcome is {outcome}")
    if outcome == "return" and ticket is not None:
        errors.update(return_errors(ctx, ticket, data))
    if errors:
        raise ValidationError(errors)
    if outcome == "extension":
        kind = data.get("extension_kind") or None
        refusal = extension_refusal(ctx, kind)
        if refusal:
            field = "extension_kind" if kind and "no extension kind" in refusal else "outcome"
            raise ValidationError({field: [refusal]})
        errors = extension_request_errors(active_profile(ctx.extras), kind, data)
        if errors:
            raise ValidationError(errors)


def return_errors(ctx: FormContext, ticket: Ticket, data: dict[str, Any]) -> dict[str, list[str]]:
    """The profile's required return fields left blank (guangyuan 13(二), puyang 附件 四(三)2)."""
    return returns.missing_return_fields(
        active_profile(ctx.extras),
        data,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
    )


def extension_refusal(ctx: FormContext, kind: str | None = None) -> str | None:
    """Why the profile does not allow an extension now (category, timing, count), or None.

    A soft count cap (原则上) does not refuse the request: the approver decides, with a reason.
    """
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if ticket is None or ticket.due_at is None:
        return None
    return extension_check(
        active_profile(ctx.extras),
        WorkingCalendar.load(ctx.session),
        category=ticket.category,
        due_at=ticket.due_at,
        now=clock.now(),
        extensions_so_far=ticket.extension_count,
        kind=kind,
        allow_soft=True,
    )


def extension_grant_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """Granting beyond a soft cap (原则上/一般) needs `override_reason`; beyond a hard cap, never
    (guangyuan 第十三条(三): the center, when approving, may pass 原则上只能申请一次 and 一般不超过
    2个工作日 with a written reason)."""
    if data.get("approved") is not True:
        return
    ticket = ctx.session.get(Ticket, ctx.ticket_id)
    if ticket is None:
        return
    _granted, errors = extension_grant(
        active_profile(ctx.extras),
        kind=ctx.variables.get("extension_kind"),
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        granted=data.get("granted_length"),
        extensions_so_far=ticket.extension_count,
        override_reason=None if blank(data.get("override_reason")) else data["override_reason"],
    )
    if errors:
        raise ValidationError(errors)


def refusal_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """A refusal tells the unit why."""
    if data.get("approved") is False and blank(data.get("comment")):
        raise ValidationError({"comment": ["required when approved is false"]})


def callback_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """An unsatisfied rating needs `reasonable` to choose rehandle or close with note."""
    if data.get("satisfaction") == "unsatisfied" and data.get("reasonable") is None:
        raise ValidationError({"reasonable": ["required when satisfaction is unsatisfied"]})
