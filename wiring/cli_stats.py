"""`hotline stats …`: Statistics: recompute the ticket facts from history, print figures."""

from __future__ import annotations

import click


@click.group("stats")
def stats() -> None:
    """Statistics: recompute the ticket facts from history, print figures."""
