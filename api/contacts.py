"""Contact people of units and offices, and units nobody can be reached at."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, require, unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.contacts import (
    ContactPageSchema,
    ContactProblemSchema,
    ContactQuerySchema,
    ContactSchema,
    ContactUpdateSchema,
    OfficeContactCreateSchema,
    UnitContactCreateSchema,
    UnitContactQuerySchema,
)
from hotline import access
from hotline.errors import Forbidden, NotFound
from hotline.messages import contact_problems, contacts
from hotline.messages.context import messaging_of
from hotline.models.messages import Contact

blp = Blueprint(
    "contacts",
    __name__,
    url_prefix="/api/v1",
    description="Contact people messages go to",
)

UNIT_PATH = "/units/<string(maxlength=32):code>/contacts"
CONTACT_PATH = "/contacts/<int(max=2147483647):contact_id>"


def _check_unit(code: str, *, manage: bool) -> None:
    """Forbidden unless the caller reads (or manages) the unit's contacts."""
    caller = actor()
    if manage and not access.may_manage_contacts(caller, code):
        raise Forbidden("only the center, admins and the unit itself manage its contacts")
    if not access.may_read_contacts(caller, code):
        raise Forbidden("you may read only your own unit's contacts")


@blp.route(UNIT_PATH, methods=["GET"])
@blp.arguments(UnitContactQuerySchema, location="query")
@blp.response(200, ContactSchema(many=True))
@blp.doc(**secured({"403": "another unit's contacts", "404": "no such unit"}))
def unit_list(query: dict[str, Any], code: str) -> list[Contact]:
    """The unit's contacts by role (active only, unless include_inactive=true)."""
    _check_unit(code, manage=False)
    with unit_of_work() as session:
        return contacts.unit_contacts(session, code, include_inactive=query["include_inactive"])


@blp.route(UNIT_PATH, methods=["POST"])
@blp.arguments(UnitContactCreateSchema)
@blp.response(201, ContactSchema)
@blp.doc(**secured({"403": "not the center, an admin or the unit", "404": "no such unit"}))
def unit_add(body: dict[str, Any], code: str) -> Contact:
    """Add a contact to the unit: handler (经办人), leader (分管领导) or duty (值班)."""
    _check_unit(code, manage=True)
    with unit_of_work() as session:
        return contacts.add_contact(session, unit_code=code, **body)


def _managed(session: Session, contact_id: int) -> Contact:
    """The contact if the caller manages it; NotFound if the caller may not even read it."""
    contact = contacts.get_contact(session, contact_id)
    if not access.may_read_contacts(actor(), contact.unit_code):
        raise NotFound(f"contact {contact_id} does not exist")
    if not access.may_manage_contacts(actor(), contact.unit_code):
        raise Forbidden("only the center, admins and the unit itself manage its contacts")
    return contact


@blp.route(CONTACT_PATH, methods=["PATCH"])
@blp.arguments(ContactUpdateSchema)
@blp.response(200, ContactSchema)
@blp.doc(**secured({"403": "not yours to manage", "404": "no such contact"}))
def update(body: dict[str, Any], contact_id: int) -> Contact:
    """Change a contact's name, phone, e-mail, role (among a unit's roles) or active flag."""
    with unit_of_work() as session:
        return contacts.update_contact(session, _managed(session, contact_id), body)


@blp.route(CONTACT_PATH, methods=["DELETE"])
@blp.response(200, ContactSchema)
@blp.doc(**secured({"403": "not yours to manage", "404": "no such contact"}))
def deactivate(contact_id: int) -> Contact:
    """Deactivate a contact: no message goes to it any more; past messages still name it."""
    with unit_of_work() as session:
        return contacts.deactivate_contact(session, _managed(session, contact_id))


@blp.route("/contacts", methods=["GET"])
@blp.arguments(ContactQuerySchema, location="query")
@blp.response(200, ContactPageSchema)
@blp.doc(**secured({"403": "not a contact reader, or a unit asking for another"}))
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Contacts, e.g. ?role=government or ?role=duty_office; a unit sees its own only."""
    caller = actor()
    unit = query.get("unit")
    if access.is_unit_user(caller) and unit in (None, caller.unit_code):
        unit = caller.unit_code
    if not access.may_read_contacts(caller, unit):
        raise Forbidden("only the center, supervisors, admins and units (their own) read contacts")
    with unit_of_work() as session:
        rows, total = contacts.list_contacts(
            session,
            role=query.get("role"),
            unit_code=unit,
            district=query.get("district"),
            include_inactive=query["include_inactive"],
            page=query["page"],
            per_page=query["per_page"],
        )
        return page_body(rows, total, query)


@blp.route("/contacts", methods=["POST"])
@require(lambda a: access.may_manage_contacts(a, None), message="only the center and admins")
@blp.arguments(OfficeContactCreateSchema)
@blp.response(201, ContactSchema)
@blp.doc(**secured({"403": "not the center or an admin"}))
def office_add(body: dict[str, Any]) -> Contact:
    """Add an office's contact: a district's local government (属地政府) or the government
    duty office (政府值班室)."""
    with unit_of_work() as session:
        return contacts.add_contact(session, **body)


@blp.route("/contacts/problems", methods=["GET"])
@require(access.reads_contact_problems, message="only the center, supervisors and admins")
@blp.response(200, ContactProblemSchema(many=True))
@blp.doc(**secured({"403": "not the center, a supervisor or an admin"}))
def problems() -> list[contact_problems.ContactProblem]:
    """Units (and offices) the channels routed to them reach nobody at: no active contact
    with a mobile for sms, an address for e-mail, a user for in-app."""
    with unit_of_work() as session:
        return contact_problems.problems(session, messaging_of(session).routes)
