"""Process instances as rows: which run for a subject, their ready tasks, the subject locks.

Plain SQL over `process_instances` and `user_tasks`; the runtime (processes) and the core
both ask here.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from hotline.models import Article, ProcessDefinition, ProcessInstance, Ticket, UserTask
from hotline.statuses import InstanceStatus, UserTaskState


def instances_of(
    session: Session,
    ticket_id: int | None,
    process_id: str,
    status: InstanceStatus | None = InstanceStatus.RUNNING,
    *,
    article_id: int | None = None,
) -> list[ProcessInstance]:
    """A ticket's (or, with `article_id`, an article's) instances of one process, oldest
    first (running ones by default)."""
    subject = (
        ProcessInstance.article_id == article_id
        if article_id is not None
        else ProcessInstance.ticket_id == ticket_id
    )
    query = (
        select(ProcessInstance)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(subject, ProcessDefinition.process_id == process_id)
        .order_by(ProcessInstance.id)
    )
    if status is not None:
        query = query.where(ProcessInstance.status == status)
    return list(session.scalars(query))


def ready_user_tasks(session: Session, where: ColumnElement[bool]) -> list[UserTask]:
    """Ready user tasks matching `where` (one instance's, one article's), oldest first."""
    query = select(UserTask).where(where, UserTask.state == UserTaskState.READY)
    return list(session.scalars(query.order_by(UserTask.created_at)))


def lock_ticket(session: Session, ticket_id: int | None) -> None:
    """Lock the ticket row first, so calls touching several of its instances never deadlock."""
    if ticket_id is not None:
        session.execute(select(Ticket.id).where(Ticket.id == ticket_id).with_for_update())


def lock_subject(session: Session, ticket_id: int | None, article_id: int | None) -> None:
    """Lock what the instance runs for (ticket or knowledge article) before the instance."""
    lock_ticket(session, ticket_id)
    if article_id is not None:
        session.execute(select(Article.id).where(Article.id == article_id).with_for_update())
