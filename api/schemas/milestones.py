"""Schemas of a ticket's milestones (guangyuan 第十三条(四))."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class MilestoneSchema(Schema):
    """One milestone of the ticket's latest dispatch."""

    name = fields.String(metadata={"example": "first_reply"})
    due_at = fields.DateTime()
    reported_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "its due time passed without a report"})
    note = fields.String(allow_none=True, metadata={"description": "the unit's report"})


class MilestonePageSchema(Schema):
    """A ticket's milestones."""

    ticket_number = fields.String()
    items = fields.List(fields.Nested(MilestoneSchema))


class MilestoneReportSchema(Schema):
    """The unit's report: its first handling opinion, or its progress."""

    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))
