"""Units, users, tickets and their history, the calendar."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, EventColumns, UTCDateTime
from hotline.sealing import Sealed


class Unit(Base):
    """A handling unit (承办单位)."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(100), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """An API user; units' users carry their unit code."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    # A unit user who also reviews the unit's knowledge articles (审核).
    reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Named staff for confidential tickets (meizhou 第二十一条): only they see the unit's ones.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the current token stops working; None: it never expires (set by `hotline users`).
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token_last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Sign-in to the web workplace (hotline.passwords); None: this user has no password.
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Ticket(Base):
    """A citizen's demand (工单)."""

    __tablename__ = "tickets"
    # Repeat detection at intake narrows by phone or district within a time window.
    __table_args__ = (
        Index("ix_tickets_phone_hash_created_at", "requester_phone_hash", "created_at"),
        Index("ix_tickets_district_created_at", "district", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20), index=True)
    urgency: Mapped[str] = mapped_column(String(20))
    # Name, phone and address are sealed at rest (hotline.sealing); the phone is found by
    # `requester_phone_hash`, a keyed hash of the national number.
    requester_name: Mapped[str] = mapped_column(Sealed("tickets.requester_name"))
    requester_phone: Mapped[str] = mapped_column(Sealed("tickets.requester_phone"))
    requester_phone_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Sealed("tickets.address"), nullable=True)
    district: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(30), index=True)  # hotline.statuses.TicketStatus
    current_unit: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    close_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    satisfaction: Mapped[str | None] = mapped_column(String(30), nullable=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    rehandle_count: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    upper_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    # Who designated the handling unit (leader, authority, government): no return then.
    designated_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    objection_count: Mapped[int] = mapped_column(Integer, default=0)
    unsatisfied_count: Mapped[int] = mapped_column(Integer, default=0)
    joint: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Retention (hotline.retention): archived with everything it holds, then its personal
    # data purged; a legal hold (hotline.models.retention.LegalHold) stops the purge.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TicketEvent(EventColumns, Base):
    """One step in a ticket's history: who did what, when, with which data."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)


class TicketSequence(Base):
    """Last sequence number handed out per prefix and day."""

    __tablename__ = "ticket_sequences"
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class IdempotencyKey(Base):
    """A client's Idempotency-Key and the ticket its first request created."""

    __tablename__ = "idempotency_keys"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarDay(Base):
    """An admin-loaded override of the official calendar: a holiday or a make-up working day."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
