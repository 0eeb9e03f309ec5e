"""`hotline warnings …`: Hot-spot early warnings (热点预警): detect concentrations of demands."""

from __future__ import annotations

from datetime import datetime

import click

from hotline import clock
from hotline.config import ConfigError
from hotline.hotspots import detect
from hotline.search_words import warm_up
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("warnings")
def warnings_() -> None:
    """Hot-spot early warnings (热点预警): detect concentrations of demands."""


@warnings_.command("detect")
@click.option(
    "--at",
    "at",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="the end of the window (ISO 8601 with offset); default: the service clock's now",
)
def detect_(at: datetime | None) -> None:
    """Raise or update the warnings of the window ending now (run daily; safe to repeat).

    Prints one line per warning raised or updated: id, category, district, keywords, count
    against the expected count, and the units concerned.
    """
    services = _services()
    warm_up()
    try:
        with services.transaction() as session:
            now = at or clock.now()
            touched = detect(session, services.runtime, now)
            lines = [
                f"#{w.id} {w.category} {w.district} {'、'.join(w.keywords)}: "
                f"{w.count} against {w.expected:g} expected ({w.ratio:g}×), {w.status}"
                for w in touched
            ]
    finally:
        services.dispose()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} warning(s) raised or updated")
