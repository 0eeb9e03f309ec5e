"""`hotline warnings …`: Hot-spot early warnings (热点预警): detect concentrations of demands."""

from __future__ import annotations

import click


@click.group("warnings")
def warnings_() -> None:
    """Hot-spot early warnings (热点预警): detect concentrations of demands."""
