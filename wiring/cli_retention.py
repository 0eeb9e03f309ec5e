"""`hotline retention`: retention: archive closed tickets, purge personal data, legal holds."""

from __future__ import annotations

import click


@click.group("retention")
def retention() -> None:
    """Retention: archive closed tickets, purge personal data, legal holds."""
