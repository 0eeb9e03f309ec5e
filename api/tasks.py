"""/api/v1/tasks: the caller's inbox, one task with its form, and completing it."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, services, unit_of_work
from api.errors import secured
from api.paging import paged, with_ticket_number
from api.schemas.common import Shown
from api.schemas.tasks import (
    CompleteSchema,
    InboxQuerySchema,
    TaskDetailSchema,
    TaskPageSchema,
)
from hotline import inbox
from hotline.models import ProcessInstance, UserTask

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="User tasks")


@blp.route("")
@blp.arguments(InboxQuerySchema, location="query")
@blp.response(200, TaskPageSchema)
@blp.doc(**secured())
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Ready tasks offered to the caller's role or unit, oldest first."""
    return paged(query, inbox.inbox, with_ticket_number)


@blp.route("/<string:task_id>")
@blp.response(200, TaskDetailSchema)
@blp.doc(**secured())
def get(task_id: str) -> Shown:
    """One task with the form fields its completion takes."""
    with unit_of_work() as session:
        task, number = inbox.get_task(session, actor(), task_id)
        compiled = services().runtime.specs.get(session, _definition_id(session, task))
    form = [f.as_dict() for f in compiled.forms.get(task.task_id, [])]
    return Shown(task, ticket_number=number, form=form)


@blp.route("/<string:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteSchema)
@blp.response(200, TaskDetailSchema)
@blp.doc(**secured({"403": "not your task", "409": "no longer ready", "422": "invalid form data"}))
def complete(body: dict[str, Any], task_id: str) -> Shown:
    """Complete a ready task; the ticket moves on in the same transaction."""
    with unit_of_work() as session:
        task = services().runtime.complete_task(session, task_id, body["data"], actor())
        _task, number = inbox.get_task(session, actor(), task.id)
        return Shown(task, ticket_number=number)


def _definition_id(session: Any, task: UserTask) -> int:
    return session.get(ProcessInstance, task.instance_id).definition_id
