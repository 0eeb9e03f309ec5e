"""Assessment appeals (申诉) and exemption requests (免责/甄别), and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, EventColumns, UTCDateTime


class Appeal(Base):
    """A unit's appeal against a deduction or a day's data, or its request for an exemption.

    It names exactly one target: a deduction, a ticket, or the unit's data of one day; `day`
    is the day the target belongs to, which decides the assessment cycle and so the window.
    """

    __tablename__ = "assessment_appeals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # hotline.statuses.AppealKind
    status: Mapped[str] = mapped_column(String(20), index=True)  # hotline.statuses.AppealStatus
    target: Mapped[str] = mapped_column(String(20))  # hotline.statuses.AppealTarget
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    # Scoring deletes a deduction whose fact is gone: the appeal then keeps its target and
    # day (and the id in its appeal_filed event), and has nothing left to take back.
    deduction_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_deductions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The last moment the profile allows this appeal (hotline.policy.appeals.appeal_window).
    window_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    opinion: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence_checked: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # What an accepted appeal changed in the assessment (deduction voided, ticket excluded …).
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # The appeal's assessment_appeal process: its ready task is the center's review.
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), nullable=True
    )


class AppealEvent(EventColumns, Base):
    """One step of an appeal's history (`appeal_filed`, `appeal_accepted`, `score_changed` …)."""

    __tablename__ = "assessment_appeal_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("assessment_appeals.id"), index=True)
