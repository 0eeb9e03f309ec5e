"""Hot-spot early warnings (热点预警) and the units they concern."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class WarningStatus(StrEnum):
    """Where a warning stands (`hotspot_warnings.status`)."""

    OPEN = "open"  # some unit concerned has not acknowledged it yet
    ACKNOWLEDGED = "acknowledged"  # every unit concerned acknowledged it with its measures


class HotspotWarning(Base):
    """A cluster of demands (category × district × keywords) far above its trailing baseline.

    One row per cluster while it lasts: a later detection of the same cluster updates it.
    """

    __tablename__ = "hotspot_warnings"
    __table_args__ = (Index("ix_hotspot_warnings_cluster", "category", "district", "last_seen_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)  # WarningStatus
    # The size at the largest detection: demands in the window against the expected count.
    count: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    ratio: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    baseline_days: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detections: Mapped[int] = mapped_column(Integer, default=1)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # thresholds applied


class HotspotWarningTicket(Base):
    """A ticket of a warning's cluster."""

    __tablename__ = "hotspot_warning_tickets"
    warning_id: Mapped[int] = mapped_column(ForeignKey("hotspot_warnings.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HotspotWarningUnit(Base):
    """A unit a warning concerns, and its acknowledgement (签收) with the measures it takes."""

    __tablename__ = "hotspot_warning_units"
    warning_id: Mapped[int] = mapped_column(ForeignKey("hotspot_warnings.id"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The hotspot_warning process whose acknowledge_warning task this unit completes.
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), nullable=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    measures: Mapped[str | None] = mapped_column(Text, nullable=True)
