"""Scores from the deductions and the ticket facts: a unit's items for a period to date,
the ranking, the summons flags and the yearly cycle total."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline.assessment import facts
from hotline.assessment.facts import Held, day_window
from hotline.models import Unit
from hotline.models.assessment import Deduction, Exclusion
from hotline.policy.assessment import (
    RATE_MEASURES,
    Assessment,
    bonus_points,
    cycle_of,
    item_points,
    period_of,
    rate_points,
)
from hotline.stats.rules import closure_rate
from hotline.statuses import DeductionStatus, ExclusionStatus


@dataclass(frozen=True)
class UnitScore:
    """A unit's score for a period to date: total, rank and each item's figures."""

    unit: str
    total: float
    rank: int
    items: dict[str, Any] = field(default_factory=dict)


# Rule home: 002 第三十条 (在考核节点内办结的工单计入本期考核，
# 未到工作时限且未办结的工单计入下期考核).
def counted_in(scheme: Assessment, fact: Held, start: datetime, end: datetime) -> bool:
    """Whether a ticket counts in a rate over [start, end): under closing_period the period
    of the earlier of its closing and its due time (an open ticket not yet due rolls on);
    under dispatch_period the period it was dispatched in."""
    if scheme.period.counts_in == "dispatch_period":
        return start <= fact.dispatched_at < end
    moments = [m for m in (fact.closed_at, fact.due_at) if m is not None]
    return bool(moments) and start <= min(moments) < end


def assessed_units(session: Session) -> list[str]:
    """Every active handling unit, by code: all are assessed, with or without tickets."""
    return list(session.scalars(select(Unit.code).where(Unit.active.is_(True)).order_by(Unit.code)))


def _excluded_tickets(session: Session, item: str) -> set[tuple[str, int]]:
    query = select(Exclusion.unit_code, Exclusion.ticket_id).where(
        Exclusion.status == ExclusionStatus.ACCEPTED,
        Exclusion.ticket_id.is_not(None),
        (Exclusion.item.is_(None)) | (Exclusion.item == item),
    )
    return {(u, t) for u, t in session.execute(query).tuples() if t is not None}


def rate_counts(
    session: Session, scheme: Assessment, item: str, first: date, day: date
) -> dict[str, tuple[int, int, int]]:
    """(closed, dispatched, returned) per unit for a rate item over [first, day], excluded
    tickets left out."""
    start, _ = day_window(first)
    _, end = day_window(day)
    if scheme.period.counts_in == "dispatch_period":
        candidates = facts.dispatched_in(session, start, end)
    else:
        candidates = facts.closing_or_due_in(session, start, end)
    excluded = _excluded_tickets(session, item)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for fact in candidates:
        if (fact.unit, fact.ticket_id) in excluded or not counted_in(scheme, fact, start, end):
            continue
        counts[fact.unit][1] += 1
        counts[fact.unit][2] += fact.returned
        if fact.closed_at is not None and fact.closed_at < end:
            counts[fact.unit][0] += 1
    return {unit: (c[0], c[1], c[2]) for unit, c in counts.items()}


def _lost(session: Session, first: date, day: date) -> dict[tuple[str, str], tuple[float, int]]:
    query = (
        select(Deduction.unit_code, Deduction.item, func.sum(Deduction.points), func.count())
        .where(
            Deduction.status == DeductionStatus.ACTIVE,
            Deduction.year_end.is_(False),
            Deduction.day >= first,
            Deduction.day <= day,
        )
        .group_by(Deduction.unit_code, Deduction.item)
    )
    return {(u, i): (-float(p or 0), int(n)) for u, i, p, n in session.execute(query).tuples()}


def unit_scores(
    session: Session, scheme: Assessment, day: date, first: date | None = None
) -> list[UnitScore]:
    """Every assessed unit's score for its period up to the end of `day`, ranked."""
    first = first or period_of(scheme, day)[0]
    units = assessed_units(session)
    lost = _lost(session, first, day)
    rates = {
        i.name: rate_counts(session, scheme, i.name, first, day)
        for i in scheme.items
        if i.measure in RATE_MEASURES
    }
    start, _ = day_window(first)
    _, end = day_window(day)
    volume: dict[str, int] = defaultdict(int)
    for fact in facts.closed_in(session, start, end):
        volume[fact.unit] += 1
    average = sum(volume[u] for u in units) / len(units) if units else 0.0
    scores = []
    for unit in units:
        items: dict[str, Any] = {}
        for item in scheme.items:
            if item.name in rates:
                closed, dispatched, returned = rates[item.name].get(unit, (0, 0, 0))
                points = rate_points(item, closure_rate(closed, dispatched, returned))
                items[item.name] = {
                    "points": points, "max": item.points, "closed": closed,
                    "counted": dispatched - returned, "returned": returned,
                }  # fmt: skip
            else:
                points_lost, count = lost.get((unit, item.name), (0.0, 0))
                points = item_points(item, points_lost, count)
                items[item.name] = {"points": points, "max": item.points, "lost": points_lost,
                                    "count": count}  # fmt: skip
        if scheme.bonuses:
            bonus = bonus_points(scheme, volume[unit], average)
            items["bonus"] = {"points": bonus, "closed": volume[unit],
                              "average": round(average, 2)}  # fmt: skip
        total = round(sum(float(v["points"]) for v in items.values()), 2)
        scores.append((unit, total, items))
    return rank(scores)


def rank(scores: list[tuple[str, float, dict[str, Any]]]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4), then by unit code."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    ranked: list[UnitScore] = []
    for index, (unit, total, items) in enumerate(ordered):
        same = ranked and ranked[-1].total == total
        ranked.append(UnitScore(unit, total, ranked[-1].rank if same else index + 1, items))
    return ranked


# Rule home: 004 附件 六(三), 三(三) (对连续三个月考核排名后3位的单位…实施约谈).
def bottom_units(scheme: Assessment, scores: list[UnitScore]) -> set[str]:
    """The units whose rank is among the last `bottom` places (排名后3位)."""
    if scheme.summons is None:
        return set()
    # Ranks, not positions: units tied with a better place are not among the last ones.
    return {s.unit for s in scores if s.rank > len(scores) - scheme.summons.bottom}


def previous_period(scheme: Assessment, first: date) -> tuple[date, date]:
    """The publication period before the one starting on `first`."""
    return period_of(scheme, first - timedelta(days=1))


def summoned(session: Session, scheme: Assessment, day: date) -> list[str]:
    """Units in the last places for `summons.months` periods running, up to `day`'s period."""
    if scheme.summons is None:
        return []
    first, last = period_of(scheme, day)
    flagged: set[str] | None = None
    for _ in range(scheme.summons.months):
        bottom = bottom_units(scheme, unit_scores(session, scheme, min(last, day), first))
        flagged = bottom if flagged is None else flagged & bottom
        first, last = previous_period(scheme, first)
    return sorted(flagged or ())


def cycle_totals(session: Session, scheme: Assessment, day: date) -> list[UnitScore]:
    """The yearly cycle's cumulative score per unit up to `day` (年终按全年累计得分排名): the sum
    of each period's score, less the year-end deductions (missed duty weeks)."""
    cycle_first, _ = cycle_of(scheme, day)
    totals: dict[str, float] = defaultdict(float)
    first = cycle_first
    while first <= day:
        _, last = period_of(scheme, first)
        for score in unit_scores(session, scheme, min(last, day), first):
            totals[score.unit] += score.total
        first = last + timedelta(days=1)
    year_end = select(Deduction.unit_code, func.sum(Deduction.points)).where(
        Deduction.status == DeductionStatus.ACTIVE,
        Deduction.year_end.is_(True),
        Deduction.day >= cycle_first,
        Deduction.day <= day,
    )
    duty: dict[str, float] = {
        u: float(p or 0) for u, p in session.execute(year_end.group_by(Deduction.unit_code))
    }
    return rank(
        [
            (u, round(totals[u] + duty.get(u, 0.0), 2), {"year_end": duty.get(u, 0.0)})
            for u in assessed_units(session)
        ]
    )
