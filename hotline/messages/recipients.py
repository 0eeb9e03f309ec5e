"""Who a message reaches over one channel: the addresses of a recipient class for a ticket.

- in-app: one row per recipient class; the dispatcher puts it in the inbox of every active
  user of the class (a unit's users, the center's, the admins') — hotline.messages.inapp;
- sms / e-mail: one row per contact the channel reaches (hotline.messages.contacts), or the
  requester's mobile; nobody reachable: no row (the center's contact problems list it);
- log: one row per contact (or one naming nobody), so the log shows who would be reached.

Requesters of confidential tickets (保密) get no message: this service's rule, as puyang
附件 四(三)3 exempts 保密电话 from result feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hotline.messages.contacts import address_of, contacts_for, is_mobile
from hotline.models import Ticket

INAPP_RECIPIENTS = ("unit", "unit_leader", "center", "admin")


@dataclass(frozen=True)
class Address:
    """One outbox row's addressee."""

    address: str  # phone, e-mail, or "" (in-app to a class; log without a contact)
    name: str = ""
    contact_id: int | None = None


def masked(phone: str) -> str:
    """A phone as the log may show it: 138****8000."""
    digits = phone.strip()
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def addresses(
    session: Session, recipient: str, channel: str, ticket: Ticket, unit_code: str | None
) -> list[Address]:
    """The addressees of `recipient` over `channel` for a message about `ticket` (and the
    unit it names, for unit and unit_leader)."""
    if channel == "inapp":
        wanted = recipient in INAPP_RECIPIENTS
        needs_unit = recipient in ("unit", "unit_leader")
        return [Address("")] if wanted and (unit_code or not needs_unit) else []
    if recipient == "requester":
        return _requester(ticket, channel)
    if recipient in ("center", "admin"):
        return [Address("")] if channel == "log" else []
    found = contacts_for(session, recipient, channel, unit_code=unit_code, district=ticket.district)
    # log: how the contact would be reached (its phone, else its e-mail)
    rows = [
        Address(address_of(c, channel) or c.phone or c.email or "", c.name, c.id) for c in found
    ]
    if channel == "log" and not rows:
        return [Address("")]
    return rows


def _requester(ticket: Ticket, channel: str) -> list[Address]:
    if ticket.confidential:
        return []
    phone = ticket.requester_phone or ""
    if channel == "sms":
        return [Address(phone.replace(" ", "").replace("-", ""))] if is_mobile(phone) else []
    if channel == "log":
        return [Address(masked(phone))]
    return []
