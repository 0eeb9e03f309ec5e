"""A period's ranking as bulletins print it: per-unit scores, itemised deductions, summons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import access
from hotline.actors import Actor
from hotline.assessment.summary import cycle_totals, summoned, unit_scores
from hotline.models import Ticket, Unit
from hotline.models.assessment import DayScore, Deduction
from hotline.paging import count_rows, paginate, where_given
from hotline.policy.assessment import assessment_of, period_of


@dataclass(frozen=True)
class DeductionLine:
    """One deduction as a unit reads it: day, item, article, points, ticket, why, status."""

    id: int
    day: date
    item: str
    article: str
    points: float
    ticket_number: str | None
    record_kind: str | None
    record_id: int | None
    reason: str
    status: str
    status_reason: str | None
    appeal_id: int | None


@dataclass(frozen=True)
class RankedUnit:
    """A unit's place in the period: rank, total, item figures and its deductions."""

    unit: str
    name: str
    rank: int
    total: float
    items: dict[str, Any]
    deductions: tuple[DeductionLine, ...]
    summoned: bool


@dataclass(frozen=True)
class Ranking:
    """A publication period's ranking (月通报 / 季度通报), computed as of `as_of`."""

    first: date
    last: date
    as_of: date
    full_marks: float
    units: tuple[RankedUnit, ...]


def _lines(session: Session, unit: str, first: date, last: date) -> tuple[DeductionLine, ...]:
    query = (
        select(Deduction, Ticket.number)
        .outerjoin(Ticket, Ticket.id == Deduction.ticket_id)
        .where(Deduction.unit_code == unit, Deduction.day >= first, Deduction.day <= last)
        .order_by(Deduction.day, Deduction.id)
    )
    return tuple(
        DeductionLine(
            d.id,
            d.day,
            d.item,
            d.article,
            d.points,
            number,
            d.record_kind,
            d.record_id,
            d.reason,
            d.status,
            d.status_reason,
            d.appeal_id,
        )
        for d, number in session.execute(query).tuples()
    )


def period_ranking(
    session: Session, profile: object, day: date, *, as_of: date | None = None
) -> Ranking:
    """The ranking of the publication period `day` falls in (a month, or a quarter), as of
    `as_of` (default: the period's last day): every unit's score, its itemised deductions
    (voided and excluded ones too, marked) and whether it is flagged for a summons (约谈).
    Scores come from the deductions the daily scoring stored."""
    scheme = assessment_of(profile)
    first, last = period_of(scheme, day)
    until = min(as_of or last, last)
    names = dict(session.execute(select(Unit.code, Unit.name)).tuples().all())
    flagged = set(summoned(session, scheme, until))
    units = tuple(
        RankedUnit(
            s.unit,
            names.get(s.unit, s.unit),
            s.rank,
            s.total,
            s.items,
            _lines(session, s.unit, first, until),
            s.unit in flagged,
        )
        for s in unit_scores(session, scheme, until, first)
    )
    return Ranking(first, last, until, scheme.full_marks, units)


def cycle_ranking(session: Session, profile: object, day: date) -> list[tuple[str, int, float]]:
    """The yearly cycle's ranking up to `day`: (unit, rank, cumulative total) — the sum of
    the periods' scores less the year-end deductions (004 附件 六(二), 五)."""
    return [(s.unit, s.rank, s.total) for s in cycle_totals(session, assessment_of(profile), day)]


def ranking_for(ranking: Ranking, actor: Actor) -> Ranking:
    """The ranking as `actor` may read it: a unit sees its own row only."""
    unit = access.figures_unit(actor, None)
    if unit is None:
        return ranking
    mine = tuple(u for u in ranking.units if u.unit == unit)
    return Ranking(ranking.first, ranking.last, ranking.as_of, ranking.full_marks, mine)


def list_day_scores(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    day: date | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[Sequence[DayScore], int]:
    """Stored daily scores, newest day first, best rank first; a unit sees its own."""
    query = where_given(
        select(DayScore),
        (DayScore.unit_code, access.figures_unit(actor, unit)),
        (DayScore.day, day),
    )
    total = count_rows(session, query)
    order = (DayScore.day.desc(), DayScore.rank, DayScore.unit_code)
    return session.scalars(paginate(query.order_by(*order), page, per_page)).all(), total
