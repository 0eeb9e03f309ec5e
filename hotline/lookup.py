"""Progress lookup for requesters (guizhou 第十一条: 为诉求人查询办理进展和办理结果提供便利).

With the ticket's number and the last four digits of the phone it was registered with, a
requester reads its public status, the steps it went through with their dates, and the
approved reply; nothing else (no unit's notes, no names, no content). A confidential ticket
shows its status only. A wrong phone tail and an unknown number give the same answer, so
the lookup never tells whether a number exists.

Rate limits (fixed windows kept by hotline.throttle): every lookup counts against the client's
address; every failed lookup counts against the number asked for, so nobody guesses a
ticket's four digits, and a requester's own lookups never lock the number.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.models import Ticket, TicketEvent
from hotline.statuses import TicketStatus
from hotline.throttle import Limit
from hotline.throttle import hit as _count
from hotline.throttle import waiting as _waiting

S = TicketStatus


# default_not_from_regulation: guizhou 第十一条 asks for easy lookup and sets no limit; a
# requester looks up a few times a day, a script trying every phone tail needs thousands.
CLIENT_LIMIT = Limit(30, 600)  # lookups per client address per 10 minutes
NUMBER_LIMIT = Limit(5, 3600)  # failed lookups per ticket number per hour

# What a requester reads for each status: where the demand stands, not the internal step.
PUBLIC_STATUS: dict[str, tuple[str, str]] = {
    S.NEW: ("accepted", "已受理"),
    S.RETURNED: ("accepted", "已受理"),
    S.DISPATCHED: ("handling", "办理中"),
    S.HANDLING: ("handling", "办理中"),
    S.EXTENSION_REQUESTED: ("handling", "办理中"),
    S.OBJECTION_RAISED: ("handling", "办理中"),
    S.IN_REVIEW: ("reviewing", "办理结果审核中"),
    S.CALLBACK: ("callback", "回访中"),
    S.CLOSED: ("closed", "已办结"),
    S.CLOSED_WITH_NOTE: ("closed", "已办结"),
    S.DECLINED: ("declined", "不予受理"),
    S.MERGED: ("merged", "已合并办理"),
    S.TERMINATED: ("terminated", "已终结"),
}
# History events a requester sees as steps: (step, label). Returns, objections, internal
# reviews sent back and escalations are the service's own business.
PUBLIC_STEPS: dict[str, tuple[str, str]] = {
    "ticket_created": ("registered", "受理登记"),
    "ticket_answered": ("answered", "直接答复"),
    "ticket_dispatched": ("dispatched", "转交承办单位"),
    "ticket_dispatched_jointly": ("dispatched", "转交承办单位"),
    "ticket_acknowledged": ("acknowledged", "承办单位签收"),
    "extension_approved": ("extended", "延期办理"),
    "result_approved": ("result_approved", "办理结果审核通过"),
    "ticket_rehandled": ("rehandling", "重新办理"),
    "callback_recorded": ("callback", "回访"),
    "ticket_closed": ("closed", "办结"),
    "ticket_closed_with_note": ("closed", "办结"),
    "ticket_declined": ("declined", "不予受理"),
    "ticket_merged": ("merged", "合并办理"),
    "ticket_terminated": ("terminated", "终结办理"),
}
# The reply is public once the center approved it (or the ticket was answered directly).
REPLY_SHOWN = (S.CALLBACK, S.CLOSED, S.CLOSED_WITH_NOTE)
NOT_FOUND_MESSAGE = "no ticket matches this number and phone tail"


@dataclass(frozen=True)
class Step:
    """One public step of a ticket: what happened, and when."""

    step: str
    label: str
    at: datetime


@dataclass(frozen=True)
class Progress:
    """What a requester reads; `steps` and `reply` are None on a confidential ticket."""

    number: str
    status: str
    status_label: str
    steps: list[Step] | None
    reply: str | None


@dataclass(frozen=True)
class Lookup:
    """The answer: the progress, or nothing (not found), or the seconds to wait (throttled)."""

    progress: Progress | None = None
    retry_after: int | None = None


def lookup(session: Session, number: str, phone_tail: str, client: str) -> Lookup:
    """Look ticket `number` up for the requester whose phone ends in `phone_tail`.

    Call it in a transaction that commits whatever it answers: the counts must stay.
    """
    now = clock.now()
    # Numbers are at most 32 characters: a longer one is unknown, and keys stay short.
    number = number.strip().upper()[:40]
    wait = _count(session, f"client:{client}", CLIENT_LIMIT, now)
    if wait is None:
        wait = _waiting(session, f"number:{number}", NUMBER_LIMIT, now)
    if wait is not None:
        return Lookup(retry_after=wait)
    ticket = session.scalars(select(Ticket).where(Ticket.number == number)).first()
    if ticket is None or not _tail_matches(ticket.requester_phone, phone_tail):
        _count(session, f"number:{number}", NUMBER_LIMIT, now)
        return Lookup()
    return Lookup(progress=progress(session, ticket))


def _tail_matches(phone: str, tail: str) -> bool:
    digits = "".join(c for c in phone if c.isdigit())
    # Compared in constant time, as a secret is: the time taken says nothing either.
    return len(digits) >= 4 and hmac.compare_digest(digits[-4:], tail)


def progress(session: Session, ticket: Ticket) -> Progress:
    """The ticket as its requester reads it: status, public steps, approved reply."""
    status, label = PUBLIC_STATUS.get(ticket.status, ("handling", "办理中"))
    if ticket.confidential:
        return Progress(ticket.number, status, label, None, None)
    events = session.execute(
        select(TicketEvent.kind, TicketEvent.at)
        .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(PUBLIC_STEPS))
        .order_by(TicketEvent.at, TicketEvent.id)
    ).tuples()
    steps = [Step(*PUBLIC_STEPS[kind], at) for kind, at in events]
    reply = ticket.reply if ticket.status in REPLY_SHOWN else None
    return Progress(ticket.number, status, label, steps, reply)
