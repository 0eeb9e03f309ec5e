"""Schemas shared by several resources."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class PageQuerySchema(Schema):
    """page / per_page query arguments."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def not_blank(value: str) -> bool:
    """Reject strings that are only whitespace."""
    if not value.strip():
        raise validate.ValidationError("must not be blank")
    return True
