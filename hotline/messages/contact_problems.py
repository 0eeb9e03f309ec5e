"""Who messages cannot reach: units, offices and confidential channels without a contact.

The center's list (`GET /api/v1/contacts/problems`, `hotline contacts problems`) of units
whose messages reach nobody over the routed channels, offices without a reachable contact,
and units holding confidential tickets with no named staff.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import confidential
from hotline.messages.contacts import (
    DUTY_OFFICE,
    GOVERNMENT,
    RECIPIENT_ROLES,
    ROLES,
    address_of,
    contact_query,
)
from hotline.messages.settings import Routes
from hotline.models import Unit, User
from hotline.models.messages import Contact
from hotline.statuses import Role


@dataclass(frozen=True)
class ContactProblem:
    """A unit (or office) that no channel routed to `recipient` reaches, and why."""

    recipient: str  # unit, unit_leader, government, duty_office
    unit_code: str | None
    unit_name: str | None
    district: str | None
    channels: tuple[str, ...]  # the channels the routes would use
    message: str


def routed_channels(routes: Routes, recipient: str) -> tuple[str, ...]:
    """Every channel the routes may use for `recipient`, whatever the message kind."""
    kinds = {""} | {
        selector.partition(".")[2]
        for selector, _ in routes.table
        if selector.startswith(f"{recipient}.")
    }
    found: dict[str, None] = {}
    for kind in sorted(kinds):
        found.update(dict.fromkeys(routes.channels(recipient, kind)))
    return tuple(found)


def _reaches(contacts: Sequence[Contact], channel: str, has_users: bool) -> bool:
    if channel == "inapp":
        return has_users
    if channel == "log":  # nothing leaves; a real channel switched on later would reach them
        return bool(contacts)
    return any(address_of(c, channel) for c in contacts)


def _missing(recipient: str, channels: Iterable[str]) -> str:
    roles = "、".join(f"{r} ({ROLES[r]})" for r in RECIPIENT_ROLES[recipient])
    wanted = {
        "sms": "a mobile phone",
        "email": "an e-mail address",
        "log": "a phone or e-mail",
        "inapp": "a user account",
    }
    needs = " or ".join(f"{wanted[c]} for {c}" for c in channels)
    return f"no active {roles} contact with {needs}" if needs else "no channel is routed"


def problems(session: Session, routes: Routes) -> list[ContactProblem]:
    """Active units whose `unit` or `unit_leader` messages reach nobody over the routed
    channels, then districts of active units without a reachable local government, then a
    missing duty office, then units holding confidential tickets with no named staff;
    recipients routed to no channel at all are not problems."""
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))
    contacts = list(session.scalars(contact_query()))
    with_users = set(
        session.scalars(
            select(User.unit_code).where(User.active.is_(True), User.role == Role.UNIT).distinct()
        )
    )
    found: list[ContactProblem] = []
    for unit in units:
        for recipient in ("unit", "unit_leader"):
            channels = routed_channels(routes, recipient)
            roles = RECIPIENT_ROLES[recipient]
            mine = [c for c in contacts if c.unit_code == unit.code and c.role in roles]
            if channels and not any(_reaches(mine, ch, unit.code in with_users) for ch in channels):
                message = _missing(recipient, channels)
                found.append(
                    ContactProblem(
                        recipient, unit.code, unit.name, unit.district, channels, message
                    )
                )
    offices: list[tuple[str, str | None]] = [
        (GOVERNMENT, d) for d in sorted({u.district for u in units})
    ]
    offices.append((DUTY_OFFICE, None))
    for role, district in offices:
        channels = routed_channels(routes, role)
        mine = [c for c in contacts if c.role == role and c.district == district]
        if channels and not any(_reaches(mine, ch, False) for ch in channels):
            message = _missing(role, channels)
            found.append(ContactProblem(role, None, None, district, channels, message))
    for unit, count in confidential.unstaffed(session):  # meizhou 第二十一条: nobody to take them
        message = confidential.unstaffed_message(count)
        staff = confidential.CONFIDENTIAL_STAFF
        found.append(ContactProblem(staff, unit.code, unit.name, unit.district, (), message))
    return found
