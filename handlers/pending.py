"""Placeholders for topics whose handlers are still being written (removed when all exist)."""

from __future__ import annotations

from typing import Any

from hotline.errors import WorkflowError
from processes.topics import get_handler, topic

PENDING = (
    "joint.start",
    "ticket.merge",
    "ticket.terminate",
    "ticket.government_decision",
)


def _placeholder(name: str) -> Any:
    def run(ctx: Any) -> None:
        raise WorkflowError(f"topic {name!r} is not implemented yet")

    run.placeholder = True  # type: ignore[attr-defined]  # a real handler may replace it
    return run


for _name in PENDING:
    if get_handler(_name) is None:
        topic(_name)(_placeholder(_name))
