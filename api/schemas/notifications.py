"""In-app notification schemas: the inbox query, one notification, a page with the unread count."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema
from api.schemas.tickets import StrictQueryBoolean


class NotificationQuerySchema(PageQuerySchema):
    """Filters of the inbox."""

    unread = StrictQueryBoolean(
        metadata={"description": "true: only unread; false: only read; absent: all"}
    )


class NotificationSchema(RowSchema):
    """One in-app message to the caller."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "the message kind, e.g. ticket_urged"})
    title = fields.String()
    body = fields.String()
    ticket_number = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda n: n.read_at is not None)


class NotificationPageSchema(PageSchema):
    """One page of the caller's notifications, unread first."""

    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer(metadata={"description": "the caller's unread notifications in all"})


class ReadAllSchema(Schema):
    """What marking every notification read did."""

    marked = fields.Integer(metadata={"description": "notifications that were unread"})
    unread = fields.Integer()
