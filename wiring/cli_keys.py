"""`hotline keys`: sealing keys: rotate requester data to the current key."""

from __future__ import annotations

import click


@click.group("keys")
def keys() -> None:
    """Sealing keys: rotate requester data to the current key."""
