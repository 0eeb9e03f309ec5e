"""The figures of a period from the ticket facts, per unit, category, district or channel,
and the ticket list behind any figure (drill-down).

Counting (README "Statistics"): a row counts in the period of its `period_at` (dispatch, or
receipt when never dispatched). Split or filtered by unit, every row of the unit counts, a
joint part as much as a ticket it holds alone; otherwise a joint ticket counts once, under
its lead (`principal` rows). `received` and `repeat` count a ticket once, in the period of
its first row (for a unit: its first row in that unit); the other counts are rows. The
rows are grouped by their figure bits (hotline.stats.flags) and added up here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, select, text
from sqlalchemy.orm import Session

from hotline.models import Ticket
from hotline.models.stats import TicketFact as F
from hotline.paging import count_rows, paginate
from hotline.policy import Profile
from hotline.stats.flags import BIT, NAMES
from hotline.stats.periods import Period
from hotline.stats.rules import RATINGS, closure_rate, satisfaction_rate

BY = ("unit", "category", "district", "channel")
# The row counts, in the bit order of hotline.stats.flags, up to "open" (the rest are per ticket).
COUNTED = NAMES[: NAMES.index("open") + 1]
FIGURES = ("received", *COUNTED, *RATINGS, "repeat", "dispatch_late", "dispatch_immediately")
# Working times: (fact column, the figure whose rows they are over).
TIMES: dict[str, tuple[Any, str]] = {
    "acknowledge": (F.acknowledge_working_seconds, "acknowledged"),
    "close": (F.close_working_seconds, "closed"),
    "dispatch_delay": (F.dispatch_delay_working_seconds, "dispatched"),
    "immediate_dispatch_delay": (F.dispatch_delay_working_seconds, "dispatch_immediately"),
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

    @property
    def per_unit(self) -> bool:
        """Counted as a unit counts (every row of the unit, received once per unit)."""
        return self.by == "unit" or bool(self.unit)

    @property
    def first(self) -> int:
        """The bit that counts a ticket as received in this selection."""
        return BIT["unit_first" if self.per_unit else "ticket_first"]

    def where(self) -> list[ColumnElement[bool]]:
        """The conditions every figure of the selection shares."""
        found = [F.period_at >= self.period.start, F.period_at < self.period.end]
        for name in BY:
            value = getattr(self, name)
            if value:
                found.append(getattr(F, name) == value)
        if not self.per_unit:
            found.append(F.principal.is_(True))  # a joint ticket once, under its lead
        return found


def _has(bits: int) -> ColumnElement[bool]:
    """Rows whose flags hold every one of `bits`."""
    return F.flags.op("&")(bits) == bits


def condition(selection: Selection, figure: str) -> ColumnElement[bool]:
    """The rows behind one figure of `selection`."""
    if figure in RATINGS:
        return F.satisfaction == figure
    if figure == "received":
        return _has(selection.first)
    if figure == "repeat":
        return _has(selection.first | BIT["repeat"])
    if figure in BIT:
        return _has(BIT[figure])
    raise ValueError(f"unknown figure {figure!r}")


def _p90(values: Sequence[int]) -> int | None:
    """Nearest-rank 90th percentile (as PostgreSQL's percentile_disc(0.9))."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _percentiles(session: Session, selection: Selection, key: Any) -> dict[Any, dict[str, Any]]:
    """p90 of the working times per group: in the database on PostgreSQL, else here."""
    names = [n for n in TIMES if n != "immediate_dispatch_delay"]
    found: dict[Any, dict[str, Any]] = {}
    if session.get_bind().dialect.name == "postgresql":
        # Each time is NULL outside its figure's rows (hotline.stats.facts): no filter needed.
        columns = [func.percentile_disc(0.9).within_group(TIMES[n][0]).label(n) for n in names]
        query = select(key.label("key"), *columns).where(*selection.where())
        if selection.by:
            query = query.group_by(key)
        for row in session.execute(query):
            found[row.key] = {f"{n}_p90": getattr(row, n) for n in names}
        return found
    values: dict[Any, dict[str, list[int]]] = {}
    query = select(key, *(TIMES[n][0] for n in names)).where(*selection.where())
    for row in session.execute(query):
        bucket = values.setdefault(row[0], {n: [] for n in names})
        for name, value in zip(names, row[1:], strict=True):
            if value is not None:
                bucket[name].append(value)
    return {k: {f"{n}_p90": _p90(v[n]) for n in names} for k, v in values.items()}


# Rule home: 000 第二十五条 (定期通报业务指标); 001 第十八条 (办理质效、满意度…分析汇总);
# 002 第十七条, 第二十四条 (统计分析); 003 第十二条(二)(三), 第二十三条 (回复率、满意率、
# 时效性); 004 三(六) (日考核和月通报).
def figures(session: Session, selection: Selection, profile: Profile) -> list[dict[str, Any]]:
    """The figures of `selection`: one dict per group (`key` = the unit, category, district
    or channel, None for rows without one; a single group with key None when not split),
    groups in key order. Counts, rates (办结率 `closure_rate`, 满意率 `satisfaction_rate`,
    `repeat_rate`, on-time rates) and working minutes (average, p90; for "immediately"
    dispatch rules the average and maximum)."""
    key = getattr(F, selection.by) if selection.by else false()
    if session.get_bind().dialect.name == "postgresql":
        # A month's p90 sorts ~100k values: in memory, not in temporary files.
        session.execute(text("SET LOCAL work_mem = '32MB'"))
    delay = F.dispatch_delay_working_seconds
    query = (
        select(
            key.label("key"),
            F.flags,
            F.satisfaction,
            func.count().label("n"),
            func.sum(F.acknowledge_working_seconds).label("acknowledge"),
            func.sum(F.close_working_seconds).label("close"),
            func.sum(delay).label("delay"),
            func.count(delay).label("delays"),
            func.max(delay).label("delay_max"),
        )
        .where(*selection.where())
        .group_by(*([key] if selection.by else []), F.flags, F.satisfaction)
    )
    groups: dict[Any, _Sums] = {}
    for row in session.execute(query):
        groups.setdefault(row.key, _Sums()).add(row, selection.first)
    if not selection.by:
        groups.setdefault(False, _Sums())  # a total always answers, zeros included
    percentiles = _percentiles(session, selection, key)
    return [
        groups[k].figure(k if selection.by else None, percentiles.get(k, {}), profile)
        for k in sorted(groups, key=lambda k: (k is None, str(k)))
        if not selection.by or groups[k].counts["received"] or groups[k].counts["dispatched"]
    ]


class _Sums:
    """One group's rows added up by their bits."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(FIGURES, 0)
        self.seconds = dict.fromkeys(TIMES, 0)
        self.samples = dict.fromkeys(TIMES, 0)
        self.delay_max: int | None = None

    def add(self, row: Any, first: int) -> None:
        flags, n = row.flags, row.n
        for name in (*COUNTED, "dispatch_late", "dispatch_immediately"):
            if flags & BIT[name]:
                self.counts[name] += n
        if flags & first:
            self.counts["received"] += n
            if flags & BIT["repeat"]:
                self.counts["repeat"] += n
        if row.satisfaction in self.counts:
            self.counts[row.satisfaction] += n
        sums = {"acknowledge": row.acknowledge, "close": row.close, "dispatch_delay": row.delay}
        sums["immediate_dispatch_delay"] = row.delay
        for name, (_column, over) in TIMES.items():
            if flags & BIT[over] and sums[name] is not None:
                self.seconds[name] += int(sums[name])
                self.samples[name] += row.delays if "dispatch" in name else n
        if flags & BIT["dispatch_immediately"] and row.delay_max is not None:
            self.delay_max = max(self.delay_max or 0, int(row.delay_max))

    def figure(self, key: Any, p90: dict[str, Any], profile: Profile) -> dict[str, Any]:
        """Counts, times in minutes, and the rates."""
        c = self.counts
        found: dict[str, Any] = {"key": key, **c}
        for name in TIMES:
            mean = self.seconds[name] / self.samples[name] if self.samples[name] else None
            found[f"{name}_minutes_avg"] = _minutes(mean)
            if name == "immediate_dispatch_delay":
                found[f"{name}_minutes_max"] = _minutes(self.delay_max)
            else:
                found[f"{name}_minutes_p90"] = _minutes(p90.get(f"{name}_p90"))
        found["closure_rate"] = closure_rate(c["closed"], c["dispatched"], c["returned"])
        found["satisfaction_rate"] = satisfaction_rate({r: c[r] for r in RATINGS}, profile)
        found["repeat_rate"] = _rate(c["repeat"], c["received"])
        found["acknowledged_on_time_rate"] = _rate(c["acknowledged_on_time"], c["acknowledged"])
        found["handled_on_time_rate"] = _rate(c["handled_on_time"], c["handled"])
        return found


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


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
) -> tuple[list[tuple[F, str, bool]], int]:
    """The facts behind one figure (drill-down), with their ticket numbers and whether each
    ticket is confidential, oldest first: `key` narrows to one group of a split selection
    ("" the group without one)."""
    where = [*selection.where(), condition(selection, figure)]
    if selection.by and key is not None:
        column = getattr(F, selection.by)
        where.append(column.is_(None) if key == "" else column == key)
    query: Select[Any] = (
        select(F, Ticket.number, Ticket.confidential)
        .join(Ticket, Ticket.id == F.ticket_id)
        .where(and_(*where))
    )
    total = count_rows(session, query)
    ordered = query.order_by(F.period_at, F.id)
    rows = [
        (fact, number, secret)
        for fact, number, secret in session.execute(paginate(ordered, page, per_page))
    ]
    return rows, total
