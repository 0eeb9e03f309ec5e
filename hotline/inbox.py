"""Users' view of user tasks: inboxes and single tasks, read from the task index only.

Which tasks are offered to whom is `hotline.access.task_scope`, the SQL form of `may_claim`.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.errors import NotFound
from hotline.models import Ticket, UserTask
from hotline.paging import count_rows, paginate, where_given
from hotline.statuses import UserTaskState

OfferedRows = Select[tuple[UserTask, str | None]]


def _offered_to(actor: Actor) -> OfferedRows:
    query = select(UserTask, Ticket.number).outerjoin(Ticket, Ticket.id == UserTask.ticket_id)
    # The outer join leaves the number None for tasks without a ticket (knowledge tasks).
    return cast(OfferedRows, query.where(access.task_scope(actor)))


def inbox(
    session: Session,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = 50,
    key: str | None = None,
    ticket: str | None = None,
    urgency: str | None = None,
    overdue: bool | None = None,
) -> tuple[list[tuple[UserTask, str | None]], int]:
    """Ready tasks offered to the actor's role or unit, oldest first, and their count;
    narrowed to a task key, a ticket number, an urgency, or overdue (or not) when given."""
    query = _offered_to(actor).where(UserTask.state == UserTaskState.READY)
    query = where_given(query, (UserTask.task_id, key), (Ticket.number, ticket))
    query = where_given(query, (Ticket.urgency, urgency))
    if overdue is not None:
        late = UserTask.due_at < clock.now()
        query = query.where(late if overdue else or_(UserTask.due_at.is_(None), ~late))
    # The total rides along as a window count: one round trip instead of two.
    counted = query.add_columns(func.count().over().label("total"))
    rows = session.execute(
        paginate(counted.order_by(UserTask.created_at, UserTask.id), page, per_page)
    ).all()
    if rows:
        return [(task, number) for task, number, _ in rows], rows[0].total
    if page == 1:
        return [], 0
    return [], count_rows(session, query)


def get_task(session: Session, actor: Actor, task_id: str) -> tuple[UserTask, str | None]:
    """One task offered to the actor (ready or past); NotFound otherwise."""
    row = session.execute(_offered_to(actor).where(UserTask.id == task_id)).first()
    if row is None:
        raise NotFound(f"task {task_id} not found")
    return row[0], row[1]


def task_kinds(session: Session, actor: Actor) -> list[tuple[str, str | None]]:
    """The (task key, name) pairs of the ready tasks offered to the actor: an inbox filter."""
    query = (
        select(UserTask.task_id, func.min(UserTask.name))
        .where(UserTask.state == UserTaskState.READY, access.task_scope(actor))
        .group_by(UserTask.task_id)
        .order_by(UserTask.task_id)
    )
    return [(key, name) for key, name in session.execute(query).all()]
