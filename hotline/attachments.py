"""Files tickets carry: photos, documents and call recordings (issue 15 item 4).

The center attaches with the matter (purpose intake), the handling unit with its reply
(purpose reply). A file is checked on its content (hotline.attachment_types), its bytes kept
in the attachment store, its row written in the caller's transaction: a rolled-back
transaction removes the bytes it stored, and a purge removes bytes only once it commits.
Who may attach and see: hotline.access. Recordings are kept for the profile's years
(guangyuan 第十四条: 2, guangxi 第二十八条: 3) and then purged (`purge`, hotline.retention).
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from hotline import access, audit, clock
from hotline.actors import Actor
from hotline.attachment_store import AttachmentStore, Incoming, StoreFailed
from hotline.attachment_types import (
    KIND_FAMILY,
    NAMED_EXTENSIONS,
    FileType,
    Kind,
    accepted_labels,
    sniff,
)
from hotline.audit import AuditAction
from hotline.errors import Conflict, DomainError, Invalid, NotFound
from hotline.joint import live_part_of
from hotline.models import Ticket, User
from hotline.models.attachments import Attachment
from hotline.models.audit import AuditRecord
from hotline.statuses import CLOSED_STATUSES

MAX_FILENAME = 200  # characters kept of the client's file name (shown, never a path)
log = logging.getLogger(__name__)
KEPT, DOOMED = "attachments_kept", "attachments_doomed"  # session.info: files per outcome


class UnsupportedType(DomainError):
    """The content is none of the accepted types, or not what the file's name says."""

    status = 415
    code = "unsupported_media_type"


class Gone(DomainError):
    """The attachment's bytes were purged."""

    status = 410
    code = "gone"


@dataclass(frozen=True)
class Listed:
    """An attachment as lists show it: the row, its ticket's number, who uploaded it."""

    row: Attachment
    ticket_number: str
    uploaded_by: str | None
    purge_reason: str | None


# -- adding ----------------------------------------------------------------------------------


def check_may_attach(session: Session, actor: Actor, ticket: Ticket, kind: str | None) -> str:
    """The purpose the actor attaches with (Forbidden, Conflict if not); kind None: any kind.

    Called before the body is read, so a caller who may not attach sends nothing.
    """
    holds_part = actor.unit_code is not None and (
        live_part_of(session, ticket.id, actor.unit_code) is not None
    )
    purpose = access.attachment_purpose(actor, ticket, kind, holds_part=holds_part)
    if ticket.archived_at is not None or ticket.purged_at is not None:
        raise Conflict(f"ticket {ticket.number} is archived: nothing more is attached to it")
    if purpose == "reply" and ticket.status in CLOSED_STATUSES:
        raise Conflict(f"ticket {ticket.number} is {ticket.status}: its replies are final")
    return purpose


def add(
    session: Session,
    store: AttachmentStore,
    actor: Actor,
    ticket: Ticket,
    kind: str,
    filename: str,
    upload: Incoming,
) -> Attachment:
    """Keep an uploaded file as the ticket's attachment, in the caller's transaction.

    The stored type is the one found in the content; the client's name is kept for people
    only (cleaned, with an extension that matches the content).
    """
    if kind not in tuple(Kind):
        choices = ", ".join(Kind)
        raise Invalid(f"kind must be one of {choices}", fields={"kind": [f"one of {choices}"]})
    purpose = check_may_attach(session, actor, ticket, kind)
    upload.finish()
    if upload.size == 0:
        raise Invalid("the file is empty", fields={"file": ["empty file"]})
    found = _content_type(upload, filename, Kind(kind))
    key = store.keep(upload)
    session.info.setdefault(KEPT, []).append((store, key))  # removed again if this rolls back
    row = Attachment(
        ticket_id=ticket.id,
        kind=kind,
        purpose=purpose,
        filename=clean_filename(filename, found),
        content_type=found.content_type,
        size=upload.size,
        sha256=upload.sha256,
        storage_key=key,
        unit_code=actor.unit_code if purpose == "reply" else None,
        uploaded_by=actor.id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def _content_type(upload: Incoming, filename: str, kind: Kind) -> FileType:
    """The accepted type found in the content; 415 or 422 naming the field when it is wrong."""
    found = sniff(upload.path)
    if found is None:
        raise UnsupportedType(
            f"the file's content is none of the accepted types ({accepted_labels()})",
            fields={"file": ["content of an unaccepted type"]},
        )
    extension = _extension(filename)
    if extension in NAMED_EXTENSIONS and extension not in found.extensions:
        raise UnsupportedType(
            f"the file is named .{extension} but its content is {found.label}",
            fields={"file": [f"content is {found.label}, not .{extension}"]},
        )
    family = KIND_FAMILY[kind]
    if found.family != family:
        raise Invalid(
            f"a {kind} must be {family} ({accepted_labels(family)}); this file is {found.label}",
            fields={"kind": [f"{kind} does not fit {found.label}"]},
        )
    return found


def _extension(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lstrip(".").lower()


def clean_filename(filename: str, found: FileType) -> str:
    """The name shown and offered on download: no folders, no control or bidi characters,
    at most MAX_FILENAME characters, ending in an extension of the content's type."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters such as U+202E, which make
    # "gpj.exe" read as "exe.jpg".
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = name.strip().lstrip(".").strip() or "attachment"
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in found.extensions:
        stem, extension = name, found.extensions[0]
    return f"{stem[: MAX_FILENAME - len(extension) - 1]}.{extension}"


# -- reading ---------------------------------------------------------------------------------


def ticket_attachments(session: Session, ticket: Ticket) -> list[Listed]:
    """The ticket's attachments, oldest first (the caller has checked the ticket is visible)."""
    rows = list(
        session.scalars(
            select(Attachment).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
        )
    )
    return [_listed(session, row, ticket.number) for row in rows]


def visible(session: Session, actor: Actor, attachment_id: int) -> tuple[Attachment, Ticket]:
    """An attachment and its ticket, if the actor sees the ticket (else NotFound, no hint)."""
    found = session.execute(
        select(Attachment, Ticket)
        .join(Ticket, Ticket.id == Attachment.ticket_id)
        .where(Attachment.id == attachment_id, access.attachment_scope(actor))
    ).first()
    if found is None:
        raise NotFound(f"attachment {attachment_id} not found")
    return found[0], found[1]


def listed(session: Session, row: Attachment, ticket: Ticket) -> Listed:
    """One attachment as lists show it."""
    return _listed(session, row, ticket.number)


def _listed(session: Session, row: Attachment, number: str) -> Listed:
    uploader = session.get(User, row.uploaded_by) if row.uploaded_by is not None else None
    reason = purge_reason(session, row) if row.purged_at is not None else None
    return Listed(row, number, uploader.name if uploader else None, reason)


def open_bytes(session: Session, store: AttachmentStore, row: Attachment, ticket: Ticket) -> Any:
    """The attachment's bytes for reading (the caller streams and closes them); Gone once
    purged, saying when and why."""
    if row.storage_key is None:
        at = _shown(row.purged_at) or "an unknown time"
        reason = purge_reason(session, row) or "no reason was recorded"
        raise Gone(f"attachment {row.id} of ticket {ticket.number} was purged at {at}: {reason}")
    return store.open(row.storage_key)


def purge_reason(session: Session, row: Attachment) -> str | None:
    """Why the attachment was purged, as its purge's audit row says."""
    records = session.scalars(
        select(AuditRecord)
        .where(AuditRecord.ticket_id == row.ticket_id, AuditRecord.action == AuditAction.PURGE)
        .order_by(AuditRecord.id.desc())
    )
    for record in records:
        if (record.detail or {}).get("attachment_id") == row.id:
            return (record.detail or {}).get("reason")
    return None


def _shown(at: datetime | None) -> str | None:
    return at.astimezone(clock.SHANGHAI).isoformat() if at else None


# -- purging ---------------------------------------------------------------------------------


def purge(
    session: Session, store: AttachmentStore, attachment: Attachment, actor: Actor, reason: str
) -> None:
    """Remove the attachment's bytes for good (its retention period passed, or another
    `reason`), keep its row as the record that it existed, and audit the purge.

    The bytes go when the caller's transaction commits; nothing is lost if it rolls back.
    Purging a purged attachment does nothing.
    """
    if attachment.storage_key is None:
        return
    session.info.setdefault(DOOMED, []).append((store, attachment.storage_key))
    attachment.storage_key = None
    attachment.purged_at = clock.now()
    ticket = session.get(Ticket, attachment.ticket_id)
    audit.record(
        session,
        actor,
        AuditAction.PURGE,
        ticket_id=attachment.ticket_id,
        ticket_number=ticket.number if ticket is not None else None,
        detail={
            "attachment_id": attachment.id,
            "kind": attachment.kind,
            "sha256": attachment.sha256,
            "reason": reason,
        },
    )
    session.flush()


# -- files follow the transaction ------------------------------------------------------------


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Committed: kept files stay, purged files go."""
    session.info.pop(KEPT, None)
    for store, key in session.info.pop(DOOMED, []):
        _remove(store, key)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    """Rolled back: files kept in the transaction go, purged files stay."""
    if previous.parent is not None:  # a savepoint: the outer transaction decides
        return
    session.info.pop(DOOMED, None)
    for store, key in session.info.pop(KEPT, []):
        _remove(store, key)


def _remove(store: AttachmentStore, key: str) -> None:
    # The transaction has ended either way: a file that cannot go now is logged, not raised.
    try:
        store.delete(key)
    except StoreFailed as exc:
        log.warning("attachment bytes %s stay in the store: %s", key, exc.message)
