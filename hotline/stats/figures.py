"""The figures of a period from the ticket facts, per unit, category, district or channel,
and the ticket list behind any figure (drill-down).

Counting (README "Statistics"): a row counts in the period of its `period_at` (dispatch, or
receipt when never dispatched). Split or filtered by unit, every row of the unit counts, a
joint part as much as a ticket it holds alone; otherwise a joint ticket counts once, under
its lead (`principal` rows). `received` and `repeat` count tickets, the rest count rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, select, true
from sqlalchemy.orm import Session

from hotline.models import Ticket
from hotline.models.stats import TicketFact as F
from hotline.paging import count_rows, paginate
from hotline.policy import Profile
from hotline.stats.periods import Period
from hotline.stats.rules import RATINGS, closure_rate, satisfaction_rate

BY = ("unit", "category", "district", "channel")
DISPATCHED = F.dispatched_at.is_not(None)
ACKNOWLEDGED = F.acknowledged_at.is_not(None)
# Each count and the rows behind it; `received` and `repeat` count distinct tickets.
CONDITIONS: dict[str, ColumnElement[bool]] = {
    "received": true(),
    "dispatched": DISPATCHED,
    "acknowledged": ACKNOWLEDGED,
    "acknowledged_on_time": and_(ACKNOWLEDGED, F.acknowledged_on_time.is_(True)),
    "acknowledged_late": and_(ACKNOWLEDGED, F.acknowledged_on_time.is_(False)),
    "handled": F.result_at.is_not(None),
    "handled_on_time": F.handled_on_time.is_(True),
    "overdue": F.overdue.is_(True),
    "returned": F.returned.is_(True),
    "rehandled": F.rehandled > 0,
    "extended": F.extended > 0,
    "closed": and_(DISPATCHED, F.closed.is_(True)),
    "answered": F.outcome == "answered",
    "open": and_(DISPATCHED, F.outcome.is_(None)),
    **{rating: F.satisfaction == rating for rating in RATINGS},
    "repeat": F.repeat.is_(True),
    "dispatch_late": F.dispatch_late.is_(True),
    "dispatch_immediately": and_(DISPATCHED, F.dispatch_immediately.is_(True)),
}
FIGURES = tuple(CONDITIONS)
DISTINCT = ("received", "repeat")
# Working times (seconds in the facts, minutes in the figures) and the rows they are over.
TIMES: dict[str, tuple[Any, ColumnElement[bool]]] = {
    "acknowledge": (F.acknowledge_working_seconds, ACKNOWLEDGED),
    "close": (F.close_working_seconds, CONDITIONS["closed"]),
    "dispatch_delay": (F.dispatch_delay_working_seconds, DISPATCHED),
    "immediate_dispatch_delay": (
        F.dispatch_delay_working_seconds,
        CONDITIONS["dispatch_immediately"],
    ),
}


@dataclass(frozen=True)
class Selection:
    """Which facts: a period, optionally split `by` one attribute and filtered by others."""

    period: Period
    by: str | None = None
    unit: str | None = None
    category: str | None = None
    district: str | None = None
    channel: str | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The conditions every figure of the selection shares."""
        found = [F.period_at >= self.period.start, F.period_at < self.period.end]
        for name in BY:
            value = getattr(self, name)
            if value:
                found.append(getattr(F, name) == value)
        if self.by != "unit" and not self.unit:
            found.append(F.principal.is_(True))  # a joint ticket once, under its lead
        return found


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


def _p90(values: Sequence[int]) -> int | None:
    """Nearest-rank 90th percentile (as PostgreSQL's percentile_disc(0.9))."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _aggregates(session: Session) -> list[Any]:
    """Counts, averages and (on PostgreSQL) percentiles, labelled."""
    columns: list[Any] = []
    for name, condition in CONDITIONS.items():
        if name in DISTINCT:
            counted = case((condition, F.ticket_id)) if name != "received" else F.ticket_id
            columns.append(func.count(func.distinct(counted)).label(name))
        else:
            columns.append(func.sum(case((condition, 1), else_=0)).label(name))
    postgres = session.get_bind().dialect.name == "postgresql"
    for name, (column, condition) in TIMES.items():
        value = case((condition, column))
        columns.append(func.avg(value).label(f"{name}_avg"))
        if name == "immediate_dispatch_delay":
            columns.append(func.max(value).label(f"{name}_max"))
        elif postgres:
            columns.append(func.percentile_disc(0.9).within_group(value).label(f"{name}_p90"))
    return columns


def _python_p90(session: Session, selection: Selection, key: Any) -> dict[Any, dict[str, Any]]:
    """Percentiles where the database has none (SQLite): the values, sorted here."""
    names = [n for n in TIMES if n != "immediate_dispatch_delay"]
    query = select(key, *(case((TIMES[n][1], TIMES[n][0])) for n in names)).where(
        *selection.where()
    )
    values: dict[Any, dict[str, list[int]]] = {}
    for row in session.execute(query):
        bucket = values.setdefault(row[0], {n: [] for n in names})
        for name, value in zip(names, row[1:], strict=True):
            if value is not None:
                bucket[name].append(value)
    return {k: {f"{n}_p90": _p90(v[n]) for n in names} for k, v in values.items()}


def figures(session: Session, selection: Selection, profile: Profile) -> list[dict[str, Any]]:
    """The figures of `selection`: one dict per group (`key` = the unit, category, district
    or channel, None for rows without one; a single group with key None when not split),
    groups in key order. Counts, rates (办结率 `closure_rate`, 满意率 `satisfaction_rate`,
    `repeat_rate`, on-time rates) and working minutes (average and p90)."""
    key = getattr(F, selection.by) if selection.by else false().label("key")
    query = select(key.label("key"), *_aggregates(session)).where(*selection.where())
    if selection.by:
        query = query.group_by(key)
    rows = [r._asdict() for r in session.execute(query)]
    if selection.by:  # a split lists the groups that have rows; a total always answers
        rows = [r for r in rows if r["received"]]
    extra: dict[Any, dict[str, Any]] = {}
    if session.get_bind().dialect.name != "postgresql":
        extra = _python_p90(session, selection, key)
    out = []
    for row in sorted(rows, key=lambda r: (r["key"] is None, str(r["key"]))):
        row.update(extra.get(row["key"], {}))
        out.append(_finish(row, selection, profile))
    return out


def _finish(row: dict[str, Any], selection: Selection, profile: Profile) -> dict[str, Any]:
    """Counts as ints, times in minutes, and the rates."""
    figure: dict[str, Any] = {"key": row["key"] if selection.by else None}
    for name in FIGURES:
        figure[name] = int(row[name] or 0)
    for name in TIMES:
        figure[f"{name}_minutes_avg"] = _minutes(row.get(f"{name}_avg"))
        suffix = "max" if name == "immediate_dispatch_delay" else "p90"
        figure[f"{name}_minutes_{suffix}"] = _minutes(row.get(f"{name}_{suffix}"))
    figure["closure_rate"] = closure_rate(
        figure["closed"], figure["dispatched"], figure["returned"]
    )
    figure["satisfaction_rate"] = satisfaction_rate({r: figure[r] for r in RATINGS}, profile)
    figure["repeat_rate"] = _rate(figure["repeat"], figure["received"])
    figure["acknowledged_on_time_rate"] = _rate(
        figure["acknowledged_on_time"], figure["acknowledged"]
    )
    figure["handled_on_time_rate"] = _rate(figure["handled_on_time"], figure["handled"])
    return figure


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figure_rows(
    session: Session,
    selection: Selection,
    figure: str,
    key: str | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[tuple[F, str]], int]:
    """The facts behind one figure (drill-down), with their ticket numbers, oldest first:
    `key` narrows to one group of a split selection. `received` and `repeat` list each
    ticket once (its first row in the selection)."""
    if figure not in CONDITIONS:
        raise ValueError(f"unknown figure {figure!r}")
    where = [*selection.where(), CONDITIONS[figure]]
    if selection.by and key is not None:
        where.append(getattr(F, selection.by) == key)
    query: Select[Any] = select(F, Ticket.number).join(Ticket, Ticket.id == F.ticket_id)
    if figure in DISTINCT:
        first = select(func.min(F.id)).where(*where).group_by(F.ticket_id)
        query = query.where(F.id.in_(first))
    else:
        query = query.where(*where)
    total = count_rows(session, query)
    ordered = query.order_by(F.period_at, F.id)
    rows = [(fact, number) for fact, number in session.execute(paginate(ordered, page, per_page))]
    return rows, total
