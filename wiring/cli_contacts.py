"""`hotline contacts`: contact people of units and offices."""

from __future__ import annotations

import click

from hotline.config import ConfigError
from hotline.errors import DomainError
from hotline.messages import contact_problems
from hotline.messages import contacts as domain
from hotline.messages.context import messaging_of
from hotline.models.messages import Contact
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _line(contact: Contact) -> str:
    """One contact as a line: id, where, role, name, phone, e-mail, inactive."""
    where = contact.unit_code or contact.district or "政府值班室"
    label = domain.ROLES.get(contact.role, contact.role)
    line = (
        f"#{contact.id} {where} {contact.role} ({label}) {contact.name} "
        f"phone={contact.phone or '-'} email={contact.email or '-'}"
    )
    return line if contact.active else line + " [inactive]"


@click.group("contacts")
def contacts() -> None:
    """Contact people messages go to (units' handlers and leaders, offices)."""


@contacts.command("add")
@click.option("--unit", "unit_code", help="the unit's code (roles handler, leader, duty)")
@click.option("--district", help="the district of a local government (role government)")
@click.option(
    "--office",
    type=click.Choice([domain.DUTY_OFFICE]),
    help="duty_office: the government duty office (政府值班室)",
)
@click.option(
    "--role",
    type=click.Choice(list(domain.ROLES)),
    help="handler 经办人, leader 分管领导, duty 值班 (with --unit); "
    "government with --district and duty_office with --office are implied",
)
@click.option("--phone", help="a mobile (reached by SMS) or landline number")
@click.option("--email", help="an e-mail address")
@click.argument("name")
def add(
    unit_code: str | None,
    district: str | None,
    office: str | None,
    role: str | None,
    phone: str | None,
    email: str | None,
    name: str,
) -> None:
    """Add a contact of a unit (--unit), a local government (--district) or the duty office
    (--office duty_office); it needs a phone or an e-mail address. Prints the new contact."""
    if sum(bool(x) for x in (unit_code, district, office)) != 1:
        raise click.UsageError("give exactly one of --unit, --district or --office")
    if not role:
        if unit_code:
            raise click.UsageError("--role is required with --unit (handler, leader or duty)")
        role = domain.GOVERNMENT if district else domain.DUTY_OFFICE
    services = _services()
    try:
        with services.transaction() as session:
            contact = domain.add_contact(
                session,
                role=role,
                name=name,
                phone=phone,
                email=email,
                unit_code=unit_code,
                district=district,
            )
            line = _line(contact)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(line)


@contacts.command("list")
@click.option("--unit", "unit_code", help="only this unit's contacts")
@click.option("--role", type=click.Choice(list(domain.ROLES)), help="only this role")
@click.option("--district", help="only this district's (local governments)")
@click.option("--all", "include_inactive", is_flag=True, help="deactivated contacts too")
def list_(
    unit_code: str | None, role: str | None, district: str | None, include_inactive: bool
) -> None:
    """Contacts, one per line: id, unit or district, role, name, phone, e-mail."""
    services = _services()
    try:
        with services.transaction() as session:
            rows, _total = domain.list_contacts(
                session,
                role=role,
                unit_code=unit_code,
                district=district,
                include_inactive=include_inactive,
                per_page=1_000_000,
            )
            lines = [_line(c) for c in rows]
    finally:
        services.dispose()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} contact(s)", err=True)


@contacts.command("deactivate")
@click.argument("contact_id", type=int)
def deactivate(contact_id: int) -> None:
    """Stop sending to a contact (it stays in the history of past messages)."""
    services = _services()
    try:
        with services.transaction() as session:
            contact = domain.get_contact(session, contact_id)
            line = _line(domain.deactivate_contact(session, contact))
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(line)


@contacts.command("problems")
def problems() -> None:
    """Units (and offices) the channels routed to them (HOTLINE_CHANNELS) reach nobody at;
    exits 1 when there is any, so a deployment check can run it."""
    services = _services()
    try:
        with services.transaction() as session:
            found = contact_problems.problems(session, messaging_of(session).routes)
    finally:
        services.dispose()
    for problem in found:
        where = problem.unit_code or problem.district or "政府值班室"
        name = f" {problem.unit_name}" if problem.unit_name else ""
        click.echo(f"{where}{name}: {problem.recipient}: {problem.message}")
    click.echo(f"{len(found)} problem(s)", err=True)
    if found:
        raise SystemExit(1)
