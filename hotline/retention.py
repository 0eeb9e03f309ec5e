"""Retention of closed tickets (issue 15 item 5): archive after the profile's days, purge the
requester's personal data after its years, and legal holds that stop a purge.

`archive` writes a closed ticket's archive record (hotline.archive_document, archive_pdf);
`purge_recordings` removes its call recordings once they are kept the profile's years;
`purge` clears the requester's name, phone and address on the ticket and the requester's
addresses on its messages and SMS replies, and removes its photos and documents, with one
audit row (and one per file, hotline.attachments.purge); `run` does all three for every
ticket past its period, in batches, each ticket in its own transaction. Every step locks the
ticket and checks again, so several schedulers (or a hand run beside the job) do each thing
once. A ticket under an active legal hold (hotline.legal_holds) is never purged: it is
reported as held.
Statistics and scores read facts, categories, units and times, never the requester, so the
figures of a period stay the same after a purge (guangyuan 第二十二条, guangxi 第二十八条).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from hotline import archive_document, archive_pdf, attachments, audit, clock
from hotline.actors import SYSTEM, Actor
from hotline.attachment_store import AttachmentStore
from hotline.attachment_types import Kind
from hotline.audit import AuditAction
from hotline.errors import NotFound
from hotline.history import record_event
from hotline.legal_holds import active_holds, locked
from hotline.models import Ticket
from hotline.models.attachments import Attachment
from hotline.models.messages import InboundSms, OutboxMessage
from hotline.models.retention import ArchiveRecord
from hotline.policy.retention import (
    archive_after,
    personal_data_kept_years,
    recordings_kept_years,
    retention_of,
)
from hotline.statuses import CLOSED_STATUSES

MARKER = "（已清除）"  # what a purged name, phone or address reads
BATCH = 100  # tickets selected per query; each is still its own transaction
Transaction = Callable[[], AbstractContextManager[Session]]
log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """What one step did to one ticket."""

    DONE = "done"
    HELD = "held"  # an active legal hold kept it from the purge
    SKIPPED = "skipped"  # nothing to do any more (another run did it, or it reopened)


# -- periods ---------------------------------------------------------------------------------


def years_before(now: datetime, years: int) -> datetime:
    """The same Shanghai wall time `years` calendar years earlier (29 February: the 28th)."""
    local = now.astimezone(clock.SHANGHAI)
    try:
        return local.replace(year=local.year - years)
    except ValueError:
        return local.replace(year=local.year - years, day=28)


@dataclass(frozen=True)
class Cutoffs:
    """Tickets closed at or before these instants are past their period."""

    archive: datetime
    recordings: datetime  # and recorded at or before it: kept at least the years either way
    personal_data: datetime

    @classmethod
    def of(cls, profile: object, now: datetime) -> Cutoffs:
        """The cutoffs of `profile`'s periods as of `now`."""
        return cls(
            archive=now - archive_after(profile),
            recordings=years_before(now, recordings_kept_years(profile)),
            personal_data=years_before(now, personal_data_kept_years(profile)),
        )


def closed_by(cutoff: datetime) -> ColumnElement[bool]:
    """SQL: the ticket is closed and closed at or before `cutoff`."""
    return and_(
        Ticket.status.in_(CLOSED_STATUSES),
        Ticket.closed_at.is_not(None),
        Ticket.closed_at <= cutoff,
    )


def _closed_by(ticket: Ticket, cutoff: datetime) -> bool:
    """Python twin of `closed_by`, checked again under the ticket's lock."""
    return (
        ticket.status in CLOSED_STATUSES
        and ticket.closed_at is not None
        and ticket.closed_at <= cutoff
    )


# -- archive ---------------------------------------------------------------------------------


def archive(
    session: Session, ticket_id: int, cutoff: datetime, actor: Actor = SYSTEM
) -> ArchiveRecord | None:
    """Archive the ticket if it closed at or before `cutoff` and has no archive record yet:
    its JSON document, sha256 and PDF summary; `ticket.archived_at` is set. None: skipped."""
    ticket = locked(session, ticket_id)
    if ticket is None or ticket.archived_at is not None or not _closed_by(ticket, cutoff):
        return None
    now = clock.now()
    document = archive_document.build(session, ticket, now)
    sha256 = archive_document.digest(document)
    row = ArchiveRecord(
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        archived_at=now,
        document=document,
        pdf=archive_pdf.render(document, sha256),
        sha256=sha256,
    )
    session.add(row)
    ticket.archived_at = now
    record_event(session, ticket.id, "ticket_archived", actor, data={"sha256": sha256})
    session.flush()
    return row


def archive_of(session: Session, ticket: Ticket) -> ArchiveRecord:
    """The ticket's archive record; NotFound (saying when it will be) while it has none."""
    row = session.scalars(select(ArchiveRecord).where(ArchiveRecord.ticket_id == ticket.id)).first()
    if row is None:
        raise NotFound(f"ticket {ticket.number} is not archived (closed tickets are archived "
                       "after the profile's retention.archive days)")  # fmt: skip
    return row


# -- purge -----------------------------------------------------------------------------------


def purge(
    session: Session,
    store: AttachmentStore,
    ticket_id: int,
    cutoff: datetime,
    actor: Actor,
    reason: str,
) -> Outcome:
    """Clear the requester's personal data of a ticket closed at or before `cutoff`, unless a
    legal hold is active: name, phone and address read MARKER, the phone hash goes, and so do
    the requester's addresses on the ticket's messages and SMS replies; its photos and
    documents are purged (recordings keep their own period). One audit row, and one per file."""
    ticket = locked(session, ticket_id)
    if ticket is None or ticket.purged_at is not None or not _closed_by(ticket, cutoff):
        return Outcome.SKIPPED
    if active_holds(session, ticket):
        return Outcome.HELD
    cleared = ["requester_name", "requester_phone"]
    ticket.requester_name = ticket.requester_phone = MARKER
    ticket.requester_phone_hash = None
    if ticket.address is not None:
        ticket.address = MARKER
        cleared.append("address")
    messages = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.ticket_id == ticket.id, OutboxMessage.recipient == "requester"
        )
    ).all()
    for message in messages:
        message.address, message.address_hash = MARKER, None
    replies = session.scalars(select(InboundSms).where(InboundSms.ticket_id == ticket.id)).all()
    for reply in replies:
        reply.phone, reply.phone_hash = MARKER, None
    files = session.scalars(
        select(Attachment)
        .where(
            Attachment.ticket_id == ticket.id,
            Attachment.kind != Kind.RECORDING,
            Attachment.storage_key.is_not(None),
        )
        .order_by(Attachment.id)
    ).all()
    for file in files:
        attachments.purge(session, store, file, actor, reason)
    ticket.purged_at = clock.now()
    detail = {
        "what": "personal_data",
        "reason": reason,
        "fields": cleared,
        "messages": len(messages),
        "sms_replies": len(replies),
        "files": len(files),
    }
    audit.record(
        session,
        actor,
        AuditAction.PURGE,
        ticket_id=ticket.id,
        ticket_number=ticket.number,
        detail=detail,
    )
    record_event(session, ticket.id, "personal_data_purged", actor, data=detail)
    session.flush()
    return Outcome.DONE


def _recordings_due(cutoff: datetime) -> ColumnElement[bool]:
    """SQL on `attachments`: stored recordings made at or before `cutoff`."""
    return and_(
        Attachment.kind == Kind.RECORDING,
        Attachment.storage_key.is_not(None),
        Attachment.created_at <= cutoff,
    )


def purge_recordings(
    session: Session,
    store: AttachmentStore,
    ticket_id: int,
    cutoff: datetime,
    actor: Actor,
    reason: str,
) -> tuple[Outcome, list[int]]:
    """Purge the call recordings of a ticket closed at or before `cutoff` that were made at
    or before it (kept at least the profile's years from both), unless a legal hold is
    active; one audit row per recording (hotline.attachments.purge). The ids purged."""
    ticket = locked(session, ticket_id)
    if ticket is None or not _closed_by(ticket, cutoff):
        return Outcome.SKIPPED, []
    due = session.scalars(
        select(Attachment)
        .where(Attachment.ticket_id == ticket.id, _recordings_due(cutoff))
        .order_by(Attachment.id)
    ).all()
    if not due:
        return Outcome.SKIPPED, []
    if active_holds(session, ticket):
        return Outcome.HELD, []
    for recording in due:
        attachments.purge(session, store, recording, actor, reason)
    return Outcome.DONE, [r.id for r in due]


# -- the run: every ticket past its period ---------------------------------------------------


@dataclass
class Report:
    """What one run did (or, dry, would do): ticket numbers per step."""

    dry_run: bool = False
    archived: list[str] = field(default_factory=list)
    recordings: list[str] = field(default_factory=list)  # one entry per recording purged
    purged: list[str] = field(default_factory=list)  # personal data purged
    held: list[str] = field(default_factory=list)  # past a period, kept by a legal hold
    failed: list[int] = field(default_factory=list)  # ticket ids whose step failed

    def counts(self) -> dict[str, int]:
        """How many tickets (recordings) each step touched."""
        return {
            "archived": len(self.archived),
            "recordings": len(self.recordings),
            "purged": len(self.purged),
            "held": len(self.held),
            "failed": len(self.failed),
        }

    def hold(self, number: str) -> None:
        """Report `number` as held (once, whichever steps it was held from)."""
        if number not in self.held:
            self.held.append(number)


def _due(session: Session, condition: ColumnElement[bool], after: int, limit: int) -> list[int]:
    return list(
        session.scalars(
            select(Ticket.id).where(condition, Ticket.id > after).order_by(Ticket.id).limit(limit)
        )
    )


def _each(transaction: Transaction, condition: ColumnElement[bool], batch: int) -> Iterator[int]:
    """Every ticket id matching `condition`, read in batches of `batch` in id order (the id
    cursor moves on, so a ticket a step skipped is not read again in this run)."""
    after = 0
    while True:
        with transaction() as session:
            ids = _due(session, condition, after, batch)
        yield from ids
        if len(ids) < batch:
            return
        after = ids[-1]


def run(
    transaction: Transaction,
    store: AttachmentStore,
    profile: object,
    actor: Actor,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> Report:
    """Archive, purge recordings and purge personal data of every ticket past its period
    under `profile`, each ticket in its own transaction (`transaction()` opens one; files go
    from `store`); `dry_run` only counts. Safe to repeat; a ticket that fails is logged and
    reported, and the others go on."""
    cut = Cutoffs.of(profile, now or clock.now())
    rules = retention_of(profile)
    report = Report(dry_run=dry_run)
    archive_due = and_(closed_by(cut.archive), Ticket.archived_at.is_(None))
    for ticket_id in _each(transaction, archive_due, batch):
        with _guard(report, ticket_id):
            with transaction() as session:
                number = _number(session, ticket_id)
                done = dry_run or archive(session, ticket_id, cut.archive, actor) is not None
            if done:
                report.archived.append(number)

    reason = f"call recording kept {rules.recordings.cited()} after closing"
    has_due = exists().where(Attachment.ticket_id == Ticket.id, _recordings_due(cut.recordings))
    for ticket_id in _each(transaction, and_(closed_by(cut.recordings), has_due), batch):
        with _guard(report, ticket_id):
            with transaction() as session:
                number = _number(session, ticket_id)
                if dry_run:
                    outcome, ids = _dry_recordings(session, ticket_id, cut.recordings)
                else:
                    outcome, ids = purge_recordings(
                        session, store, ticket_id, cut.recordings, actor, reason
                    )
            report.recordings += [number] * len(ids)
            if outcome is Outcome.HELD:
                report.hold(number)

    reason = f"personal data kept {rules.personal_data.cited()} after closing"
    purge_due = and_(closed_by(cut.personal_data), Ticket.purged_at.is_(None))
    for ticket_id in _each(transaction, purge_due, batch):
        with _guard(report, ticket_id):
            with transaction() as session:
                number = _number(session, ticket_id)
                if dry_run:
                    held = bool(active_holds(session, _ticket(session, ticket_id)))
                    outcome = Outcome.HELD if held else Outcome.DONE
                else:
                    outcome = purge(session, store, ticket_id, cut.personal_data, actor, reason)
            if outcome is Outcome.DONE:
                report.purged.append(number)
            elif outcome is Outcome.HELD:
                report.hold(number)
    return report


@contextmanager
def _guard(report: Report, ticket_id: int) -> Iterator[None]:
    """One ticket's step: its failure (rolled back) is logged and reported, the run goes on;
    the next run tries it again."""
    try:
        yield
    except Exception:
        log.exception("retention: ticket id %s failed; the next run tries it again", ticket_id)
        report.failed.append(ticket_id)


def _dry_recordings(
    session: Session, ticket_id: int, cutoff: datetime
) -> tuple[Outcome, list[int]]:
    """What `purge_recordings` would do, changing nothing."""
    if active_holds(session, _ticket(session, ticket_id)):
        return Outcome.HELD, []
    due = session.scalars(
        select(Attachment.id).where(Attachment.ticket_id == ticket_id, _recordings_due(cutoff))
    ).all()
    return Outcome.DONE, list(due)


def _ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None  # ids come from the tickets table; tickets are never deleted
    return ticket


def _number(session: Session, ticket_id: int) -> str:
    return _ticket(session, ticket_id).number
