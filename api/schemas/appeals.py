"""Appeal schemas: filing an appeal or exemption request, list filters, the appeal as shown."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import (
    HistoryStepSchema,
    PageQuerySchema,
    PageSchema,
    RowSchema,
    not_blank,
)
from hotline.fields import Text
from hotline.statuses import AppealKind, AppealStatus, AppealTarget, values

KINDS = values(AppealKind)
STATUSES = values(AppealStatus)
TARGET_KINDS = values(AppealTarget)
TARGETS = ("deduction_id", "ticket", "day")
MAX_EVIDENCE = 20


def _one_of(allowed: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(allowed, error=f"must be one of {', '.join(allowed)}")


class AppealCreateSchema(Schema):
    """申诉 / 免责申请: what is appealed (exactly one of deduction_id, ticket, day), why, and
    the evidence."""

    class Meta:
        unknown = RAISE

    kind = Text(
        required=True,
        validate=_one_of(KINDS),
        metadata={
            "enum": list(KINDS),
            "description": "appeal (申诉: the data or deduction is wrong) or exemption (免责: "
            "objective causes or lawful inability)",
        },
    )
    deduction_id = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "the deduction appealed (its unit and day come with it)"},
    )
    ticket = Text(
        validate=[validate.Length(max=32), not_blank],
        metadata={"description": "a ticket number: the ticket is appealed or exempted"},
    )
    day = fields.Date(metadata={"description": "a day whose data is appealed (每日工单数据)"})
    unit = Text(
        validate=[validate.Length(max=32), not_blank],
        metadata={
            "description": "whose assessment, with ticket or day: a unit user's own by default"
        },
    )
    reason = Text(required=True, validate=[validate.Length(max=2000), not_blank])
    evidence = fields.List(
        Text(validate=[validate.Length(max=500), not_blank]),
        required=True,
        validate=validate.Length(min=1, max=MAX_EVIDENCE),
        metadata={"description": "what proves it: documents, recordings, links (1 to 20)"},
    )

    @validates_schema
    def one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Exactly one target; `unit` only beside a ticket or a day."""
        given = [name for name in TARGETS if data.get(name) is not None]
        if len(given) != 1:
            message = "give exactly one of deduction_id, ticket, day"
            raise ValidationError({name: [message] for name in (given or TARGETS)})
        if "deduction_id" in given and data.get("unit") is not None:
            raise ValidationError({"unit": ["a deduction names its unit: leave unit out"]})


class AppealQuerySchema(PageQuerySchema):
    """Filters of the appeal list."""

    unit = Text(validate=validate.Length(max=32), metadata={"description": "unit code"})
    kind = Text(validate=_one_of(KINDS), metadata={"enum": list(KINDS)})
    status = Text(validate=_one_of(STATUSES), metadata={"enum": list(STATUSES)})


class AppealSchema(RowSchema):
    """An appeal or exemption request, its decision and what it changed."""

    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KINDS)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    target = fields.String(metadata={"enum": list(TARGET_KINDS), "description": "what is appealed"})
    unit = fields.String(attribute="unit_code")
    deduction_id = fields.Integer(allow_none=True)
    ticket_number = fields.String(allow_none=True)
    day = fields.Date(metadata={"description": "the day the appealed data belongs to"})
    reason = fields.String()
    evidence = fields.List(fields.String())
    window_closes_at = fields.DateTime(
        metadata={"description": "the last moment to appeal this day's data (profile [appeals])"}
    )
    filed_by = fields.Integer(allow_none=True)
    filed_at = fields.DateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    opinion = fields.String(allow_none=True, metadata={"description": "the center's opinion"})
    evidence_checked = fields.Boolean(allow_none=True)
    effect = fields.Dict(
        allow_none=True, metadata={"description": "what an accepted appeal changed"}
    )
    task_id = fields.String(
        allow_none=True,
        metadata={"description": "the open task: review_appeal (center), acknowledge_decision"},
    )
    task_key = fields.String(allow_none=True, metadata={"description": "its BPMN id"})


class AppealDetailSchema(AppealSchema):
    """An appeal with every step of its history."""

    history = fields.List(fields.Nested(HistoryStepSchema))


class AppealPageSchema(PageSchema):
    """One page of appeals."""

    items = fields.List(fields.Nested(AppealSchema))
