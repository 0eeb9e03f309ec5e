"""/api/v1/tickets/<number>/parts: the parts of a joint ticket (会签), per unit."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, unit_of_work
from api.errors import secured
from api.schemas.common import Shown
from api.schemas.joint import JointPartsSchema
from hotline import clock, joint

blp = Blueprint(
    "parts", __name__, url_prefix="/api/v1/tickets", description="Joint ticket parts (会签分办)"
)


@blp.route("/<string:number>/parts")
@blp.response(200, JointPartsSchema)
@blp.doc(**secured({"404": "no such ticket visible to the caller"}))
def list_(number: str) -> dict[str, Any]:
    """Each unit's part: status, deadline, result. Visible to whoever sees the ticket."""
    with unit_of_work() as session:
        ticket, parts = joint.visible_parts(session, actor(), number)
        lead = joint.lead_part(session, ticket.id)
        # A part is overdue once its due time passed unfinished, even before its timer.
        now = clock.now()
        return {
            "ticket_number": ticket.number,
            "joint": ticket.joint,
            "lead_unit": lead.unit_code if lead is not None else None,
            "items": [Shown(part, overdue=joint.is_part_overdue(part, now)) for part in parts],
        }
