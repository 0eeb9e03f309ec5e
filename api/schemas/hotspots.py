"""Hot-spot warning schemas: list filters, a warning with its units, and its tickets."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema
from hotline.fields import Text
from hotline.models.hotspots import WarningStatus
from hotline.policy import CATEGORIES
from hotline.statuses import values

STATUSES = values(WarningStatus)


class WarningQuerySchema(PageQuerySchema):
    """Filters of the warning list."""

    status = Text(
        validate=validate.OneOf(STATUSES, error=f"must be one of {', '.join(STATUSES)}"),
        metadata={"enum": list(STATUSES)},
    )
    category = Text(
        validate=validate.OneOf(CATEGORIES, error=f"must be one of {', '.join(CATEGORIES)}"),
        metadata={"enum": list(CATEGORIES)},
    )
    district = Text(validate=validate.Length(max=100))
    unit = Text(validate=validate.Length(max=32), metadata={"description": "unit code"})
    since = fields.AwareDateTime(
        metadata={"description": "seen at or after this instant (ISO 8601 with offset)"}
    )
    until = fields.AwareDateTime(metadata={"description": "first seen before this instant"})


class WarningUnitSchema(RowSchema):
    """A unit a warning concerns and its acknowledgement (签收)."""

    unit = fields.String(attribute="unit_code")
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Integer(allow_none=True)
    measures = fields.String(allow_none=True, metadata={"description": "the unit's measures"})
    task_id = fields.String(
        allow_none=True,
        metadata={"description": "its open acknowledge_warning task (POST /tasks/{id}/complete)"},
    )


class WarningTicketSchema(RowSchema):
    """A ticket of a warning's cluster."""

    number = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    unit = fields.String(attribute="current_unit", allow_none=True)
    status = fields.String()
    content = fields.String()
    created_at = fields.DateTime()


class WarningSchema(RowSchema):
    """A hot-spot warning: the cluster, its size against the baseline, the units concerned."""

    id = fields.Integer()
    category = fields.String()
    district = fields.String()
    keywords = fields.List(fields.String())
    status = fields.String(metadata={"enum": list(STATUSES)})
    count = fields.Integer(metadata={"description": "demands of the cluster in the window"})
    expected = fields.Float(metadata={"description": "what the baseline led to expect"})
    ratio = fields.Float(metadata={"description": "count over expected"})
    p_value = fields.Float(metadata={"description": "Poisson tail under the baseline"})
    baseline_days = fields.Integer()
    window_start = fields.DateTime()
    window_end = fields.DateTime()
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    detections = fields.Integer(metadata={"description": "daily detections that found it"})
    acknowledged_at = fields.DateTime(allow_none=True)
    ticket_count = fields.Integer()
    units = fields.List(fields.Nested(WarningUnitSchema))


class WarningDetailSchema(WarningSchema):
    """A warning with its tickets."""

    tickets = fields.List(fields.Nested(WarningTicketSchema))


class WarningPageSchema(PageSchema):
    """One page of warnings."""

    items = fields.List(fields.Nested(WarningSchema))
