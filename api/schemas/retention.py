"""Retention schemas: a legal hold asked for and as shown, a ticket's archive record."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import RowSchema, not_blank
from hotline.fields import Text


class LegalHoldCreateSchema(Schema):
    """Put a ticket under a legal hold: nothing of it is purged until the hold is released."""

    class Meta:
        unknown = RAISE

    reason = Text(
        required=True,
        validate=[validate.Length(max=2000), not_blank],
        metadata={"description": "why the ticket's data must be kept (a case, a court order)"},
    )


class LegalHoldSchema(RowSchema):
    """One legal hold of a ticket; `active` until released."""

    id = fields.Integer()
    ticket_number = fields.String()
    reason = fields.String()
    active = fields.Boolean()
    placed_by = fields.String(attribute="placed_by_name")
    placed_at = fields.DateTime()
    released_by = fields.String(attribute="released_by_name", allow_none=True)
    released_at = fields.DateTime(allow_none=True)


class LegalHoldListSchema(Schema):
    """The ticket's legal holds, oldest first."""

    items = fields.List(fields.Nested(LegalHoldSchema))


class ArchiveRequesterSchema(Schema):
    """The requester as the ticket holds it now: in clear, or （已清除） after the purge."""

    name = fields.String()
    phone = fields.String()
    address = fields.String(allow_none=True)


class ArchiveSchema(RowSchema):
    """A ticket's archive record: the document as stored, its sha256, the PDF's address."""

    ticket_number = fields.String()
    archived_at = fields.DateTime()
    sha256 = fields.String(
        metadata={"description": "sha256 of the document's canonical JSON (sorted keys, no spaces)"}
    )
    purged_at = fields.DateTime(
        allow_none=True, metadata={"description": "when the requester's personal data was purged"}
    )
    requester = fields.Nested(
        ArchiveRequesterSchema,
        metadata={"description": "not part of the archived document: kept with the ticket"},
    )
    legal_holds = fields.List(fields.Nested(LegalHoldSchema))
    pdf_url = fields.String(metadata={"description": "the PDF summary"})
    document = fields.Dict(
        metadata={
            "description": "format, number, archived_at, ticket (every column but the "
            "requester's), requester (confidential only), satisfaction, events, parts, "
            "escalations, messages (no addresses), sms_replies (no phones), attachments "
            "(metadata, sha256), callback_findings, exclusions, appeals, links"
        }
    )
