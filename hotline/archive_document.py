"""The archive record of a closed ticket as JSON: everything it holds, but the requester.

Every column of the ticket and of each row that belongs to it (history, joint parts,
escalations, links, messages sent, SMS replies, attachments' metadata and sha256, callback
findings, exclusions, appeals) is written out, so a column added later is archived too.
The requester's name, phone and address, and the addresses messages went to, are left out
on purpose: the archive is kept longer than personal data may be (hotline.policy.retention),
so it never holds any; while the ticket still holds them, `GET …/archive` shows them next
to the document (guangyuan 第二十二条, guangxi 第二十二条, meizhou 第二十二条).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from hotline.models import Escalation, JointPart, Ticket, TicketEvent, TicketLink, User
from hotline.models.appeals import Appeal
from hotline.models.assessment import CallbackCheck, Exclusion
from hotline.models.attachments import Attachment
from hotline.models.messages import InboundSms, OutboxMessage

FORMAT = "hotline-archive/1"  # the document's `format`: bumped when its shape changes
# Personal data the archive never holds (kept with the ticket until purged).
TICKET_WITHHELD = frozenset(
    {"requester_name", "requester_phone", "requester_phone_hash", "address"}
)
MESSAGE_WITHHELD = frozenset({"address", "address_hash", "claimed_by", "claimed_until"})
SMS_WITHHELD = frozenset({"phone", "phone_hash"})
# Each part of the document: (key, model, its ticket column, its order column, left out).
PARTS: tuple[tuple[str, Any, Any, Any, frozenset[str]], ...] = (
    ("events", TicketEvent, TicketEvent.ticket_id, TicketEvent.id, frozenset()),
    ("parts", JointPart, JointPart.ticket_id, JointPart.id, frozenset()),
    ("escalations", Escalation, Escalation.ticket_id, Escalation.id, frozenset()),
    ("messages", OutboxMessage, OutboxMessage.ticket_id, OutboxMessage.id, MESSAGE_WITHHELD),
    ("sms_replies", InboundSms, InboundSms.ticket_id, InboundSms.id, SMS_WITHHELD),
    ("attachments", Attachment, Attachment.ticket_id, Attachment.id, frozenset({"storage_key"})),
    ("callback_findings", CallbackCheck, CallbackCheck.ticket_id, CallbackCheck.id, frozenset()),
    ("exclusions", Exclusion, Exclusion.ticket_id, Exclusion.id, frozenset()),
    ("appeals", Appeal, Appeal.ticket_id, Appeal.id, frozenset()),
)


def plain(value: Any) -> Any:
    """A column value as JSON: instants and days as ISO text, bytes never (left out)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def columns(row: Any, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """Every mapped column of `row` but `leave_out`, in the table's order, as JSON values."""
    skip = set(leave_out)
    return {
        attr.key: plain(getattr(row, attr.key))
        for attr in inspect(row).mapper.column_attrs
        if attr.key not in skip and not isinstance(getattr(row, attr.key), bytes)
    }


def build(session: Session, ticket: Ticket, archived_at: datetime) -> dict[str, Any]:
    """The archive document of `ticket` as of `archived_at`."""
    fields = columns(ticket, TICKET_WITHHELD)
    fields["merged_into"] = _number(session, ticket.merged_into_id)
    fields["created_by_name"] = _user_name(session, ticket.created_by)
    document: dict[str, Any] = {
        "format": FORMAT,
        "number": ticket.number,
        "archived_at": archived_at.isoformat(),
        "ticket": fields,
        "requester": {
            "confidential": ticket.confidential,
            "identity": "not archived: kept with the ticket until its personal data is purged",
        },
        "satisfaction": {
            "satisfaction": ticket.satisfaction,
            "unsatisfied_count": ticket.unsatisfied_count,
            "rehandle_count": ticket.rehandle_count,
        },
    }
    for key, model, ticket_column, order, leave_out in PARTS:
        rows = session.scalars(select(model).where(ticket_column == ticket.id).order_by(order))
        document[key] = [_part(key, row, leave_out) for row in rows]
    document["links"] = _links(session, ticket)
    return document


def _part(key: str, row: Any, leave_out: frozenset[str]) -> dict[str, Any]:
    shown = columns(row, leave_out)
    if key == "messages" and row.recipient == "requester":
        shown.pop("recipient_name", None)  # the requester's name, if a channel put it there
    return shown


def _links(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """Merges, repeats and terminations, either way, with the other ticket's number."""
    rows = session.scalars(
        select(TicketLink)
        .where(or_(TicketLink.ticket_id == ticket.id, TicketLink.other_id == ticket.id))
        .order_by(TicketLink.id)
    )
    found = []
    for link in rows:
        shown = columns(link)
        shown["ticket"] = _number(session, link.ticket_id)
        shown["other"] = _number(session, link.other_id)
        found.append(shown)
    return found


def _number(session: Session, ticket_id: int | None) -> str | None:
    return (
        None
        if ticket_id is None
        else session.scalar(select(Ticket.number).where(Ticket.id == ticket_id))
    )


def _user_name(session: Session, user_id: int | None) -> str | None:
    return None if user_id is None else session.scalar(select(User.name).where(User.id == user_id))


def canonical(document: dict[str, Any]) -> bytes:
    """The document's bytes as hashed: sorted keys, no spaces, UTF-8."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def digest(document: dict[str, Any]) -> str:
    """The sha256 (hex) of the document's canonical bytes; a reader recomputes it to check."""
    return hashlib.sha256(canonical(document)).hexdigest()
