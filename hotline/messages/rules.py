"""The hook: an event becomes outbox rows by the profile's [messages] rules.

`on_event(session, ticket_id, event)` is called by hotline.history.record_event in the
transaction of every ticket event; the rows it writes commit or roll back with the event.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from hotline.models import TicketEvent


def on_event(session: Session, ticket_id: int, event: TicketEvent) -> None:
    """Write the messages `event` causes (none when the session carries no profile)."""
    return None
