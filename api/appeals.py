"""/api/v1/appeals: Assessment appeals (申诉) and exemption requests.

The center's review is a user task (`review_appeal`), completed through
`POST /api/v1/tasks/{id}/complete` like every other task.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, services, unit_of_work
from api.errors import secured
from api.paging import paged
from api.schemas.appeals import (
    AppealCreateSchema,
    AppealDetailSchema,
    AppealPageSchema,
    AppealQuerySchema,
    AppealSchema,
)
from api.schemas.common import Shown
from hotline import appeals
from hotline.models.appeals import Appeal

blp = Blueprint(
    "appeals",
    __name__,
    url_prefix="/api/v1/appeals",
    description="Assessment appeals (申诉) and exemption requests",
)


def present(session: Session, row: Appeal) -> Shown:
    """The appeal with its ticket number and its open task."""
    task = appeals.open_task(session, row)
    return Shown(
        row,
        ticket_number=appeals.ticket_number(session, row),
        task_id=task.id if task else None,
        task_key=task.task_id if task else None,
    )


@blp.route("", methods=["POST"])
@blp.arguments(AppealCreateSchema)
@blp.response(201, AppealSchema)
@blp.doc(
    **secured(
        {
            "403": "another unit's assessment",
            "404": "ticket not found or not visible",
            "409": "the same request is still under review",
            "422": "invalid target, or the appeal window closed (code appeal_window_closed)",
        }
    )
)
def create(body: dict[str, Any]) -> Shown:
    """File an appeal or exemption request; the center's review task starts at once."""
    target = appeals.Target(
        deduction_id=body.get("deduction_id"),
        ticket=body.get("ticket"),
        unit=body.get("unit"),
        day=body.get("day"),
    )
    with unit_of_work() as session:
        row = appeals.file_appeal(
            session,
            services().runtime,
            actor(),
            kind=body["kind"],
            target=target,
            reason=body["reason"],
            evidence=body["evidence"],
        )
        return present(session, row)


@blp.route("", methods=["GET"])
@blp.arguments(AppealQuerySchema, location="query")
@blp.response(200, AppealPageSchema)
@blp.doc(**secured({"403": "other roles, or a unit asking for another"}))
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Appeals visible to the caller, newest first: units see their own, the center all."""
    return paged(query, appeals.list_appeals, present)


@blp.route("/<int(max=2147483647):appeal_id>", methods=["GET"])
@blp.response(200, AppealDetailSchema)
@blp.doc(**secured({"404": "not found or not visible"}))
def get(appeal_id: int) -> Shown:
    """One appeal with its decision, what it changed, its open task and its history."""
    with unit_of_work() as session:
        row = appeals.get_appeal(session, actor(), appeal_id)
        shown = present(session, row)
        shown.extra["history"] = appeals.appeal_history(session, row)
        return shown
