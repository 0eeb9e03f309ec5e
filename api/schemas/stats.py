"""Statistics schemas: the figures' query, a group of figures, the tickets behind a figure."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema
from hotline.fields import Text
from hotline.stats.figures import BY, FIGURES
from hotline.stats.periods import PERIODS

MAX_DAYS = 3660  # ten years: a range beyond it is a typo, not a question


class StatsQuerySchema(Schema):
    """A period (`period` and a day in it as `from`, or `from` and `to`), a split, filters."""

    class Meta:
        unknown = RAISE

    from_ = fields.Date(
        data_key="from", metadata={"description": "first day (Shanghai), or a day of `period`"}
    )
    to = fields.Date(metadata={"description": "last day (inclusive); not with `period`"})
    period = Text(
        validate=validate.OneOf(PERIODS, error=f"must be one of {', '.join(PERIODS)}"),
        metadata={"enum": list(PERIODS)},
    )
    by = Text(
        validate=validate.OneOf(BY, error=f"must be one of {', '.join(BY)}"),
        metadata={"enum": list(BY)},
    )
    unit = Text(validate=validate.Length(max=32))
    category = Text(validate=validate.Length(max=20))
    district = Text(validate=validate.Length(max=100))
    channel = Text(validate=validate.Length(max=20))

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        """Either `period` with `from`, or `from` and `to` (from ≤ to, at most ten years)."""
        if "from_" not in data:
            raise ValidationError("required: the first day, or a day of `period`", "from")
        if data.get("period"):
            if "to" in data:
                raise ValidationError("not with `period`: the period sets the last day", "to")
            return
        if "to" not in data:
            raise ValidationError("required without `period`", "to")
        if data["to"] < data["from_"]:
            raise ValidationError("must not be before `from`", "to")
        if (data["to"] - data["from_"]).days > MAX_DAYS:
            raise ValidationError("a range of at most ten years", "to")


class StatsTicketsQuerySchema(StatsQuerySchema, PageQuerySchema):
    """The tickets behind one figure: the figures' query, the figure and the group's key."""

    figure = Text(
        required=True,
        validate=validate.OneOf(FIGURES, error=f"must be one of {', '.join(FIGURES)}"),
        metadata={"enum": list(FIGURES)},
    )
    key = Text(
        validate=validate.Length(max=100),
        metadata={
            "description": "the group (unit, category, …) when `by` splits the figures; "
            "empty: the rows without one (e.g. tickets never dispatched)"
        },
    )


class FigureGroupSchema(Schema):
    """One group's figures; `tickets` links each count to its ticket list."""

    key = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rates = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    minutes = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    tickets = fields.Dict(keys=fields.String(), values=fields.String())


class StatsSchema(Schema):
    """The figures of a period."""

    first_day = fields.Date()
    last_day = fields.Date()
    by = fields.String(allow_none=True)
    groups = fields.List(fields.Nested(FigureGroupSchema))


class FactSchema(RowSchema):
    """One ticket in one unit's hands, as a figure counted it."""

    ticket_number = fields.String(
        allow_none=True,
        metadata={"description": "null on a confidential ticket the caller may not open"},
    )
    confidential = fields.Boolean(
        metadata={
            "description": "a confidential ticket (meizhou 第二十一条): no number or "
            "district for the unit's users not named for it"
        }
    )
    unit = fields.String(allow_none=True)
    role = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    channel = fields.String()
    received_at = fields.DateTime()
    dispatched_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledge_due_at = fields.DateTime(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    result_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    acknowledged_on_time = fields.Boolean()
    handled_on_time = fields.Boolean()
    overdue = fields.Boolean()
    returned = fields.Boolean()
    rehandled = fields.Integer()
    extended = fields.Integer()
    satisfaction = fields.String(allow_none=True)
    repeat = fields.Boolean()


class FactPageSchema(PageSchema):
    """One page of the tickets behind a figure."""

    items = fields.List(fields.Nested(FactSchema))
