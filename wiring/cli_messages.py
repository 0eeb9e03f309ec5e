"""`hotline messages`: the outbox (list, retry, dispatch once)."""

from __future__ import annotations

import click


@click.group("messages")
def messages() -> None:
    """The outbox: messages to units, requesters and offices."""
