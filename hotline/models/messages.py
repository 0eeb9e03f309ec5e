"""Messages that reach people: the outbox, in-app notifications, contacts, inbound SMS.

An outbox row is written in the transaction of the event that causes it (hotline.messages)
and delivered by a dispatcher afterwards; its `key` is the idempotency key every channel
passes on, so a redelivery after a crash is recognisable as the same message.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime
from hotline.sealing import Sealed


class MessageStatus(StrEnum):
    """Where an outbox row stands (`outbox_messages.status`)."""

    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a dispatcher until claimed_until
    SENT = "sent"  # the channel accepted it
    FAILED = "failed"  # the last attempt failed; the admins were alerted


class OutboxMessage(Base):
    """One message to one address over one channel, written with the event that causes it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The stable id: adapters pass it on as the idempotency key (a UUID).
    key: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(50), index=True)  # e.g. ticket_dispatched
    channel: Mapped[str] = mapped_column(String(20))  # sms | email | inapp | log
    # Who, as the profile's rule names it: unit, unit_leader, requester, government, ...
    recipient: Mapped[str] = mapped_column(String(20))
    # Phone, e-mail, user id (inapp) or "": sealed, as a requester's phone may be the address.
    address: Mapped[str] = mapped_column(Sealed("outbox_messages.address"))
    # Keyed hash of a requester's national number: an SMS reply finds its callback text.
    address_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(200), default="")  # the profile rule's article
    # Deliver by (special and urgent tickets: within the profile's minutes); None: no limit.
    due_by: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20))  # MessageStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Notification(Base):
    """An in-app message in one user's inbox (`GET /api/v1/notifications`)."""

    __tablename__ = "notifications"
    # A redelivered outbox row lands once per user.
    __table_args__ = (UniqueConstraint("user_id", "message_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    message_key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    ticket_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Contact(Base):
    """A person messages go to: a unit's handler, leader or duty phone, or an office's.

    Units' contacts carry `unit_code`; a local government's carries its `district`; the
    government duty office (政府值班室) carries neither.
    """

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    district: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    role: Mapped[str] = mapped_column(String(20))  # hotline.messages.contacts.ROLES
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboundSms(Base):
    """A text a requester sent back through the SMS gateway, and what it did."""

    __tablename__ = "inbound_sms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The gateway's own id: a gateway retrying the same reply is recognised.
    gateway_id: Mapped[str] = mapped_column(String(100), unique=True)
    phone: Mapped[str] = mapped_column(Sealed("inbound_sms.phone"))
    phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    text: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(30))  # hotline.sms_replies.OUTCOMES


class LookupThrottle(Base):
    """Requests of one client or for one ticket number in the current window (public lookup)."""

    __tablename__ = "lookup_throttles"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
