"""Supervision ladder (督办): profile triggers, escalations, government review."""

from __future__ import annotations

from processes.context import HandlerContext


def trigger(ctx: HandlerContext, trigger: str, unit: str | None) -> None:
    """A ticket event that may climb the ladder per the profile (overdue, returned, ...)."""


def ticket_finished(ctx: HandlerContext) -> None:
    """The ticket closed: open escalations resolve and the supervision process ends."""
