"""Assessment (考核) records, deductions and scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
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


class RecordColumns:
    """Who recorded an assessment fact, and when."""

    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CallTest(RecordColumns, Base):
    """A call test (拨测) of a unit's phone: answered or not after `attempts` tries."""

    __tablename__ = "assessment_call_tests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    tested_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    answered: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class CallbackCheck(RecordColumns, Base):
    """A callback verification (回访核实) finding about one ticket of one unit."""

    __tablename__ = "assessment_callback_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    finding: Mapped[str] = mapped_column(String(20))  # hotline.statuses.CallbackFinding
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class DutyWeek(RecordColumns, Base):
    """A unit's on-site duty week at the platform (现场接听), as the center recorded it."""

    __tablename__ = "assessment_duty_weeks"
    __table_args__ = (UniqueConstraint("unit_code", "week_start"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    week_start: Mapped[date] = mapped_column(Date, index=True)  # the Monday
    status: Mapped[str] = mapped_column(String(20))  # hotline.statuses.DutyStatus
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Exclusion(Base):
    """A written explanation or exemption taking a ticket (or a unit's day) out of assessment,
    for every item or one; it applies once the center accepted it."""

    __tablename__ = "assessment_exclusions"
    __table_args__ = (Index("ix_assessment_exclusions_unit_status", "unit_code", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
    item: Mapped[str | None] = mapped_column(String(40), nullable=True)  # None: every item
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # hotline.statuses.ExclusionStatus
    appeal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the appeal behind it
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Deduction(Base):
    """Points a unit lost (or, for a bonus, gained) on a day, for one rule, because of one
    ticket or record; only active ones count."""

    __tablename__ = "assessment_deductions"
    __table_args__ = (
        UniqueConstraint("unit_code", "item", "key"),
        Index("ix_assessment_deductions_unit_day", "unit_code", "day"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    day: Mapped[date] = mapped_column(Date, index=True)
    item: Mapped[str] = mapped_column(String(40))
    article: Mapped[str] = mapped_column(String(200))  # the rule's source
    points: Mapped[float] = mapped_column(Float)  # negative: lost
    year_end: Mapped[bool] = mapped_column(Boolean, default=False)  # counts in the yearly total
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    record_kind: Mapped[str | None] = mapped_column(String(30), nullable=True)
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    key: Mapped[str] = mapped_column(String(100))  # what it is for, once per unit and item
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # hotline.statuses.DeductionStatus
    exclusion_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_exclusions.id"), nullable=True
    )
    appeal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DayScore(Base):
    """A unit's score as of the end of a day, for its publication period to date."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("unit_code", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    day: Mapped[date] = mapped_column(Date, index=True)
    period_start: Mapped[date] = mapped_column(Date)
    total: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    items: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)
