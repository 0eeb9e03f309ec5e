"""Joint handling schemas: the parts of a joint ticket (会签分办)."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import RowSchema
from hotline.statuses import PartRole, PartStatus, values


class JointPartSchema(RowSchema):
    """One unit's part of a joint ticket, with its own deadline, status and result."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code", metadata={"example": "HBJ"})
    role = fields.String(metadata={"enum": list(values(PartRole))})
    status = fields.String(metadata={"enum": list(values(PartStatus))})
    due_at = fields.DateTime(allow_none=True, metadata={"description": "this part's deadline"})
    overdue = fields.Boolean()
    acknowledged_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    result = fields.Dict(
        metadata={"description": "findings and opinion when done; return_reason when returned"}
    )


class JointPartsSchema(Schema):
    """Every part of a ticket, oldest first (reassigned and dropped parts included)."""

    ticket_number = fields.String()
    joint = fields.Boolean(metadata={"description": "whether the ticket is handled jointly"})
    lead_unit = fields.String(allow_none=True)
    items = fields.List(fields.Nested(JointPartSchema))
