"""Access audit schemas: the auditor's filters and one audit row."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import PageQuerySchema, PageSchema
from hotline.audit import AuditAction
from hotline.fields import Text
from hotline.statuses import ROLES, SYSTEM_ROLE, values

AUDIT_ROLES = (*ROLES, SYSTEM_ROLE)  # system: the CLI's reads of the audit
FORMATS = ("json", "csv")


class AuditQuerySchema(PageQuerySchema):
    """Filters of the audit: who (user id, role, unit), what, which ticket, when; the format."""

    actor = fields.Integer(
        validate=validate.Range(min=1, max=2_147_483_647),
        metadata={"description": "the user id of who read"},
    )
    role = Text(
        validate=validate.OneOf(AUDIT_ROLES, error=f"must be one of {', '.join(AUDIT_ROLES)}"),
        metadata={"enum": list(AUDIT_ROLES)},
    )
    unit = Text(validate=validate.Length(max=32), metadata={"description": "the reader's unit"})
    action = Text(
        validate=validate.OneOf(
            values(AuditAction), error=f"must be one of {', '.join(values(AuditAction))}"
        ),
        metadata={"enum": list(values(AuditAction))},
    )
    ticket = Text(validate=validate.Length(max=32), metadata={"description": "a ticket number"})
    from_ = fields.AwareDateTime(
        data_key="from", metadata={"description": "rows at or after (ISO 8601 with offset)"}
    )
    to = fields.AwareDateTime(metadata={"description": "rows at or before (ISO 8601 with offset)"})
    format = Text(
        validate=validate.OneOf(FORMATS, error="must be json or csv"),
        metadata={
            "enum": list(FORMATS),
            "description": "csv: every matching row as a CSV download, oldest first (no "
            "paging); also chosen by `Accept: text/csv`",
        },
    )

    @validates_schema
    def _span(self, data: dict[str, Any], **_: Any) -> None:
        """`to` is not before `from`."""
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("must not be before `from`", "to")


class AuditRecordSchema(Schema):
    """One access: who, role, unit, what, which ticket, when, from where, through which endpoint."""

    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True, metadata={"description": "the user id"})
    actor_name = fields.String()
    role = fields.String()
    unit_code = fields.String(allow_none=True)
    action = fields.String(metadata={"enum": list(values(AuditAction))})
    ticket_number = fields.String(allow_none=True)
    detail = fields.Dict(
        metadata={"description": "e.g. the fields read in clear, the filters of an export"}
    )
    client = fields.String(allow_none=True, metadata={"description": "the client's address"})
    endpoint = fields.String(allow_none=True, metadata={"example": "GET /api/v1/tickets/GY…"})
    prev_hash = fields.String(metadata={"description": "the previous row's hash"})
    hash = fields.String(metadata={"description": "SHA-256 over this row and prev_hash"})


class AuditPageSchema(PageSchema):
    """One page of the audit, newest first."""

    items = fields.List(fields.Nested(AuditRecordSchema))
