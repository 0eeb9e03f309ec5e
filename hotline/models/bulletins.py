"""Bulletins (通报): stored, versioned reports of a period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class Bulletin(Base):
    """One version of a period's bulletin: its content and the files as published.

    A period's first bulletin is version 1; regenerating it (an accepted appeal changed the
    scores, or the center asked) adds the next version, and every earlier one stays readable.
    The unique (profile, period, version) key is what keeps two schedulers from both
    publishing the same version.
    """

    __tablename__ = "bulletins"
    __table_args__ = (
        UniqueConstraint("profile", "period", "version"),
        Index("ix_bulletins_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))  # 2026-10 or 2026-Q3
    period_kind: Mapped[str] = mapped_column(String(10))  # month or quarter
    version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(30))  # hotline.bulletins.content.BulletinReason
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The files as published, so an earlier version reads exactly as it was sent out.
    xlsx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
