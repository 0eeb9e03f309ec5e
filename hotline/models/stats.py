"""Ticket facts (one row per ticket and unit it was dispatched to) for statistics.

A row is one *assignment*: the ticket in one unit's hands, from its dispatch to the unit until
the ticket closes or leaves the unit (returned, reassigned, dropped, redirected). A ticket
redispatched after a return has a row per dispatch; a joint ticket (会签) a row per part (the
lead's row is `principal`, the assisting units' rows are not). A ticket the center closes
without a dispatch (answered, declined, merged, terminated) keeps one row with no unit.
Rows are written by hotline.stats.facts from the ticket's events only, in the transaction
that records the event; `hotline stats recompute` rebuilds them from the history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime

COVERED = (
    "unit",
    "principal",
    "flags",
    "satisfaction",
    "acknowledge_working_seconds",
    "close_working_seconds",
    "dispatch_delay_working_seconds",
    "category",
    "district",
    "channel",
)


class TicketFact(Base):
    """What the statistics need of one ticket in one unit's hands (see the module doc)."""

    __tablename__ = "ticket_facts"
    __table_args__ = (
        # A month's figures for every unit: a range on period_at, every column the figures
        # read included, so PostgreSQL answers from the index alone (an index-only scan).
        Index("ix_ticket_facts_period", "period_at", postgresql_include=list(COVERED)),
        Index("ix_ticket_facts_unit_period", "unit", "period_at"),
        Index("ix_ticket_facts_ticket_seq", "ticket_id", "seq", unique=True),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order the rows began
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    role: Mapped[str] = mapped_column(String(12))  # single | lead | assisting | none
    # Counted in figures not split by unit: a joint ticket once (its lead), others always.
    principal: Mapped[bool] = mapped_column(Boolean, default=True)
    category: Mapped[str] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(100), nullable=True)
    channel: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(20))
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    # The period a row counts in: its dispatch, or the ticket's receipt when never dispatched.
    period_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the center received it
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dispatch_delay_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dispatch_delay_working_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dispatch_immediately: Mapped[bool] = mapped_column(Boolean, default=False)
    dispatch_late: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledge_working_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    handled_on_time: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    returned: Mapped[bool] = mapped_column(Boolean, default=False)
    rehandled: Mapped[int] = mapped_column(Integer, default=0)
    extended: Mapped[int] = mapped_column(Integer, default=0)
    # How the row ended: closed, closed_with_note, answered, declined, merged, terminated
    # (the ticket ended in this unit's hands) or returned, reassigned, dropped, cancelled,
    # redirected (it left the unit); None while it runs.
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    close_working_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    satisfaction: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # The figures the row counts in, one bit each (hotline.stats.flags.NAMES).
    flags: Mapped[int] = mapped_column(Integer, default=0)
