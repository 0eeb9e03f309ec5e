"""`hotline assessment …`: Assessment (考核): score days, rank months."""

from __future__ import annotations

from datetime import date, timedelta

import click

from hotline.assessment import period_ranking, score_day
from hotline.config import ConfigError
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _day(_ctx: object, _param: object, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day (YYYY-MM-DD)") from None


@click.group("assessment")
def assessment() -> None:
    """Assessment (考核): score days, rank months."""


@assessment.command("score")
@click.argument("first", callback=_day)
@click.option("--to", "last", callback=_day, help="score every day up to this one (YYYY-MM-DD)")
def score(first: date, last: date | None) -> None:
    """Score FIRST (YYYY-MM-DD), or every day from FIRST to --to; re-running is harmless.
    Each day is its own transaction."""
    services = _services()
    try:
        days = [first + timedelta(days=n) for n in range(((last or first) - first).days + 1)]
        with click.progressbar(days, label="scoring") as bar:
            for day in bar:
                with services.transaction() as session:
                    score_day(session, services.runtime.profile, day)
        click.echo(f"scored {len(days)} day(s) under {services.settings.profile}")
    finally:
        services.dispose()


@assessment.command("ranking")
@click.argument("month")
def ranking(month: str) -> None:
    """Print the ranking of MONTH (YYYY-MM): rank, unit, total, lost points by item."""
    try:
        day = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise click.BadParameter(f"{month!r} is not a month (YYYY-MM)") from None
    services = _services()
    try:
        with services.transaction() as session:
            found = period_ranking(session, services.runtime.profile, day)
        click.echo(f"{found.first} – {found.last} (out of {found.full_marks:g})")
        for unit in found.units:
            lost = ", ".join(
                f"{name} {figures['points']:g}/{figures['max']:g}"
                for name, figures in unit.items.items()
                if "max" in figures and figures["points"] < figures["max"]
            )
            flag = "  约谈 summons" if unit.summoned else ""
            click.echo(f"{unit.rank:>3}  {unit.unit:<8} {unit.total:>7.2f}  {lost}{flag}")
    finally:
        services.dispose()
