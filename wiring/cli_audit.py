"""`hotline audit`: the access audit: verify the chain, list and export rows."""

from __future__ import annotations

import click


@click.group("audit")
def audit() -> None:
    """The access audit: verify the chain, list and export rows."""
