"""The outbox: rows written with their event, claimed and settled by dispatchers.

A dispatcher claims due rows in one short transaction (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so several dispatchers take different rows; SQLite: `BEGIN IMMEDIATE` serializes
them): each becomes `sending` with a lease (`claimed_until`) and one more attempt. It
delivers outside any transaction, then settles: `sent`, back to `pending` after a backoff,
or `failed` after the last attempt. A dispatcher killed mid-delivery settles nothing; its
rows are claimed again when the lease runs out and sent again with the same `key`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from hotline import clock
from hotline.messages.channels import Delivery
from hotline.models.messages import MessageStatus, OutboxMessage
from hotline.sealing import phone_hash

_TABLE = cast(Table, OutboxMessage.__table__)  # Core updates by id, many at once


class OutboxError(ValueError):
    """An outbox operation refused; the message says why."""


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
        # A requester's phone is sealed; an SMS reply finds its text by this keyed hash.
        address_hash=phone_hash(address) if recipient == "requester" and channel == "sms" else None,
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


def claim(
    session: Session, owner: str, *, now: datetime, lease_seconds: float, limit: int
) -> list[Delivery]:
    """Take up to `limit` due rows for `owner` until `now + lease`: lapsed leases first
    (a dead dispatcher's), then pending rows, earliest due first."""
    lapsed = select(OutboxMessage).where(
        OutboxMessage.status == MessageStatus.SENDING, OutboxMessage.claimed_until < now
    )
    # Ordered by the (status, next_attempt_at) index alone: no sort of the whole backlog.
    pending = (
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at)
    )
    rows = _locked(session, lapsed.order_by(OutboxMessage.claimed_until), limit)
    if len(rows) < limit:
        rows += _locked(session, pending, limit - len(rows))
    until = now + timedelta(seconds=lease_seconds)
    taken = []
    for row in rows:
        row.status = MessageStatus.SENDING
        row.claimed_by = owner
        row.claimed_until = until
        row.attempts += 1  # counted at the claim: a row that kills dispatchers ends failed
        taken.append(snapshot(row))
    session.flush()
    return taken


def _locked(
    session: Session, query: Select[tuple[OutboxMessage]], limit: int
) -> list[OutboxMessage]:
    """The first `limit` rows of `query`; on PostgreSQL locked, skipping others' locks."""
    query = query.limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def snapshot(row: OutboxMessage) -> Delivery:
    """The detached view of `row` an adapter delivers."""
    return Delivery(
        id=row.id,
        key=row.key,
        kind=row.kind,
        channel=row.channel,
        recipient=row.recipient,
        address=row.address,
        subject=row.subject,
        body=row.body,
        attempts=row.attempts,
        user_id=row.user_id,
        unit_code=row.unit_code,
        ticket_id=row.ticket_id,
    )


def mark_sent(session: Session, sent: Sequence[tuple[int, datetime]]) -> None:
    """Rows delivered at the given times are `sent`, whoever holds them now."""
    if not sent:
        return
    statement = (
        update(_TABLE)
        .where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.status != MessageStatus.SENT)
        .values(
            status=MessageStatus.SENT,
            sent_at=bindparam("b_at"),
            claimed_by=None,
            claimed_until=None,
            last_error=None,
        )
    )
    session.connection().execute(statement, [{"b_id": i, "b_at": at} for i, at in sent])


def mark_retry(
    session: Session, message_id: int, owner: str, error: str, next_attempt_at: datetime
) -> bool:
    """Back to `pending` until `next_attempt_at`; False when `owner` lost the row meanwhile."""
    done = session.execute(
        update(_TABLE)
        .where(
            _TABLE.c.id == message_id,
            _TABLE.c.status == MessageStatus.SENDING,
            _TABLE.c.claimed_by == owner,
        )
        .values(
            status=MessageStatus.PENDING,
            next_attempt_at=next_attempt_at,
            claimed_by=None,
            claimed_until=None,
            last_error=error,
        )
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def mark_failed(session: Session, message_id: int, owner: str, error: str) -> bool:
    """`failed` for good; False when `owner` lost the row meanwhile."""
    done = session.execute(
        update(_TABLE)
        .where(
            _TABLE.c.id == message_id,
            _TABLE.c.status == MessageStatus.SENDING,
            _TABLE.c.claimed_by == owner,
        )
        .values(status=MessageStatus.FAILED, claimed_by=None, claimed_until=None, last_error=error)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def retry_now(session: Session, message_id: int) -> OutboxMessage:
    """Queue a failed (or waiting) row again, due now with fresh attempts; OutboxError if not."""
    row = session.get(OutboxMessage, message_id, with_for_update=True)
    if row is None:
        raise OutboxError(f"message {message_id} does not exist")
    if row.status == MessageStatus.SENT:
        raise OutboxError(f"message {message_id} was sent already ({row.sent_at})")
    if row.status == MessageStatus.SENDING:
        raise OutboxError(f"message {message_id} is being delivered by {row.claimed_by}")
    row.status = MessageStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = clock.now()
    return row


def listing(
    session: Session, *, status: str | None = None, kind: str | None = None, limit: int = 50
) -> list[OutboxMessage]:
    """The newest rows first, optionally of one status and kind."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(session.scalars(query))
