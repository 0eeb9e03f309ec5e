"""Liveness and database check, without a token."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.context import services
from api.errors import ErrorSchema, database_unavailable, database_unavailable_response
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
@blp.alt_response(503, schema=ErrorSchema, description="the database is down, stalled or too slow")
def health() -> dict | Response:
    """Whether the service and its database answer; 503 `database_unavailable` if not."""
    try:
        with services().transaction() as session:
            session.execute(text("select 1"))
            missing = missing_years(session)
    except SQLAlchemyError as exc:
        # Named, and within the connect/statement timeouts: a probe must never hang.
        reason = database_unavailable(exc) or "the database check failed"
        backend = services().engine.dialect.name
        return database_unavailable_response(f"{backend}: {reason}", {"database": [reason]})
    warnings = [
        f"calendar year {year} is not loaded: deadlines in it count Monday–Friday and are "
        f"provisional until `hotline calendar load` gives its holidays"
        for year in missing
    ]
    return {"status": "ok", "profile": services().settings.profile, "warnings": warnings}
