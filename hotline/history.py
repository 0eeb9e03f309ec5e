"""A ticket's history: every step appended as an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.models import TicketEvent


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
    event = TicketEvent(
        ticket_id=ticket_id,
        at=clock.now(),
        kind=kind,
        actor_id=actor.id,
        actor_name=actor.name,
        task=task,
        data=data or {},
    )
    session.add(event)
    return event
