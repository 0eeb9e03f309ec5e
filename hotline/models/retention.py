"""Archive records and legal holds (hotline.retention)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class ArchiveRecord(Base):
    """A closed ticket as archived: everything it held, as JSON and a PDF summary."""

    __tablename__ = "archive_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    ticket_number: Mapped[str] = mapped_column(String(32), index=True)
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)  # the archive's JSON
    pdf: Mapped[bytes] = mapped_column(LargeBinary)  # the summary a records office reads
    sha256: Mapped[str] = mapped_column(String(64))  # of the JSON as stored


class LegalHold(Base):
    """A hold on a ticket: while it is not released, nothing of the ticket is purged."""

    __tablename__ = "legal_holds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    # The user, or None for `hotline retention hold` from a shell; the name says who either way.
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    placed_by_name: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    released_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
