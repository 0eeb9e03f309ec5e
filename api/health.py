"""Liveness and database check, without a token."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from api.context import services
from hotline.provisional import missing_years

blp = Blueprint("health", __name__, url_prefix="/api", description="Service health")


class HealthSchema(Schema):
    """What /api/health answers while the service and its database work."""

    status = fields.String(required=True, metadata={"example": "ok"})
    profile = fields.String(required=True, metadata={"description": "the policy profile in force"})
    warnings = fields.List(fields.String(), required=True)


@blp.route("/health")
@blp.response(200, HealthSchema)
@blp.doc(security=[])
def health() -> dict:
    """Whether the service and its database answer."""
    with services().transaction() as session:
        session.execute(text("select 1"))
        missing = missing_years(session)
    warnings = [
        f"calendar year {year} is not loaded: deadlines in it count Monday–Friday and are "
        f"provisional until `hotline calendar load` gives its holidays"
        for year in missing
    ]
    return {"status": "ok", "profile": services().settings.profile, "warnings": warnings}
