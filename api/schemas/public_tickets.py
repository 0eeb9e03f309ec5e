"""Progress lookup schemas: the phone tail asked for, and what a requester reads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hotline.fields import Text
from hotline.lookup import PUBLIC_STATUS, PUBLIC_STEPS

STATUSES = sorted({status for status, _ in PUBLIC_STATUS.values()})
STEPS = sorted({step for step, _ in PUBLIC_STEPS.values()})


class LookupQuerySchema(Schema):
    """?phone_tail=NNNN: the last four digits of the phone the ticket was registered with."""

    phone_tail = Text(
        required=True,
        validate=[
            validate.Length(equal=4, error="must be the last 4 digits of the phone"),
            validate.Regexp(r"^[0-9]{4}$", error="must be the last 4 digits of the phone"),
        ],
        metadata={"description": "last 4 digits of the requester's phone", "example": "1234"},
    )


class PublicStepSchema(Schema):
    """One public step of a ticket."""

    step = fields.String(metadata={"enum": STEPS})
    label = fields.String(metadata={"description": "the step in Chinese"})
    at = fields.DateTime()


class PublicProgressSchema(Schema):
    """A ticket as its requester reads it; a confidential ticket shows its status only."""

    number = fields.String()
    status = fields.String(metadata={"enum": STATUSES})
    status_label = fields.String(metadata={"description": "the status in Chinese"})
    steps = fields.List(
        fields.Nested(PublicStepSchema),
        metadata={"description": "oldest first; absent on confidential tickets"},
    )
    reply = fields.String(
        allow_none=True,
        metadata={
            "description": "the approved reply (null until approved); absent on "
            "confidential tickets"
        },
    )
