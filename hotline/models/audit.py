"""The access audit: who read, exported or opened what, append-only and hash-chained."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class AuditRecord(Base):
    """One access to personal or confidential data (hotline.audit); never updated or deleted.

    `hash` covers this row's fields and the previous row's hash, so a gap or an edit breaks
    the chain (`hotline audit verify`).
    """

    __tablename__ = "audit_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(40), index=True)  # hotline.audit.AuditAction
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    ticket_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)  # remote address
    endpoint: Mapped[str | None] = mapped_column(String(200), nullable=True)  # "GET /api/v1/…"
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's last row: appending locks this one row, so the chain has no forks."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    # Free text kept for why the head moved outside an append (e.g. "initialised").
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
