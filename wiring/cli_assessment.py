"""`hotline assessment …`: Assessment (考核): score days, rank months."""

from __future__ import annotations

import click


@click.group("assessment")
def assessment() -> None:
    """Assessment (考核): score days, rank months."""
