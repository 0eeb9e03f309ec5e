"""Schemas shared by several resources: paging, rows shown with computed values, not_blank."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate


class PageQuerySchema(Schema):
    """page / per_page query arguments."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class Shown:
    """A database row with the values one response computes for it (e.g. `overdue`)."""

    __slots__ = ("extra", "row")

    def __init__(self, row: object, **extra: Any) -> None:
        self.row = row
        self.extra = extra


class RowSchema(Schema):
    """Dumps a row, or a `Shown` row: its computed values first, then the row's attributes.

    The schema names the fields a reader sees; no view copies a table's columns.
    """

    def get_attribute(self, obj: Any, attr: str, default: Any) -> Any:
        """The computed value `attr` of a `Shown` row, else the row's own attribute."""
        if isinstance(obj, Shown):
            if attr in obj.extra:
                return obj.extra[attr]
            obj = obj.row
        return super().get_attribute(obj, attr, default)


class HistoryStepSchema(RowSchema):
    """One step of a history (a ticket's, an article's): when, what, who, in which task, data."""

    at = fields.DateTime()
    kind = fields.String()
    actor = fields.String(attribute="actor_name")
    task = fields.String(allow_none=True)
    data = fields.Dict()


class PageSchema(Schema):
    """One page of a list; each list's subclass says what its `items` are."""

    items = fields.List(fields.Raw())
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def not_blank(value: str) -> bool:
    """Reject strings that are only whitespace."""
    if not value.strip():
        raise validate.ValidationError("must not be blank")
    return True
