"""The access audit: one append-only, hash-chained row per read of personal data.

Every read of a requester's identity or contact data, every export, every confidential
ticket opened, every attachment downloaded and every purge appends one `AuditRecord` in the
transaction of the access itself (guangyuan 第二十二条 and its 追责 item (四); guizhou 第二十一条;
meizhou 第二十二条). Each row's hash covers its fields and the previous row's hash, so a
removed or edited row breaks the chain; `verify` finds where.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.models import Ticket
from hotline.models.audit import AuditHead, AuditRecord
from hotline.paging import count_rows, paginate
from hotline.repeats import SAME_PHONE

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


# -- reads of personal data ------------------------------------------------------------------


def shown_requester(
    session: Session, ticket: Ticket, actor: Actor, source: Source | None = None
) -> dict[str, str]:
    """The requester as `actor` sees it (`access.requester_shown`), recording READ_REQUESTER
    when the name or the phone is shown in clear: one row per ticket shown."""
    shown = access.requester_shown(ticket, actor)
    clear = [
        field
        for field, value in (("name", ticket.requester_name), ("phone", ticket.requester_phone))
        if value and shown.get(field) == value
    ]
    # Purged (hotline.retention): the marker shown is nobody's data; nothing to record.
    if clear and ticket.purged_at is None:
        record(
            session,
            actor,
            AuditAction.READ_REQUESTER,
            ticket_id=ticket.id,
            ticket_number=ticket.number,
            detail={"fields": clear},
            source=source,
        )
    return shown


def shown_repeats(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    found: list[dict[str, Any]],
    source: Source | None = None,
) -> list[dict[str, Any]]:
    """`found` (hotline.repeats.possible_repeats), recording READ_REQUESTER on each other
    ticket flagged for the same phone when `actor` sees this ticket's phone in clear: the
    flag tells them that ticket's requester's phone."""
    numbers = [r["number"] for r in found if r["reason"] == SAME_PHONE]
    if not numbers or access.requester_shown(ticket, actor).get("phone") != ticket.requester_phone:
        return found
    for other in session.scalars(
        select(Ticket).where(Ticket.number.in_(numbers)).order_by(Ticket.id)
    ):
        record(
            session,
            actor,
            AuditAction.READ_REQUESTER,
            ticket_id=other.id,
            ticket_number=other.number,
            detail={"fields": ["phone"], "same_phone_as": ticket.number},
            source=source,
        )
    return found


# -- reading the audit -----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """Which rows: each given value narrows (actor id, role, unit, action, ticket, time span)."""

    actor: int | None = None
    role: str | None = None
    unit: str | None = None
    action: str | None = None
    ticket: str | None = None  # a ticket number
    since: datetime | None = None  # `from`, inclusive
    until: datetime | None = None  # `to`, inclusive

    def given(self) -> dict[str, Any]:
        """The filters given, as text (what a READ_AUDIT row records of the read)."""
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in asdict(self).items()
            if value is not None and value != ""
        }


def _narrowed(query: Select[Any], found: AuditFilter) -> Select[Any]:
    columns = (
        (AuditRecord.actor_id, found.actor),
        (AuditRecord.role, found.role),
        (AuditRecord.unit_code, found.unit),
        (AuditRecord.action, found.action),
        (AuditRecord.ticket_number, found.ticket),
    )
    for column, value in columns:
        if value is not None and value != "":
            query = query.where(column == value)
    if found.since is not None:
        query = query.where(AuditRecord.at >= found.since)
    if found.until is not None:
        query = query.where(AuditRecord.at <= found.until)
    return query


def list_records(
    session: Session, found: AuditFilter, *, page: int = 1, per_page: int = 20
) -> tuple[list[AuditRecord], int]:
    """One page of the rows `found` selects, newest first, and how many there are in all."""
    query = _narrowed(select(AuditRecord), found)
    rows = session.scalars(paginate(query.order_by(AuditRecord.id.desc()), page, per_page))
    return list(rows), count_rows(session, query)


def last_id(session: Session) -> int:
    """The id of the newest row (0 for an empty audit)."""
    head = session.get(AuditHead, 1)
    return head.last_id if head is not None else 0


def export_count(session: Session, found: AuditFilter, up_to: int) -> int:
    """How many rows an export of `found` up to row `up_to` holds."""
    return count_rows(session, _narrowed(select(AuditRecord), found).where(AuditRecord.id <= up_to))


CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "role",
    "unit_code",
    "action",
    "ticket_number",
    "ticket_id",
    "detail",
    "client",
    "endpoint",
    "prev_hash",
    "hash",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # A user named "=HYPERLINK(…)" must not run in the auditor's spreadsheet (CSV injection).
        return "'" + value
    return value


def csv_export(
    transaction: Callable[[], AbstractContextManager[Session]],
    found: AuditFilter,
    up_to: int,
    batch: int = 1000,
) -> Iterator[str]:
    """The rows `found` selects up to row `up_to`, oldest first (chain order), as CSV text:
    a header row, then one chunk per batch of rows.

    Each batch is read in a transaction of its own, so a slow download holds no transaction
    open; rows never change, so the batches add up to one consistent export.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield _taken(buffer)
    after = 0
    while True:
        with transaction() as session:
            query = _narrowed(select(AuditRecord), found).where(
                AuditRecord.id > after, AuditRecord.id <= up_to
            )
            rows = session.scalars(query.order_by(AuditRecord.id).limit(batch)).all()
            for row in rows:
                writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
        if not rows:
            return
        after = rows[-1].id
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
