"""`hotline contacts`: contact people of units and offices."""

from __future__ import annotations

import click


@click.group("contacts")
def contacts() -> None:
    """Contact people messages go to (units' handlers and leaders, offices)."""
