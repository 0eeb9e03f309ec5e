"""Service-task handlers and form rules of assessment_appeal.bpmn: the center's decision,
the score change of an accepted appeal, and the unit reading the result."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from hotline import appeal_steps
from hotline.fields import blank
from hotline.models.appeals import Appeal
from processes.context import HandlerContext
from processes.forms import FormContext


def review_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """The opinion says why; an appeal is accepted only on checked evidence (puyang 附件
    四(四): 及时提供相关证据，经平台人员审核); whoever filed it does not decide it."""
    if blank(data.get("opinion")):
        raise ValidationError({"opinion": ["must not be blank"]})
    if data.get("decision") == "accepted" and data.get("evidence_checked") is not True:
        raise ValidationError({"evidence_checked": ["an appeal is accepted on checked evidence"]})
    appeal = ctx.session.get(Appeal, ctx.variables.get("appeal_id"))
    if appeal is not None and appeal.filed_by == getattr(ctx.actor, "id", None):
        raise ValidationError({"decision": ["who filed the appeal does not decide it"]})


def _appeal(ctx: HandlerContext) -> Appeal:
    return appeal_steps.get_for_process(ctx.session, ctx.variables["appeal_id"])


def _decide(ctx: HandlerContext, accepted: bool) -> None:
    appeal_steps.decide(
        ctx.session,
        _appeal(ctx),
        ctx.actor,
        accepted=accepted,
        opinion=ctx.form["opinion"],
        evidence_checked=bool(ctx.form["evidence_checked"]),
        task=ctx.form_task or ctx.element_id,
    )


def accept_appeal(ctx: HandlerContext) -> None:
    """申诉成立: the appeal is accepted with the center's opinion (`appeal_accepted`)."""
    _decide(ctx, accepted=True)


def reject_appeal(ctx: HandlerContext) -> None:
    """申诉不成立: the appeal is rejected with the center's opinion; no score changes."""
    _decide(ctx, accepted=False)


def change_score(ctx: HandlerContext) -> None:
    """调整考核得分: the accepted appeal changes the unit's score (`score_changed`)."""
    appeal_steps.change_score(ctx.session, ctx.profile, _appeal(ctx), ctx.actor, ctx.element_id)


def record_reading(ctx: HandlerContext) -> None:
    """The unit read the decision in its inbox (`appeal_decision_read`)."""
    note = ctx.form.get("note")
    appeal_steps.mark_read(ctx.session, _appeal(ctx), ctx.actor, note, ctx.form_task or "")
