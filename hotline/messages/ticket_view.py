"""A ticket's messages as its detail shows them: who was told what, when, and whether in time.

Special and urgent notices carry a deadline (`due_by`, guangyuan 第十三条(四): 3 minutes after
receipt); `on_time` measures it against the moment the channel accepted the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.models import Ticket
from hotline.models.messages import OutboxMessage
from hotline.statuses import Role

# Who reads a ticket's messages: the center and the oversight roles (addresses and delivery
# problems are theirs to act on); units read their own in-app inbox instead.
MESSAGE_READERS = (Role.CENTER, Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class TicketMessage:
    """One outbox row of the ticket, for its detail."""

    kind: str
    recipient: str
    recipient_name: str
    channel: str
    status: str
    rule: str
    unit_code: str | None
    attempts: int
    created_at: datetime
    due_by: datetime | None
    sent_at: datetime | None
    on_time: bool | None  # None: no deadline, or not sent and not late yet


def sees_messages(actor: Actor) -> bool:
    """Whether the actor sees the messages a ticket caused (role rule of this service)."""
    return actor.role in MESSAGE_READERS


def on_time(due_by: datetime | None, sent_at: datetime | None, now: datetime) -> bool | None:
    """Sent by its deadline (True), sent late or still unsent past it (False), else None."""
    if due_by is None:
        return None
    if sent_at is not None:
        return sent_at <= due_by
    return False if now > due_by else None


def ticket_messages(session: Session, ticket: Ticket) -> list[TicketMessage]:
    """The ticket's messages, oldest first."""
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id).order_by(OutboxMessage.id)
    )
    now = clock.now()
    return [
        TicketMessage(
            kind=row.kind,
            recipient=row.recipient,
            recipient_name=row.recipient_name,
            channel=row.channel,
            status=row.status,
            rule=row.rule,
            unit_code=row.unit_code,
            attempts=row.attempts,
            created_at=row.created_at,
            due_by=row.due_by,
            sent_at=row.sent_at,
            on_time=on_time(row.due_by, row.sent_at, now),
        )
        for row in rows
    ]
