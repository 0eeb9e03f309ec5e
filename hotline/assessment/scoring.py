"""Daily scoring (日考核): the day's deductions derived from the history, then every unit's
score for its period to date. Re-running a day gives the same rows: a deduction an appeal
voided stays voided, one whose fact is gone is dropped, new facts add theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.assessment import facts, summary
from hotline.assessment.facts import Counted
from hotline.models.assessment import DayScore, Deduction, Exclusion
from hotline.policy.assessment import (
    Assessment,
    Item,
    assessment_of,
    finding_counts,
    period_of,
)
from hotline.statuses import DeductionStatus, ExclusionStatus

Finder = Callable[[Session, date, date], list[Counted]]
# What each deduction measure counts on a day (closure_rate is a rate: no rows).
FINDERS: dict[str, Finder] = {
    "policy_days_late": lambda s, d, _p: facts.policy_days_late(s, d),
    "overdue_questions": lambda s, d, _p: facts.overdue_questions(s, d),
    "failed_call_tests": lambda s, d, _p: facts.failed_call_tests(s, d),
    "overdue_tickets": facts.overdue_tickets,
    "late_acknowledgements": facts.late_acknowledgements,
    "callback_findings": lambda s, d, _p: facts.callback_findings(s, d),
    "unsatisfied_callbacks": lambda s, d, _p: facts.unsatisfied_callbacks(s, d),
}


# Rule home: 004 附件 四(三)3 (保密电话除外), 四(四) (同一事项连续不满意最多扣3分).
def costing_points(session: Session, item: Item, day: date, found: list[Counted]) -> list[Counted]:
    """The counted things that cost points under the item's own limits: no finding the
    confidential exception covers, at most `max_per_ticket` deductions for one ticket."""
    if item.measure == "callback_findings":
        # 保密电话除外 (004 附件 四(三)3): see finding_counts.
        found = [c for c in found if finding_counts(item, c.finding or "", c.confidential)]
    if item.max_per_ticket is not None:
        # 同一事项连续不满意最多扣3分 (004 附件 四(四)): earlier days' rows count first.
        kept: list[Counted] = []
        for c in found:
            earlier = session.scalars(
                select(Deduction.id).where(
                    Deduction.unit_code == c.unit,
                    Deduction.item == item.name,
                    Deduction.ticket_id == c.ticket_id,
                    Deduction.day != day,
                )
            ).all()
            same_day = sum(1 for k in kept if k.ticket_id == c.ticket_id)
            if len(earlier) + same_day < item.max_per_ticket:
                kept.append(c)
        found = kept
    return found


def _store(session: Session, scheme: Assessment, item: Item, day: date, found: list[Counted]):
    existing = {
        (d.unit_code, d.key): d
        for d in session.scalars(
            select(Deduction).where(Deduction.item == item.name, Deduction.day == day)
        )
    }
    seen: set[tuple[str, str]] = set()
    now = clock.now()
    for c in found:
        seen.add((c.unit, c.key))
        row = existing.get((c.unit, c.key))
        if row is not None:
            row.points, row.reason = -item.per * c.amount, c.reason
            continue
        elsewhere = session.scalar(
            select(Deduction.id).where(
                Deduction.unit_code == c.unit, Deduction.item == item.name, Deduction.key == c.key
            )
        )
        if elsewhere is not None:
            continue  # already deducted on another day (once per ticket and period)
        session.add(
            Deduction(
                unit_code=c.unit, day=day, item=item.name, article=item.origin.source,
                points=-item.per * c.amount, year_end=False, ticket_id=c.ticket_id,
                record_kind=c.record_kind, record_id=c.record_id, key=c.key, reason=c.reason,
                status=DeductionStatus.ACTIVE, created_at=now,
            )
        )  # fmt: skip
    for row in existing.values():
        if (row.unit_code, row.key) not in seen and row.status != DeductionStatus.VOIDED:
            session.delete(row)  # its fact is gone; a voided one keeps its appeal's trace


# Rule home: 004 附件 四(三)1 (书面说明，不计入考核), 四(四) (审核…不扣分); 002 第三十二条.
def matching_exclusion(session: Session, row: Deduction) -> Exclusion | None:
    """The accepted exclusion that takes `row` out of assessment, if any."""
    query = select(Exclusion).where(
        Exclusion.unit_code == row.unit_code, Exclusion.status == ExclusionStatus.ACCEPTED
    )
    for exclusion in session.scalars(query.order_by(Exclusion.id)):
        if exclusion.item not in (None, row.item):
            continue
        if exclusion.ticket_id is not None and exclusion.ticket_id == row.ticket_id:
            return exclusion
        if exclusion.day is not None and exclusion.day == row.day:
            return exclusion
    return None


def apply_exclusions(session: Session, rows: list[Deduction]) -> None:
    """Mark each row excluded (or active again) as the accepted exclusions say."""
    for row in rows:
        if row.status == DeductionStatus.VOIDED:
            continue
        exclusion = matching_exclusion(session, row)
        if exclusion is not None and row.exclusion_id != exclusion.id:
            row.status, row.exclusion_id = DeductionStatus.EXCLUDED, exclusion.id
            row.status_reason, row.status_by = exclusion.reason, exclusion.decided_by
            row.status_at, row.appeal_id = exclusion.decided_at, exclusion.appeal_id
        elif exclusion is None and row.status == DeductionStatus.EXCLUDED:
            row.status, row.exclusion_id = DeductionStatus.ACTIVE, None


def score_day(session: Session, profile: object, day: date) -> list[DayScore]:
    """Score `day` (Shanghai) under the profile's scheme: derive its deductions, then store
    every unit's score for the period to date. Idempotent; returns the day's scores."""
    scheme = assessment_of(profile)
    if not scheme.items:
        return []
    period_start, _end = period_of(scheme, day)
    for item in scheme.items:
        finder = FINDERS.get(item.measure)
        if finder is not None:
            found = finder(session, day, period_start)
            _store(session, scheme, item, day, costing_points(session, item, day, found))
    session.flush()
    apply_exclusions(session, list(session.scalars(select(Deduction).where(Deduction.day == day))))
    session.flush()
    return write_scores(session, scheme, day)


def write_scores(session: Session, scheme: Assessment, day: date) -> list[DayScore]:
    """Store every unit's score as of the end of `day` (replacing that day's)."""
    session.execute(delete(DayScore).where(DayScore.day == day))
    period_start, _end = period_of(scheme, day)
    now = clock.now()
    rows = [
        DayScore(
            unit_code=s.unit,
            day=day,
            period_start=period_start,
            total=s.total,
            rank=s.rank,
            items=s.items,
            scored_at=now,
        )
        for s in summary.unit_scores(session, scheme, day)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def last_scored_day(session: Session) -> date | None:
    """The latest day scored so far, if any."""
    return session.scalar(select(DayScore.day).order_by(DayScore.day.desc()).limit(1))


def rescore(session: Session, profile: object, day: date) -> None:
    """After a late record, a void or an exclusion touching `day`: score that day again if it
    was scored, and refresh the later scored days of its period."""
    scheme = assessment_of(profile)
    last = last_scored_day(session)
    if not scheme.items or last is None or day > last:
        return
    score_day(session, profile, day)
    _start, end = period_of(scheme, day)
    later = session.scalars(
        select(DayScore.day).where(DayScore.day > day, DayScore.day <= end).distinct()
    ).all()
    for scored in sorted(set(later)):
        write_scores(session, scheme, scored)
