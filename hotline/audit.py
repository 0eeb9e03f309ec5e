"""The access audit: one append-only, hash-chained row per read of personal data.

Every read of a requester's identity or contact data, every export, every confidential
ticket opened, every attachment downloaded and every purge appends one `AuditRecord` in the
transaction of the access itself (guangyuan 第二十二条 and its 追责 item (四); guizhou 第二十一条;
meizhou 第二十二条). Each row's hash covers its fields and the previous row's hash, so a
removed or edited row breaks the chain; `verify` finds where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.models.audit import AuditHead, AuditRecord

GENESIS = "0" * 64  # the previous hash of the first row


class AuditAction(StrEnum):
    """What was accessed (`audit_records.action`)."""

    READ_REQUESTER = "read_requester"  # a requester's name and phone shown in clear
    OPEN_CONFIDENTIAL = "open_confidential"  # a confidential ticket opened
    EXPORT = "export"  # rows exported (CSV, XLSX, PDF, archive)
    DOWNLOAD_ATTACHMENT = "download_attachment"
    PURGE = "purge"  # personal data or a recording removed after its retention period
    READ_AUDIT = "read_audit"  # the audit itself read or exported


@dataclass(frozen=True)
class Source:
    """Where an access came from: the client's address and the endpoint ("GET /api/v1/…")."""

    client: str | None = None
    endpoint: str | None = None


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _fields(row: AuditRecord) -> dict[str, Any]:
    """What the hash covers: every column but the hashes themselves."""
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "role": row.role,
        "unit_code": row.unit_code,
        "action": row.action,
        "ticket_id": row.ticket_id,
        "ticket_number": row.ticket_number,
        "detail": row.detail,
        "client": row.client,
        "endpoint": row.endpoint,
    }


def record(
    session: Session,
    actor: Actor,
    action: AuditAction | str,
    *,
    ticket_id: int | None = None,
    ticket_number: str | None = None,
    detail: dict[str, Any] | None = None,
    source: Source | None = None,
) -> AuditRecord:
    """Append one audit row in the caller's transaction (it commits or rolls back with it)."""
    # The head row lock orders appenders: every row's predecessor is the one before it.
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    source = source or Source()
    row = AuditRecord(
        id=head.last_id + 1,
        at=clock.now().replace(microsecond=0),
        actor_id=actor.id,
        actor_name=actor.name,
        role=actor.role,
        unit_code=actor.unit_code,
        action=str(action),
        ticket_id=ticket_id,
        ticket_number=ticket_number,
        detail=dict(detail or {}),
        client=(source.client or None) and source.client[:64],
        endpoint=(source.endpoint or None) and source.endpoint[:200],
        prev_hash=head.last_hash,
        hash="",
    )
    row.hash = _digest(row.prev_hash, _fields(row))
    session.add(row)
    head.last_id, head.last_hash = row.id, row.hash
    session.flush()
    return row


@dataclass(frozen=True)
class Break:
    """Where the chain breaks: the row id and what is wrong there."""

    id: int
    problem: str


def rows_in_order(session: Session, batch: int = 1000) -> Iterator[AuditRecord]:
    """Every audit row by id, read in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.id > last).order_by(AuditRecord.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def verify(session: Session) -> tuple[int, list[Break]]:
    """Check the whole chain: (rows checked, breaks found). No breaks: nothing was changed."""
    expected_id, prev, checked, breaks = 1, GENESIS, 0, []
    for row in rows_in_order(session):
        checked += 1
        if row.id != expected_id:
            breaks.append(Break(row.id, f"rows {expected_id}–{row.id - 1} are missing"))
        if row.prev_hash != prev:
            breaks.append(Break(row.id, "its previous hash does not match the row before it"))
        if _digest(row.prev_hash, _fields(row)) != row.hash:
            breaks.append(Break(row.id, "its content does not match its hash (edited)"))
        expected_id, prev = row.id + 1, row.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != (expected_id - 1, prev):
        breaks.append(Break(head.last_id, "the last rows are missing (the head names a later row)"))
    return checked, breaks
