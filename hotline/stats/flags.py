"""Each fact row's figures as bits of one integer (`ticket_facts.flags`).

A month's figures then group by (key, flags, satisfaction) and add up: one cheap hash
aggregate over the month's rows instead of thirty conditional sums, and every count is
additive. The bits are set by hotline.stats.facts after every event, from the row's columns;
`received` counts a ticket once, in the period of its first row (TICKET_FIRST), or, for a
unit, of its first row in that unit (UNIT_FIRST).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hotline.stats.rules import closes_demand

# The order is the bit order: never reorder, only append (stored rows carry these bits).
NAMES = (
    "dispatched",
    "acknowledged",
    "acknowledged_on_time",
    "acknowledged_late",
    "handled",
    "handled_on_time",
    "overdue",
    "returned",
    "rehandled",
    "extended",
    "closed",
    "answered",
    "open",
    "repeat",
    "dispatch_late",
    "dispatch_immediately",
    "ticket_first",
    "unit_first",
)
BIT = {name: 1 << index for index, name in enumerate(NAMES)}


def conditions(row: Any, unit_first: bool) -> dict[str, bool]:
    """Which figures the row counts in (see hotline.stats.figures)."""
    dispatched = row.dispatched_at is not None
    acknowledged = row.acknowledged_at is not None
    return {
        "dispatched": dispatched,
        "acknowledged": acknowledged,
        "acknowledged_on_time": acknowledged and bool(row.acknowledged_on_time),
        "acknowledged_late": acknowledged and not row.acknowledged_on_time,
        "handled": row.result_at is not None,
        "handled_on_time": bool(row.handled_on_time),
        "overdue": bool(row.overdue),
        "returned": bool(row.returned),
        "rehandled": row.rehandled > 0,
        "extended": row.extended > 0,
        "closed": dispatched and row.outcome is not None and closes_demand(row.outcome),
        "answered": row.outcome == "answered",
        "open": dispatched and row.outcome is None,
        "repeat": bool(row.repeat),
        "dispatch_late": bool(row.dispatch_late),
        "dispatch_immediately": dispatched and bool(row.dispatch_immediately),
        "ticket_first": row.seq == 1,
        "unit_first": unit_first,
    }


def set_flags(rows: Iterable[Any]) -> None:
    """Recompute `flags` of a ticket's rows (in seq order); unchanged rows keep their value."""
    seen: set[Any] = set()
    for row in rows:
        first = row.unit not in seen  # rows without a unit: the center's, first once too
        seen.add(row.unit)
        value = sum(BIT[name] for name, on in conditions(row, first).items() if on)
        if row.flags != value:
            row.flags = value
