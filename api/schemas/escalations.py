"""Escalation schemas: a supervisor's request, list filters and the escalation as shown."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema, not_blank
from api.schemas.tickets import StrictQueryBoolean
from hotline.escalations import LEVELS
from hotline.fields import Text

LEVEL_ERROR = f"must be one of {', '.join(LEVELS)}"


class EscalationCreateSchema(Schema):
    """督办: put a ticket on a rung of the escalation ladder."""

    class Meta:
        unknown = RAISE

    level = Text(
        required=True,
        validate=validate.OneOf(LEVELS, error=LEVEL_ERROR),
        metadata={"enum": list(LEVELS)},
    )
    reason = Text(required=True, validate=[validate.Length(max=2000), not_blank])


class EscalationQuerySchema(PageQuerySchema):
    """Filters of the escalation list."""

    unit = Text(validate=validate.Length(max=32), metadata={"description": "unit code"})
    level = Text(validate=validate.OneOf(LEVELS, error=LEVEL_ERROR))
    open = StrictQueryBoolean(metadata={"description": "true: still in force"})


class EscalationSchema(RowSchema):
    """One rung a ticket reached, against a unit (cards and summonses count per unit)."""

    id = fields.Integer()
    ticket_number = fields.String()
    unit = fields.String(attribute="unit_code", allow_none=True)
    level = fields.String(metadata={"enum": list(LEVELS)})
    reason = fields.String()
    trigger = fields.String(
        metadata={"description": "manual, no_effect (climbed) or the ticket event, e.g. overdue"}
    )
    actor = fields.String(attribute="actor_name")
    open = fields.Boolean()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)


class EscalationPageSchema(PageSchema):
    """One page of escalations."""

    items = fields.List(fields.Nested(EscalationSchema))
