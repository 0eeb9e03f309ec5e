"""`hotline calendar …`: load working-day overrides for years the official calendar lacks."""

from __future__ import annotations

from pathlib import Path

import click

from hotline.calendar_file import CalendarFileError, load_calendar_file
from hotline.config import ConfigError
from hotline.provisional import recompute_provisional
from wiring.services import build_services


@click.group("calendar")
def calendar() -> None:
    """The working-day calendar (holidays and make-up working days)."""


@calendar.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(file: Path) -> None:
    """Load FILE (CSV date,working,note or JSON [{date, working, note}]) into calendar_days.

    Every row is checked first; one bad row stores nothing and names its line.
    """
    try:
        services = build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        with services.transaction() as session:
            result = load_calendar_file(session, file)
            # Same transaction: the days and every deadline they correct land together.
            recomputed = recompute_provisional(session, services.runtime, services.runtime.profile)
    except CalendarFileError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        services.dispose()
    years = ", ".join(str(y) for y in result["years"])
    click.echo(f"loaded {result['days']} calendar day(s) for {years} from {file}")
    if result["years_loaded"]:
        newly = ", ".join(str(y) for y in result["years_loaded"])
        click.echo(f"newly known year(s): {newly}")
    click.echo(f"recomputed {recomputed} provisional deadline(s)")
