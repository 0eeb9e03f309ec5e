"""/api/v1/tickets/<number>/milestones: a ticket's milestones (guangyuan 第十三条(四)) and the
handling unit's reports of them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, unit_of_work
from api.errors import secured
from api.schemas.milestones import MilestonePageSchema, MilestoneReportSchema, MilestoneSchema
from hotline import milestones, tickets

blp = Blueprint(
    "milestones",
    __name__,
    url_prefix="/api/v1/tickets",
    description="Ticket milestones (办理节点: 初步处置意见, 处理进度)",
)


@blp.route("/<string:number>/milestones")
@blp.response(200, MilestonePageSchema)
@blp.doc(**secured())
def list_(number: str) -> dict[str, Any]:
    """The ticket's milestones with due times, reports and overdue flags."""
    with unit_of_work() as session:
        ticket = tickets.get_ticket(session, actor(), number)
        return {
            "ticket_number": ticket.number,
            "items": milestones.ticket_milestones(session, ticket),
        }


@blp.route("/<string:number>/milestones/<string:name>", methods=["POST"])
@blp.arguments(MilestoneReportSchema)
@blp.response(201, MilestoneSchema)
@blp.doc(**secured())
def report(data: dict[str, Any], number: str, name: str) -> dict[str, Any]:
    """The handling unit reports milestone `name` (first_reply, progress_report)."""
    who = actor()
    with unit_of_work() as session:
        ticket = tickets.get_ticket(session, who, number)
        return milestones.report(session, who, ticket, name, data["note"])
