"""`hotline retention`: retention: archive closed tickets, purge personal data, legal holds."""

from __future__ import annotations

import getpass
import os

import click

from hotline import legal_holds, tickets
from hotline import retention as retention_rules
from hotline.actors import Actor
from hotline.config import ConfigError, load_settings
from hotline.errors import DomainError
from hotline.policy import PolicyError
from hotline.statuses import SYSTEM_ROLE
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


def _operator() -> Actor:
    """Who acts from a shell: the system user, as holds, events and audit rows name it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        user = str(os.getuid())
    return Actor(id=None, name=f"hotline retention ({user})", role=SYSTEM_ROLE)


def _numbers(label: str, numbers: list[str]) -> str:
    """`purged 2 (GY…, GY…)`: how many, and the tickets (each named once)."""
    named = ", ".join(dict.fromkeys(numbers))
    return f"{label} {len(numbers)}" + (f" ({named})" if numbers else "")


@click.group("retention")
def retention() -> None:
    """Retention: archive closed tickets, purge personal data, legal holds."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="count what is due; change nothing")
def run(dry_run: bool) -> None:
    """Archive closed tickets, purge call recordings and personal data past their profile's
    periods now, as the daily job does; each ticket is its own transaction, and a second run
    finds nothing left to do."""
    services = _services()
    try:
        report = retention_rules.run(
            services.transaction,
            services.attachment_store,
            services.runtime.profile,
            _operator(),
            dry_run=dry_run,
        )
    finally:
        services.dispose()
    would = "would be " if dry_run else ""
    click.echo(
        f"{services.settings.profile}: {would}"
        + "; ".join(
            [
                _numbers("archived", report.archived),
                _numbers("recordings purged", report.recordings),
                _numbers("purged", report.purged),
                _numbers("held (legal hold, not purged)", report.held),
            ]
        )
    )
    if report.failed:
        ids = ", ".join(str(i) for i in report.failed)
        raise click.ClickException(
            f"{len(report.failed)} step(s) failed (ticket ids {ids}); the log says why, "
            "and the next run tries them again"
        )


@retention.command("hold")
@click.argument("number")
@click.option("--reason", required=True, help="why the ticket's data must be kept")
def hold(number: str, reason: str) -> None:
    """Put ticket NUMBER under a legal hold: nothing of it is purged until released."""
    services = _services()
    operator = _operator()
    try:
        with services.transaction() as session:
            ticket = tickets.get_ticket(session, operator, number)
            row = legal_holds.place_hold(session, ticket, operator, reason)
            click.echo(f"legal hold {row.id} placed on {number}")
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()


@retention.command("release")
@click.argument("number")
def release(number: str) -> None:
    """Release every active legal hold of ticket NUMBER; the next run purges what is due."""
    services = _services()
    operator = _operator()
    try:
        with services.transaction() as session:
            ticket = tickets.get_ticket(session, operator, number)
            held = legal_holds.active_holds(session, ticket)
            if not held:
                raise click.ClickException(f"{number} has no active legal hold")
            for row in held:
                legal_holds.release_hold(session, ticket, row.id, operator)
            click.echo(f"released {len(held)} legal hold(s) of {number}")
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
