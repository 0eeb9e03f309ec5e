"""The outbox: rows written with their event, claimed and settled by dispatchers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from hotline import clock
from hotline.models.messages import MessageStatus, OutboxMessage


def enqueue(
    session: Session,
    *,
    kind: str,
    channel: str,
    recipient: str,
    address: str,
    body: str,
    subject: str = "",
    recipient_name: str = "",
    ticket_id: int | None = None,
    unit_code: str | None = None,
    user_id: int | None = None,
    contact_id: int | None = None,
    rule: str = "",
    due_by: datetime | None = None,
) -> OutboxMessage:
    """Add one message to the outbox in the caller's transaction; due at once."""
    now = clock.now()
    row = OutboxMessage(
        key=str(uuid.uuid4()),
        kind=kind,
        channel=channel,
        recipient=recipient,
        address=address,
        recipient_name=recipient_name,
        contact_id=contact_id,
        user_id=user_id,
        unit_code=unit_code,
        ticket_id=ticket_id,
        subject=subject,
        body=body,
        rule=rule,
        due_by=due_by,
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row
