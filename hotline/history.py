"""A ticket's history: every step appended as an event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.messages import rules as messages
from hotline.models import ArticleEvent, ProcessInstance, TicketEvent
from hotline.stats.facts import on_event


def json_safe(value: Any) -> Any:
    """Event data as JSON: dates and times become ISO strings (a form's date fields)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _common(
    kind: str, actor: Actor, task: str | None, data: dict[str, Any] | None
) -> dict[str, Any]:
    """The columns every history event shares."""
    return {
        "at": clock.now(),
        "kind": kind,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "task": task,
        "data": json_safe(data or {}),
    }


def record_event(
    session: Session,
    ticket_id: int,
    kind: str,
    actor: Actor,
    *,
    task: str | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """Append one event (e.g. `ticket_dispatched`) to a ticket's history."""
    event = TicketEvent(ticket_id=ticket_id, **_common(kind, actor, task, data))
    session.add(event)
    # The statistics' facts change in the same transaction as the event that changes them.
    on_event(session, ticket_id, event)
    # So are the messages it causes (an outbox row each, delivered after the commit).
    messages.on_event(session, ticket_id, event)
    return event


def record_article_event(
    session: Session,
    article_id: int,
    kind: str,
    actor: Actor,
    *,
    task: str | None = None,
    data: dict[str, Any] | None = None,
    version_id: int | None = None,
) -> ArticleEvent:
    """Append one event (e.g. `article_published`) to a knowledge article's history."""
    common = _common(kind, actor, task, data)
    event = ArticleEvent(article_id=article_id, version_id=version_id, **common)
    session.add(event)
    return event


def record_instance_event(
    session: Session,
    instance: ProcessInstance,
    kind: str,
    actor: Actor,
    *,
    task: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append an event to the history of what the instance runs for: a ticket or an article."""
    if instance.ticket_id is not None:
        record_event(session, instance.ticket_id, kind, actor, task=task, data=data)
    elif instance.article_id is not None:
        record_article_event(session, instance.article_id, kind, actor, task=task, data=data)


def last_event_at(session: Session, ticket_id: int, kinds: tuple[str, ...]) -> datetime | None:
    """When the ticket last recorded one of `kinds`, or None."""
    return session.scalars(
        select(TicketEvent.at)
        .where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(kinds))
        .order_by(TicketEvent.id.desc())
        .limit(1)
    ).first()
