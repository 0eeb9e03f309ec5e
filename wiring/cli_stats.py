"""`hotline stats …`: Statistics: recompute the ticket facts from history, print figures."""

from __future__ import annotations

import json

import click
from sqlalchemy import func, select

from hotline.config import ConfigError
from hotline.models import Ticket
from hotline.stats import recompute as recompute_facts
from hotline.stats.figures import BY, Selection, figures
from hotline.stats.periods import month as month_period
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("stats")
def stats() -> None:
    """Statistics: recompute the ticket facts from history, print figures."""


@stats.command("recompute")
def recompute() -> None:
    """Rebuild every ticket fact from the event history, in one transaction (the figures
    stay as they were until it commits)."""
    services = _services()
    try:
        with services.transaction() as session:
            total = session.scalar(select(func.count(Ticket.id))) or 0
            with click.progressbar(length=total, label="tickets") as bar:
                written = recompute_facts(session, progress=bar.update)
        click.echo(f"{written} facts from {total} tickets")
    finally:
        services.dispose()


@stats.command("show")
@click.option("--month", "month", required=True, help="the month, e.g. 2026-10")
@click.option("--by", type=click.Choice(BY), default=None, help="split the figures")
def show(month: str, by: str | None) -> None:
    """Print a month's figures as JSON lines, one per group."""
    try:
        period = month_period(month)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM, e.g. 2026-10", param_hint="--month") from None
    services = _services()
    try:
        with services.transaction() as session:
            profile = services.runtime.profile
            for figure in figures(session, Selection(period, by), profile):
                click.echo(json.dumps(figure, ensure_ascii=False))
    finally:
        services.dispose()
