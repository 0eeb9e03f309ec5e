"""/api/v1/tickets/{number}/escalations and /api/v1/escalations: the escalation ladder."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, require, services, unit_of_work
from api.errors import secured
from api.paging import paged, with_ticket_number
from api.schemas.common import Shown
from api.schemas.escalations import (
    EscalationCreateSchema,
    EscalationPageSchema,
    EscalationQuerySchema,
    EscalationSchema,
)
from hotline import access, escalations

blp = Blueprint("escalations", __name__, url_prefix="/api/v1", description="Escalations (督办)")


@blp.route("/tickets/<string:number>/escalations", methods=["POST"])
@require(access.may_escalate, message="only the center and supervisors escalate tickets")
@blp.arguments(EscalationCreateSchema)
@blp.response(201, EscalationSchema)
@blp.doc(
    **secured({"403": "not center or supervisor", "409": "ticket closed or at government review"})
)
def create(body: dict[str, Any], number: str) -> Shown:
    """Escalate an open ticket to `level` (center, supervisors); the ladder climbs on from there."""
    with unit_of_work() as session:
        row = escalations.escalate(
            session, services().runtime, actor(), number, body["level"], body["reason"]
        )
        return Shown(row, ticket_number=number)


@blp.route("/escalations", methods=["GET"])
@blp.arguments(EscalationQuerySchema, location="query")
@blp.response(200, EscalationPageSchema)
@blp.doc(**secured({"403": "operators, or a unit asking for another"}))
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Escalations visible to the caller, newest first: units see those against themselves."""
    return paged(query, escalations.list_escalations, with_ticket_number)
