"""Joint parts, escalations and links between tickets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class JointPart(Base):
    """One unit's part of a joint ticket (会签): its own deadline, status and result."""

    __tablename__ = "joint_parts"
    __table_args__ = (Index("ix_joint_parts_unit_status", "unit_code", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), nullable=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    role: Mapped[str] = mapped_column(String(20))  # lead | assisting
    status: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    """One rung of the supervision ladder reached by a ticket, against a unit if any."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_unit_level_open", "unit_code", "level", "open"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    level: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(30))  # manual, overdue, climb, ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


class TicketLink(Base):
    """A relation between two tickets: a possible repeat found at intake, a merge, a repeat."""

    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # possible_repeat, merged_into, terminated
    reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
