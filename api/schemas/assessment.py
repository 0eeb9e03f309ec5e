"""Assessment schemas: the records the center makes, explanations, deductions, scores, ranking."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema, not_blank
from hotline.fields import StrictBoolean, Text
from hotline.statuses import CallbackFinding, DeductionStatus, DutyStatus, ExclusionStatus, values

FINDINGS = values(CallbackFinding)
DUTY = values(DutyStatus)
DEDUCTION_STATUSES = values(DeductionStatus)
EXCLUSION_STATUSES = values(ExclusionStatus)
UNIT = Text(validate=validate.Length(min=1, max=32), metadata={"description": "unit code"})
NOTE: dict[str, Any] = {"validate": validate.Length(max=2000), "allow_none": True}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error=f"must be one of {', '.join(choices)}")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class CallTestCreateSchema(_Strict):
    """拨测: the center called the unit's phone `attempts` times; answered or not."""

    unit = Text(required=True, validate=validate.Length(min=1, max=32))
    answered = StrictBoolean(required=True)
    tested_at = fields.AwareDateTime(metadata={"description": "default: now"})
    attempts = fields.Integer(load_default=3, validate=validate.Range(min=1, max=20))
    phone = Text(validate=validate.Length(max=32), allow_none=True)
    note = Text(**NOTE)


class CallbackFindingCreateSchema(_Strict):
    """回访核实: what the callback verification found about a ticket's handling."""

    ticket = Text(required=True, validate=validate.Length(min=1, max=32))
    finding = Text(required=True, validate=_one_of(FINDINGS), metadata={"enum": list(FINDINGS)})
    unit = Text(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "default: the ticket's handling unit"},
    )
    found_at = fields.AwareDateTime(metadata={"description": "default: now"})
    note = Text(**NOTE)


class DutyWeekCreateSchema(_Strict):
    """现场接听: the unit's on-site duty week (its Monday): attended, missed or excused."""

    unit = Text(required=True, validate=validate.Length(min=1, max=32))
    week_start = fields.Date(required=True)
    status = Text(required=True, validate=_one_of(DUTY), metadata={"enum": list(DUTY)})
    note = Text(**NOTE)


class ExclusionCreateSchema(_Strict):
    """书面说明: a unit asks that a ticket (or a day's data) not count, for every item or one."""

    unit = Text(
        validate=validate.Length(min=1, max=32), metadata={"description": "default: your unit"}
    )
    ticket = Text(validate=validate.Length(min=1, max=32))
    day = fields.Date()
    item = Text(
        validate=validate.Length(min=1, max=40), metadata={"description": "e.g. satisfaction"}
    )
    reason = Text(required=True, validate=[validate.Length(max=4000), not_blank])

    @validates_schema
    def _ticket_or_day(self, data: dict[str, Any], **_: Any) -> None:
        if ("ticket" in data) == ("day" in data):
            raise ValidationError("give exactly one of ticket, day", "ticket")


class ExclusionDecisionSchema(_Strict):
    """The center accepts or rejects a filed explanation."""

    accepted = StrictBoolean(required=True)
    note = Text(**NOTE)


class ScoreDaySchema(_Strict):
    """Score one day again (it is idempotent)."""

    day = fields.Date(required=True)


class UnitQuerySchema(PageQuerySchema):
    """A unit filter (units see their own)."""

    unit = UNIT


class DeductionQuerySchema(UnitQuerySchema):
    """Filters of the deduction list."""

    item = Text(validate=validate.Length(max=40))
    status = Text(validate=_one_of(DEDUCTION_STATUSES))
    day_from = fields.Date()
    day_to = fields.Date()


class ExclusionQuerySchema(UnitQuerySchema):
    """Filters of the explanation list."""

    status = Text(validate=_one_of(EXCLUSION_STATUSES))


class ScoreQuerySchema(UnitQuerySchema):
    """Filters of the daily score list."""

    day = fields.Date()


def _month(value: str) -> None:
    if not MONTH.match(value):
        raise ValidationError("must read YYYY-MM, e.g. 2026-10")


class RankingQuerySchema(Schema):
    """A month (any day of a quarter for quarterly profiles) and a unit filter."""

    month = Text(required=True, validate=_month, metadata={"example": "2026-10"})
    unit = UNIT

    def first_day(self, data: dict[str, Any]) -> date:
        """The first day of the asked month."""
        return date.fromisoformat(f"{data['month']}-01")


class CallTestSchema(RowSchema):
    """A call test as recorded."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    tested_at = fields.DateTime()
    answered = fields.Boolean()
    attempts = fields.Integer()
    phone = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    actor = fields.String(attribute="actor_name")


class CallbackFindingSchema(RowSchema):
    """A callback finding as recorded, with its ticket number."""

    id = fields.Integer()
    ticket_number = fields.String()
    unit = fields.String(attribute="unit_code")
    finding = fields.String(metadata={"enum": list(FINDINGS)})
    found_at = fields.DateTime()
    note = fields.String(allow_none=True)
    actor = fields.String(attribute="actor_name")


class DutyWeekSchema(RowSchema):
    """A duty week as recorded."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    week_start = fields.Date()
    status = fields.String(metadata={"enum": list(DUTY)})
    note = fields.String(allow_none=True)
    actor = fields.String(attribute="actor_name")


class ExclusionSchema(RowSchema):
    """An explanation or exclusion: what it covers, why, who decided, which appeal."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    ticket_number = fields.String(allow_none=True)
    day = fields.Date(allow_none=True)
    item = fields.String(allow_none=True, metadata={"description": "null: every item"})
    reason = fields.String()
    status = fields.String(metadata={"enum": list(EXCLUSION_STATUSES)})
    appeal_id = fields.Integer(allow_none=True)
    filed_by = fields.String()
    filed_at = fields.DateTime()
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)


class DeductionSchema(RowSchema):
    """Points a unit lost (or a year-end deduction): its rule, ticket or record, and why."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    day = fields.Date()
    item = fields.String()
    article = fields.String(metadata={"description": "the rule's source: seed file and 条"})
    points = fields.Float()
    year_end = fields.Boolean(metadata={"description": "counts in the yearly total only"})
    ticket_number = fields.String(allow_none=True)
    record_kind = fields.String(allow_none=True)
    record_id = fields.Integer(allow_none=True)
    reason = fields.String()
    status = fields.String(metadata={"enum": list(DEDUCTION_STATUSES)})
    status_reason = fields.String(allow_none=True)
    status_by = fields.String(allow_none=True)
    appeal_id = fields.Integer(allow_none=True)


class DayScoreSchema(RowSchema):
    """A unit's score as of the end of a day, for its period to date."""

    unit = fields.String(attribute="unit_code")
    day = fields.Date()
    period_start = fields.Date()
    total = fields.Float()
    rank = fields.Integer()
    items = fields.Dict()


class RankedUnitSchema(Schema):
    """A unit's place in the period with its itemised deductions."""

    unit = fields.String()
    name = fields.String()
    rank = fields.Integer()
    total = fields.Float()
    items = fields.Dict(metadata={"description": "per item: points, max and its figures"})
    summoned = fields.Boolean(metadata={"description": "last places 3 periods running: 约谈"})
    deductions = fields.List(fields.Nested(DeductionSchema))


class RankingSchema(Schema):
    """The period's ranking (月通报 / 季度通报)."""

    first = fields.Date()
    last = fields.Date()
    as_of = fields.Date()
    full_marks = fields.Float()
    units = fields.List(fields.Nested(RankedUnitSchema))


class SummonsSchema(Schema):
    """The units flagged for a summons (约谈) at the period of the month asked."""

    first = fields.Date()
    last = fields.Date()
    units = fields.List(fields.String())


class CallTestPageSchema(PageSchema):
    """One page of call tests."""

    items = fields.List(fields.Nested(CallTestSchema))


class CallbackFindingPageSchema(PageSchema):
    """One page of callback findings."""

    items = fields.List(fields.Nested(CallbackFindingSchema))


class DutyWeekPageSchema(PageSchema):
    """One page of duty weeks."""

    items = fields.List(fields.Nested(DutyWeekSchema))


class ExclusionPageSchema(PageSchema):
    """One page of explanations and exclusions."""

    items = fields.List(fields.Nested(ExclusionSchema))


class DeductionPageSchema(PageSchema):
    """One page of deductions."""

    items = fields.List(fields.Nested(DeductionSchema))


class DayScorePageSchema(PageSchema):
    """One page of daily scores."""

    items = fields.List(fields.Nested(DayScoreSchema))
