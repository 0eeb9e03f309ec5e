"""Retention of closed tickets (issue 15 item 5): archive after the profile's days, purge the
requester's personal data after its years, and legal holds that stop a purge.

`archive` writes a closed ticket's archive record (hotline.archive_document, archive_pdf);
`purge` clears the requester's name, phone and address on the ticket and the requester's
addresses on its messages and SMS replies, with one audit row; `run` does both for every
ticket past its period, in batches, each ticket in its own transaction. Every step locks the
ticket and checks again, so several schedulers (or a hand run beside the job) do each thing
once. A ticket under an active legal hold is never purged: it is reported as held.
Statistics and scores read facts, categories, units and times, never the requester, so the
figures of a period stay the same after a purge (guangyuan 第二十二条, guangxi 第二十八条).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from hotline import archive_document, archive_pdf, audit, clock
from hotline.actors import SYSTEM, Actor
from hotline.audit import AuditAction
from hotline.errors import Conflict, Invalid, NotFound
from hotline.history import record_event
from hotline.models import Ticket
from hotline.models.messages import InboundSms, OutboxMessage
from hotline.models.retention import ArchiveRecord, LegalHold
from hotline.policy.retention import (
    Period,
    archive_after,
    personal_data_kept_years,
    retention_of,
)
from hotline.statuses import CLOSED_STATUSES

MARKER = "（已清除）"  # what a purged name, phone or address reads
BATCH = 100  # tickets selected per query; each is still its own transaction
Transaction = Callable[[], AbstractContextManager[Session]]


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
    personal_data: datetime

    @classmethod
    def of(cls, profile: object, now: datetime) -> Cutoffs:
        """The cutoffs of `profile`'s periods as of `now`."""
        return cls(
            archive=now - archive_after(profile),
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


def _rule(period: Period) -> str:
    """`3 years (第二十八条)`, `90 days (第二十八条, default)`: the rule a step followed."""
    origin = period.origin
    article = origin.source.split(" ", 1)[-1]
    default = ", default" * origin.default_not_from_regulation
    return f"{period.amount} {period.unit} ({article}{default})"


def _locked(session: Session, ticket_id: int) -> Ticket | None:
    """The ticket, its row locked for this transaction (PostgreSQL; SQLite writes one at a time)."""
    return session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()


# -- archive ---------------------------------------------------------------------------------


def archive(session: Session, ticket_id: int, cutoff: datetime) -> ArchiveRecord | None:
    """Archive the ticket if it closed at or before `cutoff` and has no archive record yet:
    its JSON document, sha256 and PDF summary; `ticket.archived_at` is set. None: skipped."""
    ticket = _locked(session, ticket_id)
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
    record_event(session, ticket.id, "ticket_archived", SYSTEM, data={"sha256": sha256})
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


def purge(session: Session, ticket_id: int, cutoff: datetime, actor: Actor, reason: str) -> Outcome:
    """Clear the requester's personal data of a ticket closed at or before `cutoff`, unless a
    legal hold is active: name, phone and address read MARKER, the phone hash goes, and so do
    the requester's addresses on the ticket's messages and SMS replies. One audit row."""
    ticket = _locked(session, ticket_id)
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
    ticket.purged_at = clock.now()
    detail = {
        "what": "personal_data",
        "reason": reason,
        "fields": cleared,
        "messages": len(messages),
        "sms_replies": len(replies),
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


# -- legal holds -----------------------------------------------------------------------------


def active_holds(session: Session, ticket: Ticket) -> list[LegalHold]:
    """The ticket's holds not released, oldest first."""
    return list(
        session.scalars(
            select(LegalHold)
            .where(LegalHold.ticket_id == ticket.id, LegalHold.released_at.is_(None))
            .order_by(LegalHold.id)
        )
    )


def holds_of(session: Session, ticket: Ticket) -> list[LegalHold]:
    """Every hold of the ticket, released or not, oldest first."""
    return list(
        session.scalars(
            select(LegalHold).where(LegalHold.ticket_id == ticket.id).order_by(LegalHold.id)
        )
    )


def place_hold(session: Session, ticket: Ticket, actor: Actor, reason: str) -> LegalHold:
    """Put the ticket under a legal hold: nothing of it is purged until it is released."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("a legal hold needs its reason", {"reason": ["must not be blank"]})
    # The ticket's lock orders a hold against a purge running now: one waits for the other.
    _locked(session, ticket.id)
    hold = LegalHold(
        ticket_id=ticket.id,
        reason=reason,
        placed_by=actor.id,
        placed_by_name=actor.name,
        placed_at=clock.now(),
    )
    session.add(hold)
    session.flush()
    record_event(
        session, ticket.id, "legal_hold_placed", actor, data={"hold": hold.id, "reason": reason}
    )
    return hold


def release_hold(session: Session, ticket: Ticket, hold_id: int, actor: Actor) -> LegalHold:
    """Release one hold of the ticket; the next run purges what is past its period."""
    _locked(session, ticket.id)
    hold = session.get(LegalHold, hold_id)
    if hold is None or hold.ticket_id != ticket.id:
        raise NotFound(f"ticket {ticket.number} has no legal hold {hold_id}")
    if hold.released_at is not None:
        raise Conflict(f"legal hold {hold_id} of {ticket.number} was released already")
    hold.released_at = clock.now()
    hold.released_by, hold.released_by_name = actor.id, actor.name
    record_event(session, ticket.id, "legal_hold_released", actor, data={"hold": hold.id})
    session.flush()
    return hold


# -- the run: every ticket past its period ---------------------------------------------------


@dataclass
class Report:
    """What one run did (or, dry, would do): ticket numbers per step."""

    dry_run: bool = False
    archived: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # past the period, kept by a legal hold

    def counts(self) -> dict[str, int]:
        """How many tickets each step touched."""
        return {"archived": len(self.archived), "purged": len(self.purged), "held": len(self.held)}


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
    profile: object,
    actor: Actor,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> Report:
    """Archive and purge every ticket past its period under `profile`, each ticket in its own
    transaction (`transaction()` opens one); `dry_run` only counts. Safe to repeat."""
    cut = Cutoffs.of(profile, now or clock.now())
    rules = retention_of(profile)
    report = Report(dry_run=dry_run)
    archive_due = and_(closed_by(cut.archive), Ticket.archived_at.is_(None))
    for ticket_id in _each(transaction, archive_due, batch):
        with transaction() as session:
            if dry_run:
                report.archived.append(_number(session, ticket_id))
            elif (row := archive(session, ticket_id, cut.archive)) is not None:
                report.archived.append(row.ticket_number)
    reason = f"personal data kept {_rule(rules.personal_data)} after closing"
    purge_due = and_(closed_by(cut.personal_data), Ticket.purged_at.is_(None))
    for ticket_id in _each(transaction, purge_due, batch):
        with transaction() as session:
            number = _number(session, ticket_id)
            if dry_run:
                held = bool(active_holds(session, _ticket(session, ticket_id)))
                outcome = Outcome.HELD if held else Outcome.DONE
            else:
                outcome = purge(session, ticket_id, cut.personal_data, actor, reason)
        if outcome is Outcome.DONE:
            report.purged.append(number)
        elif outcome is Outcome.HELD:
            report.held.append(number)
    return report


def _ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None  # ids come from the tickets table; tickets are never deleted
    return ticket


def _number(session: Session, ticket_id: int) -> str:
    return _ticket(session, ticket_id).number
