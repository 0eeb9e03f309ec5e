"""Contact schemas: a unit's or an office's contact person, changes to one, the problems list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema, not_blank
from api.schemas.tickets import StrictQueryBoolean
from hotline.fields import StrictBoolean, Text
from hotline.messages.contacts import OFFICE_ROLES, ROLES, UNIT_ROLES, address_of
from hotline.models.messages import Contact


def _one_of(values: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(values, error=f"must be one of {', '.join(values)}")


ROLE_HELP = ", ".join(f"{role} {label}" for role, label in ROLES.items())
NAME: list[Callable[[Any], Any]] = [validate.Length(max=100), not_blank]
PHONE = {"description": "a mobile (SMS) or landline number", "example": "13900000011"}


def _channels(contact: Contact) -> list[str]:
    """The channels that have an address for the contact."""
    return [channel for channel in ("sms", "email") if address_of(contact, channel)]


class ContactSchema(RowSchema):
    """A person messages go to, and the channels that can reach them."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code", allow_none=True)
    district = fields.String(allow_none=True, metadata={"description": "a local government's"})
    role = fields.String(metadata={"enum": list(ROLES), "description": ROLE_HELP})
    role_label = fields.Function(lambda c: ROLES.get(c.role, c.role))
    name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    reachable_by = fields.Function(
        _channels,
        metadata={"description": "sms (a mobile phone) and/or email (an address)"},
    )
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class _ContactBody(Schema):
    class Meta:
        unknown = RAISE

    name = Text(required=True, validate=NAME)
    phone = Text(allow_none=True, validate=validate.Length(max=32), metadata=PHONE)
    email = Text(allow_none=True, validate=validate.Length(max=200))


class UnitContactCreateSchema(_ContactBody):
    """A new contact of the unit: its handler, leader or duty phone; a phone or an e-mail."""

    role = Text(required=True, validate=_one_of(UNIT_ROLES), metadata={"enum": list(UNIT_ROLES)})


class OfficeContactCreateSchema(_ContactBody):
    """A new contact of an office: a district's local government, or the duty office."""

    role = Text(
        required=True, validate=_one_of(OFFICE_ROLES), metadata={"enum": list(OFFICE_ROLES)}
    )
    district = Text(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "required for government; none for duty_office"},
    )


class ContactUpdateSchema(Schema):
    """Changes to a contact; only the fields given change (null clears phone or email)."""

    class Meta:
        unknown = RAISE

    role = Text(validate=_one_of(tuple(ROLES)), metadata={"enum": list(ROLES)})
    name = Text(validate=NAME)
    phone = Text(allow_none=True, validate=validate.Length(max=32), metadata=PHONE)
    email = Text(allow_none=True, validate=validate.Length(max=200))
    district = Text(validate=validate.Length(max=100))
    active = StrictBoolean()


class UnitContactQuerySchema(Schema):
    """Filters of a unit's contacts."""

    include_inactive = StrictQueryBoolean(load_default=False)


class ContactQuerySchema(PageQuerySchema):
    """Filters of the contact list."""

    role = Text(validate=_one_of(tuple(ROLES)), metadata={"enum": list(ROLES)})
    unit = Text(validate=validate.Length(max=32), metadata={"description": "unit code"})
    district = Text(validate=validate.Length(max=100))
    include_inactive = StrictQueryBoolean(load_default=False)


class ContactPageSchema(PageSchema):
    """One page of contacts."""

    items = fields.List(fields.Nested(ContactSchema))


class ContactProblemSchema(Schema):
    """A unit (or office) no channel routed to the recipient reaches."""

    recipient = fields.String(
        metadata={
            "description": "unit, unit_leader, government, duty_office, or confidential_staff "
            "(confidential tickets wait on a unit with no named staff)"
        }
    )
    unit = fields.String(attribute="unit_code", allow_none=True)
    unit_name = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    channels = fields.List(
        fields.String(), metadata={"description": "the channels the routes would use"}
    )
    message = fields.String()
