"""Bulletin schemas: the period asked for, list filters, a bulletin version as shown."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema
from hotline.fields import Text

PERIOD = {"description": "a month (2026-10) or a quarter (2026-Q3), as the profile publishes"}


class BulletinCreateSchema(Schema):
    """Generate the bulletin (通报) of an ended period: version 1, or the next version."""

    class Meta:
        unknown = RAISE

    period = Text(required=True, validate=validate.Length(min=1, max=16), metadata=PERIOD)


class BulletinQuerySchema(PageQuerySchema):
    """Filters of the bulletin list."""

    period = Text(validate=validate.Length(max=16), metadata=PERIOD)


class BulletinSchema(RowSchema):
    """One version of a period's bulletin, with where to download its files."""

    id = fields.Integer()
    profile = fields.String()
    period = fields.String()
    period_kind = fields.String(metadata={"enum": ["month", "quarter"]})
    version = fields.Integer()
    reason = fields.String(metadata={"enum": ["period_end", "on_demand", "scores_changed"]})
    title = fields.String()
    created_at = fields.DateTime()
    created_by = fields.String()
    xlsx_url = fields.String(metadata={"description": "the XLSX download"})
    pdf_url = fields.String(metadata={"description": "the PDF download"})


class BulletinDetailSchema(BulletinSchema):
    """A bulletin version with its whole content: summary, sections (tables), charts."""

    content = fields.Dict(
        metadata={
            "description": "summary lines; sections (key, title, columns, rows, available, "
            "note): ranking, deductions, kpis, hotspots; charts (key, title, kind, "
            "categories, series)"
        }
    )
    chart_urls = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "each chart as SVG, by chart key"},
    )


class BulletinPageSchema(PageSchema):
    """One page of bulletin versions, newest period first."""

    items = fields.List(fields.Nested(BulletinSchema))
