"""The task page (/tasks/<id>): the form the diagram declares for the task, and completing it.

The form is drawn from the deployed diagram's form fields (web.forms), with the pick-lists and
side panels other pages register in web.task_panels. Completing runs the API's own code,
`runtime.complete_task`, in one transaction; a 422 shows the form again with the user's input
and a Chinese message next to each field. Then the user goes on to the next task.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, redirect, request
from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from hotline import clock, inbox
from hotline.actors import Actor
from hotline.calendar import WorkingCalendar
from hotline.errors import Conflict, Forbidden, Invalid, NotFound, WorkflowError
from hotline.models import ProcessInstance, Ticket, UserTask
from hotline.statuses import UserTaskState
from processes.forms import FormFieldInfo
from web import forms, pages, session
from web.inbox import category_label, done_notice, task_title, time_left, urgency_label
from web.task_panels import TaskView, panels_for

bp = Blueprint("web_tasks", __name__)

NOT_OFFERED = "该待办不存在，或不是交给您办理的。"
NOT_READY = "该待办已经办理或已不在当前环节，无需再办。请回到待办列表查看其他任务。"


@dataclass
class Loaded:
    """A task offered to the user, with what its page needs."""

    task: UserTask
    number: str | None
    ticket: Ticket | None
    process_id: str
    infos: list[FormFieldInfo]
    view: TaskView


def load(db: Session, who: Actor, task_id: str) -> Loaded:
    """The task `task_id` if offered to `who` (NotFound otherwise), with its diagram's form."""
    task, number = inbox.get_task(db, who, task_id)
    instance = db.get(ProcessInstance, task.instance_id)
    assert instance is not None
    compiled = session.services().runtime.specs.get(db, instance.definition_id)
    ticket = db.get(Ticket, task.ticket_id) if task.ticket_id is not None else None
    view = TaskView(db, who, task, compiled.process_id, ticket)
    infos = list(compiled.forms.get(task.task_id, []))
    return Loaded(task, number, ticket, compiled.process_id, infos, view)


def _page(
    db: Session,
    found: Loaded,
    *,
    status: int = 200,
    posted: MultiDict[str, str] | None = None,
    errors: dict[str, list[str]] | None = None,
    general: list[str] | None = None,
    notice: str | None = None,
) -> Response:
    fields = forms.draw(found.infos, found.view, posted, errors)
    ticket = found.ticket
    calendar = WorkingCalendar.load(db)
    summary = None
    if ticket is not None:
        summary = {
            "category": category_label(ticket.category),
            "urgency": urgency_label(ticket.urgency),
            "confidential": ticket.confidential,
            # A confidential matter's content is read on its ticket page, where the access
            # audit records who opened it (meizhou 第二十一条).
            "content": None if ticket.confidential else ticket.content,
        }
    return pages.render(
        "task.html",
        status=status,
        active="inbox",
        title=task_title(found.task),
        task=found.task,
        number=found.number,
        ticket=summary,
        left=time_left(calendar, clock.now(), found.task.due_at),
        fields=fields,
        errors=[(f, m) for f in fields for m in f.errors],
        general=general or [],
        panels=panels_for(found.view),
        notice=notice,
    )


@bp.route("/tasks/<string:task_id>", methods=["GET"])
@pages.page_for("inbox")
def show(task_id: str) -> Response:
    """The task's form, if the task is offered to the user and still ready."""
    who = pages.signed_in_actor()
    with session.services().transaction() as db:
        try:
            found = load(db, who, task_id)
        except NotFound:
            return pages.error_page(404, NOT_OFFERED)
        if found.task.state != UserTaskState.READY:
            return pages.error_page(409, NOT_READY)
        notice = done_notice(db, who, request.args.get("done"))
        return _page(db, found, notice=notice)


@bp.route("/tasks/<string:task_id>", methods=["POST"])
@pages.page_for("inbox")
def complete(task_id: str) -> Response:
    """Complete the task with the posted form, through the API's code; then the next task."""
    who = pages.signed_in_actor()
    posted = request.form
    with session.services().transaction() as db:
        try:
            found = load(db, who, task_id)
        except NotFound:
            return pages.error_page(404, NOT_OFFERED)
        infos, number = found.infos, found.number
    data = forms.parse(infos, posted)
    try:
        with session.services().transaction() as db:
            session.services().runtime.complete_task(db, task_id, data, who)
    except (NotFound, Forbidden):
        return pages.error_page(404, NOT_OFFERED)
    except Conflict:
        return pages.error_page(409, NOT_READY)
    except (Invalid, WorkflowError, ValidationError) as exc:
        return _refused(who, task_id, posted, exc)
    return redirect(next_page(who, task_id, number))  # type: ignore[return-value]


def _refused(who: Actor, task_id: str, posted: MultiDict[str, str], exc: Exception) -> Response:
    """The form again, as the user filled it, with Chinese messages at the fields."""
    with session.services().transaction() as db:
        found = load(db, who, task_id)
        fields: dict[str, Any]
        general: list[str] = []
        if isinstance(exc, ValidationError):
            raw = exc.messages
            fields = raw if isinstance(raw, dict) else {"_schema": raw}
        elif isinstance(exc, WorkflowError):
            fields = {}
            general.append(f"流程未能继续，未作任何更改（{exc.message}）")
        else:
            assert isinstance(exc, Invalid)
            fields = exc.fields
        per_field, others = forms.chinese_errors(found.infos, fields)
        general.extend(others)
        if not per_field and not general:
            general.append(f"填写有误，请检查后重试（{getattr(exc, 'message', exc)}）")
        return _page(db, found, status=422, posted=posted, errors=per_field, general=general)


def next_page(who: Actor, done_id: str, number: str | None) -> str:
    """Where the user goes after completing `done_id`: their next task on the same ticket,
    else the next task of their inbox, else the inbox."""
    with session.services().transaction() as db:
        rows: list[Any] = []
        if number:
            rows, _ = inbox.inbox(db, who, ticket=number, per_page=1)
        if not rows:
            rows, _ = inbox.inbox(db, who, per_page=1)
    if rows:
        return f"/tasks/{rows[0][0].id}?done={done_id}"
    return f"/inbox?done={done_id}"


__all__ = ["bp", "load", "next_page"]
