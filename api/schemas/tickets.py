"""Ticket schemas: intake, filters and the ticket as the API shows it."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import (
    HistoryStepSchema,
    PageQuerySchema,
    PageSchema,
    RowSchema,
    not_blank,
)
from api.schemas.milestones import MilestoneSchema
from hotline.fields import StrictBoolean, Text
from hotline.policy import CATEGORIES, CHANNELS, URGENCIES
from hotline.statuses import LinkKind, TicketStatus, values

PHONE = validate.Regexp(r"^\+?[0-9][0-9 \-]{4,19}$", error="not a phone number")


class StrictQueryBoolean(fields.Boolean):
    """Query flags: only `true` and `false`."""

    truthy = {"true"}
    falsy = {"false"}


class RequesterSchema(Schema):
    """诉求人: contact data is personal information."""

    class Meta:
        unknown = RAISE

    name = Text(required=True, validate=[validate.Length(max=100), not_blank])
    phone = Text(required=True, validate=PHONE)


class TicketCreateSchema(Schema):
    """A new demand as the operator registers it."""

    class Meta:
        unknown = RAISE

    channel = Text(required=True, validate=validate.OneOf(CHANNELS))
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = Text(load_default="normal", validate=validate.OneOf(URGENCIES))
    requester = fields.Nested(RequesterSchema, required=True)
    confidential = StrictBoolean(load_default=False)
    content = Text(required=True, validate=[validate.Length(max=20000), not_blank])
    address = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))
    district = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))
    upper_deadline = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "the upper platform's limit, for channel upper_platform"},
    )


class IdempotencyHeaderSchema(Schema):
    """Optional Idempotency-Key: a retry with the same key returns the same ticket."""

    class Meta:
        unknown = "exclude"

    idempotency_key = Text(
        data_key="Idempotency-Key", load_default=None, validate=validate.Length(min=1, max=200)
    )


class TicketQuerySchema(PageQuerySchema):
    """Filters of the ticket list."""

    status = Text(validate=validate.OneOf(values(TicketStatus)))
    unit = Text(validate=validate.Length(max=32))
    category = Text(validate=validate.OneOf(CATEGORIES))
    overdue = StrictQueryBoolean()
    due_before = fields.AwareDateTime(metadata={"description": "open tickets due before"})


class RequesterOutSchema(Schema):
    """Requester as shown to the caller (masked for units on confidential tickets)."""

    name = fields.String()
    phone = fields.String()


class EventSchema(HistoryStepSchema):
    """One step of the ticket's history."""

    kind = fields.String(metadata={"example": "ticket_dispatched"})


class TicketTaskSchema(Schema):
    """A ready user task of this ticket."""

    id = fields.String()
    key = fields.String(attribute="task_id", metadata={"description": "BPMN id, e.g. triage"})
    name = fields.String()
    candidate_group = fields.String(allow_none=True)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)


class TicketSchema(RowSchema):
    """A ticket (工单)."""

    number = fields.String(metadata={"example": "GY20261122000123"})
    status = fields.String(metadata={"enum": list(values(TicketStatus))})
    channel = fields.String()
    category = fields.String()
    urgency = fields.String()
    requester = fields.Nested(RequesterOutSchema)
    confidential = fields.Boolean()
    content = fields.String()
    address = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    current_unit = fields.String(allow_none=True)
    reply = fields.String(allow_none=True)
    close_note = fields.String(allow_none=True)
    satisfaction = fields.String(allow_none=True)
    return_count = fields.Integer()
    rehandle_count = fields.Integer()
    due_at = fields.DateTime(allow_none=True, metadata={"description": "handling deadline"})
    acknowledge_due_at = fields.DateTime(allow_none=True)
    dispatched_at = fields.DateTime(allow_none=True)
    upper_deadline = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    deadline_provisional = fields.Boolean(
        metadata={"description": "computed Monday–Friday: the calendar year is not loaded"}
    )
    remaining_working_seconds = fields.Integer(
        allow_none=True, metadata={"description": "working time left until due_at"}
    )
    extension_count = fields.Integer()
    designated_by = fields.String(
        allow_none=True,
        metadata={
            "description": "leader, authority or government: the unit was designated and "
            "may not return the ticket"
        },
    )
    objection_count = fields.Integer()
    unsatisfied_count = fields.Integer()
    joint = fields.Boolean(metadata={"description": "handled jointly (会签) by several units"})
    escalation_level = fields.String(
        allow_none=True, metadata={"description": "highest open supervision level"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class PossibleRepeatSchema(Schema):
    """A ticket this one may repeat, flagged at intake (same phone or similar content)."""

    number = fields.String()
    status = fields.String()
    reason = fields.String(metadata={"enum": ["same_phone", "similar_content"]})
    score = fields.Float(
        metadata={
            "description": (
                "how alike the two demands are (words, matters, places, address), 0–1; "
                "1: the same text"
            )
        }
    )
    created_at = fields.DateTime()


class TicketLinkSchema(Schema):
    """A merge (并单) or termination (终结办理) relating this ticket to another."""

    kind = fields.String(
        metadata={"enum": [LinkKind.MERGED_INTO.value, LinkKind.TERMINATED_AS_REPEAT_OF.value]}
    )
    direction = fields.String(
        metadata={
            "enum": ["outgoing", "incoming"],
            "description": "outgoing: this ticket was merged or terminated; incoming: the "
            "other ticket was merged into or terminated as a repeat of this one",
        }
    )
    number = fields.String(metadata={"description": "the other ticket"})
    status = fields.String(metadata={"description": "the other ticket's status"})
    created_at = fields.DateTime()


class TicketMessageSchema(Schema):
    """A message the ticket caused (outbox row): to whom, over which channel, whether in time."""

    kind = fields.String(metadata={"example": "special_ticket"})
    recipient = fields.String(
        metadata={"description": "unit, unit_leader, requester, government, duty_office, ..."}
    )
    recipient_name = fields.String()
    channel = fields.String(metadata={"enum": ["sms", "email", "inapp", "log"]})
    status = fields.String(metadata={"enum": ["pending", "sending", "sent", "failed"]})
    rule = fields.String(
        metadata={"description": "the profile rule's article, e.g. 000 第十三条(四)"}
    )
    unit_code = fields.String(allow_none=True)
    attempts = fields.Integer()
    created_at = fields.DateTime()
    due_by = fields.DateTime(
        allow_none=True,
        metadata={"description": "deliver by (special/urgent notices: the profile's minutes)"},
    )
    sent_at = fields.DateTime(allow_none=True)
    on_time = fields.Boolean(
        allow_none=True,
        metadata={"description": "sent by due_by; false: late or unsent past it; null: no limit"},
    )


class TicketDetailSchema(TicketSchema):
    """A ticket with its history, the tasks now open on it, and its repeats."""

    events = fields.List(fields.Nested(EventSchema))
    tasks = fields.List(fields.Nested(TicketTaskSchema))
    possible_repeats = fields.List(
        fields.Nested(PossibleRepeatSchema),
        metadata={"description": "flagged at intake; not shown to handling units"},
    )
    links = fields.List(fields.Nested(TicketLinkSchema))
    milestones = fields.List(
        fields.Nested(MilestoneSchema),
        metadata={"description": "guangyuan 第十三条(四): first reply, progress report"},
    )
    messages = fields.List(
        fields.Nested(TicketMessageSchema),
        metadata={"description": "the messages the ticket caused; center, supervisors, admins"},
    )


class TicketRepeatsSchema(Schema):
    """A ticket's possible repeats and its merge and termination links."""

    number = fields.String()
    possible_repeats = fields.List(fields.Nested(PossibleRepeatSchema))
    links = fields.List(fields.Nested(TicketLinkSchema))


class TicketPageSchema(PageSchema):
    """One page of tickets."""

    items = fields.List(fields.Nested(TicketSchema))
