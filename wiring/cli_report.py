"""`hotline report …`: Bulletins (通报): generate a period's bulletin as XLSX and PDF."""

from __future__ import annotations

import click


@click.group("report")
def report() -> None:
    """Bulletins (通报): generate a period's bulletin as XLSX and PDF."""
