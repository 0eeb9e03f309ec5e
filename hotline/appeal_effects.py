"""What appeals read from and change in the assessment: the one seam between the two parts.

An appeal names a deduction (its unit and day are read here); an accepted appeal voids the
deduction (`hotline.assessment.void_deduction`), or takes the ticket or the unit's day out
of assessment (`hotline.assessment.exclude`) — both re-score the days they touch — and the
bulletins of the periods whose scores changed get a new version
(`hotline.bulletins.scores_changed`). All in the caller's transaction.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import assessment, bulletins
from hotline.actors import Actor
from hotline.errors import Conflict
from hotline.models.appeals import Appeal
from hotline.models.assessment import Deduction
from hotline.policy import Profile
from hotline.policy.assessment import assessment_of, period_of
from hotline.statuses import AppealTarget

MAX_ID = 2**31 - 1  # ids are 32-bit integers


@dataclass(frozen=True)
class DeductionTarget:
    """Whose deduction it is, on which day, and the ticket behind it (if any)."""

    unit: str
    day: date
    ticket_id: int | None


def deduction_target(session: Session, deduction_id: int) -> DeductionTarget | None:
    """The unit, day and ticket of deduction `deduction_id`; None when there is none."""
    row = session.get(Deduction, deduction_id) if 0 < deduction_id <= MAX_ID else None
    return None if row is None else DeductionTarget(row.unit_code, row.day, row.ticket_id)


def unit_score(session: Session, profile: Profile, unit: str, day: date) -> float | None:
    """The unit's score for the publication period `day` falls in (None: not assessed)."""
    ranking = assessment.period_ranking(session, profile, day)
    return next((u.total for u in ranking.units if u.unit == unit), None)


def _touched(session: Session, appeal: Appeal, exclusion_id: int | None) -> list[Deduction]:
    """The deductions the acceptance took back: the voided one, or those the exclusion covers."""
    if exclusion_id is not None:
        query = select(Deduction).where(Deduction.exclusion_id == exclusion_id)
    elif appeal.deduction_id is not None:
        query = select(Deduction).where(Deduction.id == appeal.deduction_id)
    else:
        return []
    return list(session.scalars(query.order_by(Deduction.day, Deduction.id)))


def _take_back(session: Session, profile: Profile, appeal: Appeal, actor: Actor) -> int | None:
    """Void the deduction, or exclude the ticket or the day; the exclusion's id, if one."""
    reason = f"{appeal.kind} {appeal.id} accepted: {appeal.opinion or ''}".strip()
    if appeal.target == AppealTarget.DEDUCTION:
        # Voided meanwhile (another appeal), or gone with its fact (deduction_id emptied):
        # nothing more to take back.
        if appeal.deduction_id is not None:
            with suppress(Conflict):
                assessment.void_deduction(
                    session, profile, actor, appeal.deduction_id, reason, appeal_id=appeal.id
                )
        return None
    scope: dict[str, Any] = (
        {"ticket_id": appeal.ticket_id}
        if appeal.target == AppealTarget.TICKET
        else {"day": appeal.day}
    )
    exclusion = assessment.exclude(
        session, profile, actor, unit=appeal.unit_code, reason=reason, appeal_id=appeal.id, **scope
    )
    return exclusion.id


# Rule home: 004 附件 四(三)1 (不计入考核), 四(四) (不扣分); 000 第十四条(二); 002 第三十二条.
def apply_accepted(
    session: Session, profile: Profile, appeal: Appeal, actor: Actor
) -> dict[str, Any]:
    """Change the assessment as an accepted appeal says: the deduction voided, or the ticket or
    the unit's day out of assessment; re-version the bulletins whose scores changed. Returns
    what changed, for the appeal's history (score before and after, deductions, bulletins)."""
    before = unit_score(session, profile, appeal.unit_code, appeal.day)
    exclusion_id = _take_back(session, profile, appeal, actor)
    touched = _touched(session, appeal, exclusion_id)
    after = unit_score(session, profile, appeal.unit_code, appeal.day)
    scheme = assessment_of(profile)
    days = {appeal.day, *(r.day for r in touched)}
    # Nothing taken back and the score unmoved (a deduction voided meanwhile or gone): no
    # new bulletin version.
    periods = sorted({period_of(scheme, d)[0] for d in days}) if touched or before != after else []
    versions = []
    for first in periods:
        bulletin = bulletins.scores_changed(session, profile, first, by=actor.name)
        if bulletin is not None:
            versions.append({"period": bulletin.period, "version": bulletin.version})
    return {
        "unit": appeal.unit_code,
        "day": appeal.day.isoformat(),
        "voided_deduction": appeal.deduction_id,
        "exclusion_id": exclusion_id,
        "deductions": [{"id": r.id, "day": r.day.isoformat(), "points": r.points,
                        "status": r.status} for r in touched],
        "score_before": before,
        "score_after": after,
        "bulletins": versions,
    }  # fmt: skip
