"""`hotline users`: API users, their tokens and the confidential-staff flag."""

from __future__ import annotations

import click

from hotline.config import ConfigError, load_settings
from hotline.errors import DomainError
from hotline.policy import PolicyError
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group("users")
def users() -> None:
    """API users."""


@users.command("add")
@click.option(
    "--role",
    required=True,
    help="operator, center, unit, supervisor, leader, authority, admin, auditor",
)
@click.option("--unit", "unit_code", default=None, help="unit code, for role unit")
@click.option("--reviewer", is_flag=True, help="a unit user who also reviews knowledge articles")
@click.option(
    "--confidential",
    is_flag=True,
    help="a unit user named for the unit's confidential tickets (meizhou 第二十一条)",
)
@click.argument("name")
def users_add(
    role: str, unit_code: str | None, reviewer: bool, confidential: bool, name: str
) -> None:
    """Add a user and print its API token (alone, on stdout)."""
    from hotline.directory import add_user

    services = _services()
    try:
        with services.transaction() as session:
            token = add_user(session, name, role, unit_code, reviewer, confidential=confidential)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(token)
