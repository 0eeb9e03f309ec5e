"""Inbound SMS schemas: a reply as the gateway posts it, and what it did."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import not_blank
from hotline.fields import Text
from hotline.sms_replies import OUTCOMES


class InboundSmsSchema(Schema):
    """One text a requester sent, as the gateway forwards it (signed)."""

    id = Text(
        required=True,
        validate=[validate.Length(min=1, max=100), not_blank],
        metadata={"description": "the gateway's message id: a retry sends the same id"},
    )
    phone = Text(
        required=True,
        validate=[
            validate.Length(max=32),
            validate.Regexp(r"^\+?[0-9][0-9 \-]{4,30}$", error="not a phone number"),
        ],
        metadata={"description": "the sender's phone"},
    )
    text = Text(
        required=True,
        validate=validate.Length(max=2000),
        metadata={"description": "what the requester wrote (stored up to 500 characters)"},
    )
    received_at = fields.AwareDateTime(
        metadata={"description": "when the gateway received it (ISO 8601 with offset)"}
    )


class InboundSmsResultSchema(Schema):
    """What the reply did; a retried id answers its first outcome."""

    id = fields.String(attribute="gateway_id")
    outcome = fields.String(metadata={"enum": list(OUTCOMES)})
    replayed = fields.Boolean(metadata={"description": "this id was received before"})
