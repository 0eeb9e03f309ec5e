"""Contact people messages go to: units' handlers, leaders and duty phones, and the offices.

A unit's contacts carry its code (roles handler 经办人, leader 分管领导, duty 值班); a local
government's (属地政府) carries its district; the government duty office (政府值班室) carries
neither. `contacts_for` is how a message's recipient class becomes people with an address;
`hotline.messages.contact_problems` lists those no channel of the current routes can reach.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.errors import Invalid, NotFound
from hotline.models import Unit
from hotline.models.messages import Contact
from hotline.paging import count_rows, paginate

HANDLER = "handler"  # 经办人: receives the unit's tickets, reminders and urges
LEADER = "leader"  # 分管领导: ladder rungs (yellow/red card, summons) and government decisions
DUTY = "duty"  # 值班: the unit's duty phone, used when it has no reachable handler
GOVERNMENT = "government"  # 属地政府: the local government of one district
DUTY_OFFICE = "duty_office"  # 政府值班室: emergencies (puyang 三(四))
ROLES: dict[str, str] = {
    HANDLER: "经办人",
    LEADER: "分管领导",
    DUTY: "值班",
    GOVERNMENT: "属地政府",
    DUTY_OFFICE: "政府值班室",
}
UNIT_ROLES = (HANDLER, LEADER, DUTY)
OFFICE_ROLES = (GOVERNMENT, DUTY_OFFICE)

# Which contacts a recipient class (hotline.messages.settings.RECIPIENTS) goes to: the first
# role with someone reachable over the channel wins, so a unit's duty phone is its fallback.
RECIPIENT_ROLES: dict[str, tuple[str, ...]] = {
    "unit": (HANDLER, DUTY),
    "unit_leader": (LEADER,),
    "government": (GOVERNMENT,),
    "duty_office": (DUTY_OFFICE,),
}

PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,30}[0-9]$")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9][0-9]{9}$")  # mainland mobile: the only SMS target
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def _digits(phone: str) -> str:
    return phone.replace(" ", "").replace("-", "")


def is_mobile(phone: str | None) -> bool:
    """Whether the phone takes text messages (a mainland mobile, optionally +86)."""
    return bool(phone) and MOBILE.match(_digits(phone or "")) is not None


def address_of(contact: Contact, channel: str) -> str | None:
    """Where `channel` reaches the contact: its mobile for sms, its e-mail for email; else None."""
    if channel == "sms" and is_mobile(contact.phone):
        return _digits(contact.phone or "")
    if channel == "email" and contact.email:
        return contact.email
    return None


# -- validation ------------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise Invalid(f"{field} must not be blank", fields={field: ["must not be blank"]})
    if len(text) > limit:
        raise Invalid(f"{field} is longer than {limit}", fields={field: [f"at most {limit}"]})
    return text


def _phone(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) > 32 or not PHONE.match(text):
        raise Invalid(
            f"phone {text!r} is not a phone number (digits, optionally +, spaces or dashes)",
            fields={"phone": ["not a phone number"]},
        )
    return text


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if len(text) > 200 or not EMAIL.match(text):
        raise Invalid(f"email {text!r} is not an e-mail address", fields={"email": ["invalid"]})
    return text


def _role(value: Any) -> str:
    if value not in ROLES:
        raise Invalid(
            f"role must be one of {', '.join(ROLES)}", fields={"role": [f"unknown role {value!r}"]}
        )
    return str(value)


def _place(
    session: Session, role: str, unit_code: str | None, district: str | None
) -> tuple[str | None, str | None]:
    """The (unit, district) a contact of `role` belongs to, checked: units' roles need an
    existing unit, a local government its district, the duty office neither."""
    if role in UNIT_ROLES:
        if district:
            raise Invalid(
                "a unit's contact has no district", fields={"district": ["only for government"]}
            )
        if not unit_code:
            raise Invalid(f"a {role} contact needs a unit", fields={"unit": ["required"]})
        if session.get(Unit, unit_code) is None:
            raise NotFound(f"unit {unit_code!r} does not exist", fields={"unit": ["unknown unit"]})
        return unit_code, None
    if unit_code:
        raise Invalid(f"a {role} contact belongs to no unit", fields={"unit": ["only for units"]})
    if role == GOVERNMENT:
        return None, _text(district, "district", 100)
    if district:
        raise Invalid(
            "the duty office has no district", fields={"district": ["only for government"]}
        )
    return None, None


def _reachable_somehow(phone: str | None, email: str | None) -> None:
    if not phone and not email:
        raise Invalid(
            "a contact needs a phone or an e-mail address",
            fields={"phone": ["phone or email required"], "email": ["phone or email required"]},
        )


# -- writing ---------------------------------------------------------------------------------


def add_contact(
    session: Session,
    *,
    role: str,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    unit_code: str | None = None,
    district: str | None = None,
) -> Contact:
    """Add an active contact; refused (422 naming the field, 404 for an unknown unit) when
    the role does not fit the unit/district given or it has neither phone nor e-mail."""
    role = _role(role)
    unit_code, district = _place(session, role, unit_code, district)
    phone, email = _phone(phone), _email(email)
    _reachable_somehow(phone, email)
    now = clock.now()
    contact = Contact(
        unit_code=unit_code,
        district=district,
        role=role,
        name=_text(name, "name", 100),
        phone=phone,
        email=email,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(contact)
    session.flush()
    return contact


def get_contact(session: Session, contact_id: int) -> Contact:
    """The contact, or NotFound."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"contact {contact_id} does not exist")
    return contact


def update_contact(session: Session, contact: Contact, changes: dict[str, Any]) -> Contact:
    """Apply `changes` (name, phone, email, role, active; None or "" clears phone/email).

    A role change stays on the same side (a unit's roles among themselves); the contact
    must keep a phone or an e-mail address.
    """
    if "role" in changes and changes["role"] != contact.role:
        role = _role(changes["role"])
        # A unit's roles among themselves; an office's contact is replaced, not moved.
        if role not in UNIT_ROLES or contact.role not in UNIT_ROLES:
            raise Invalid(
                f"a {contact.role} contact cannot become a {role} one: add a new contact",
                fields={"role": ["only a unit's roles change among themselves"]},
            )
        contact.role = role
    if "name" in changes:
        contact.name = _text(changes["name"], "name", 100)
    if "phone" in changes:
        contact.phone = _phone(changes["phone"])
    if "email" in changes:
        contact.email = _email(changes["email"])
    if "district" in changes and changes["district"] != contact.district:
        if contact.role != GOVERNMENT:
            raise Invalid(
                "only a government contact has a district",
                fields={"district": ["only for government"]},
            )
        contact.district = _text(changes["district"], "district", 100)
    if "active" in changes:
        contact.active = bool(changes["active"])
    _reachable_somehow(contact.phone, contact.email)
    contact.updated_at = clock.now()
    return contact


def deactivate_contact(session: Session, contact: Contact) -> Contact:
    """Stop sending to the contact; the row stays, so past messages still name it."""
    if contact.active:
        contact.active = False
        contact.updated_at = clock.now()
    return contact


# -- reading ---------------------------------------------------------------------------------


def contact_query(
    role: str | None = None,
    unit_code: str | None = None,
    district: str | None = None,
    include_inactive: bool = False,
) -> Select[tuple[Contact]]:
    """Contacts by role, unit and district, active ones only unless asked, in a stable order."""
    query = select(Contact)
    if role:
        query = query.where(Contact.role == role)
    if unit_code:
        query = query.where(Contact.unit_code == unit_code)
    if district:
        query = query.where(Contact.district == district)
    if not include_inactive:
        query = query.where(Contact.active.is_(True))
    return query.order_by(Contact.unit_code, Contact.district, Contact.role, Contact.id)


def unit_contacts(
    session: Session, unit_code: str, *, include_inactive: bool = False
) -> list[Contact]:
    """A unit's contacts (active only unless asked), by role; NotFound for an unknown unit."""
    if session.get(Unit, unit_code) is None:
        raise NotFound(f"unit {unit_code!r} does not exist")
    query = contact_query(unit_code=unit_code, include_inactive=include_inactive)
    return list(session.scalars(query))


def list_contacts(
    session: Session,
    *,
    role: str | None = None,
    unit_code: str | None = None,
    district: str | None = None,
    include_inactive: bool = False,
    page: int = 1,
    per_page: int = 100,
) -> tuple[list[Contact], int]:
    """One page of contacts matching the filters, and how many match in all."""
    query = contact_query(role, unit_code, district, include_inactive)
    return list(session.scalars(paginate(query, page, per_page))), count_rows(session, query)


def contacts_for(
    session: Session,
    recipient: str,
    channel: str,
    *,
    unit_code: str | None = None,
    district: str | None = None,
) -> list[Contact]:
    """The active contacts a message to `recipient` reaches over `channel` (sms: a mobile;
    email: an address; log: anyone of the role), for the unit or district concerned.

    `unit`: the unit's handlers, or its duty contacts when no handler is reachable;
    `unit_leader`: its leaders; `government`: the district's local government; `duty_office`:
    the government duty office. Other recipients (requester, center, admin) have no contacts.
    """
    roles = RECIPIENT_ROLES.get(recipient, ())
    if recipient in ("unit", "unit_leader") and not unit_code:
        return []
    if recipient == "government" and not district:
        return []
    for role in roles:
        query = contact_query(
            role,
            unit_code if role in UNIT_ROLES else None,
            district if role == GOVERNMENT else None,
        )
        found = [c for c in session.scalars(query) if channel == "log" or address_of(c, channel)]
        if found:
            return found
    return []
