"""Deductions and exclusions: what an accepted appeal or explanation changes.

`void_deduction` / `restore_deduction` take one deduction back or reinstate it;
`exclude` takes a ticket or a unit's day out of assessment (an accepted exemption or
written explanation); `file_explanation` + `decide_exclusion` are the unit's written
explanation and the center's decision. Each records why, by whom and by which appeal, and
re-scores the days it touches in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.assessment.scoring import apply_exclusions, rescore
from hotline.calendar import shanghai_day
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.models import Ticket
from hotline.models.assessment import Deduction, Exclusion
from hotline.paging import count_rows, paginate, where_given
from hotline.statuses import DeductionStatus, ExclusionStatus
from hotline.tickets import get_ticket


def get_deduction(session: Session, deduction_id: int) -> Deduction:
    """A deduction by id, or NotFound."""
    row = session.get(Deduction, deduction_id)
    if row is None:
        raise NotFound(f"deduction {deduction_id} not found")
    return row


def void_deduction(
    session: Session,
    profile: object,
    actor: Actor,
    deduction_id: int,
    reason: str,
    *,
    appeal_id: int | None = None,
) -> Deduction:
    """An accepted appeal takes the deduction back: it stays listed, voided, with why and
    which appeal; the unit's scores from its day on are recomputed."""
    row = get_deduction(session, deduction_id)
    if row.status == DeductionStatus.VOIDED:
        raise Conflict(f"deduction {deduction_id} is already voided")
    row.status, row.status_reason, row.appeal_id = DeductionStatus.VOIDED, reason, appeal_id
    row.status_by, row.status_at, row.exclusion_id = actor.name, clock.now(), None
    session.flush()
    rescore(session, profile, row.day)
    return row


def restore_deduction(
    session: Session,
    profile: object,
    actor: Actor,
    deduction_id: int,
    reason: str,
    *,
    appeal_id: int | None = None,
) -> Deduction:
    """Reinstate a voided deduction (an appeal decision reversed), with why and which appeal."""
    row = get_deduction(session, deduction_id)
    if row.status != DeductionStatus.VOIDED:
        raise Conflict(f"deduction {deduction_id} is not voided")
    row.status, row.status_reason, row.appeal_id = DeductionStatus.ACTIVE, reason, appeal_id
    row.status_by, row.status_at = actor.name, clock.now()
    apply_exclusions(session, [row])  # an exclusion accepted meanwhile still applies
    session.flush()
    rescore(session, profile, row.day)
    return row


def _check_scope(ticket_id: int | None, day: date | None) -> None:
    if (ticket_id is None) == (day is None):
        raise Invalid("give a ticket or a day", {"ticket": ["give exactly one of ticket, day"]})


def _apply(session: Session, profile: object, exclusion: Exclusion) -> None:
    """Mark the deductions the exclusion covers and re-score their days."""
    query = select(Deduction).where(Deduction.unit_code == exclusion.unit_code)
    if exclusion.ticket_id is not None:
        query = query.where(Deduction.ticket_id == exclusion.ticket_id)
    else:
        query = query.where(Deduction.day == exclusion.day)
    rows = list(session.scalars(query))
    apply_exclusions(session, rows)
    session.flush()
    days = {r.day for r in rows} | ({exclusion.day} if exclusion.day else set())
    for day in sorted(days):
        rescore(session, profile, day)
    if not days and exclusion.ticket_id is not None:
        # A ticket with no deduction may still weigh on a rate: refresh from its dispatch.
        ticket = session.get(Ticket, exclusion.ticket_id)
        if ticket is not None and ticket.dispatched_at is not None:
            rescore(session, profile, shanghai_day(ticket.dispatched_at))


def exclude(
    session: Session,
    profile: object,
    actor: Actor,
    *,
    unit: str,
    reason: str,
    ticket_id: int | None = None,
    day: date | None = None,
    item: str | None = None,
    appeal_id: int | None = None,
) -> Exclusion:
    """Take a ticket (or a unit's day) out of assessment for every item or for `item`, as an
    accepted exemption or explanation decided by `actor` (e.g. by appeal `appeal_id`)."""
    _check_scope(ticket_id, day)
    now = clock.now()
    exclusion = Exclusion(
        unit_code=unit, ticket_id=ticket_id, day=day, item=item, reason=reason,
        status=ExclusionStatus.ACCEPTED, appeal_id=appeal_id, filed_by=actor.name,
        filed_at=now, decided_by=actor.name, decided_at=now,
    )  # fmt: skip
    session.add(exclusion)
    session.flush()
    _apply(session, profile, exclusion)
    return exclusion


def file_explanation(
    session: Session,
    actor: Actor,
    *,
    unit: str,
    reason: str,
    number: str | None = None,
    day: date | None = None,
    item: str | None = None,
) -> Exclusion:
    """A unit's written explanation (书面说明) asking that a ticket or a day not count; it
    applies once the center accepts it (`decide_exclusion`)."""
    if not access.may_appeal(actor, unit):
        raise Forbidden("a unit explains only its own tickets")
    ticket_id = get_ticket(session, actor, number).id if number else None
    _check_scope(ticket_id, day)
    exclusion = Exclusion(
        unit_code=unit, ticket_id=ticket_id, day=day, item=item, reason=reason,
        status=ExclusionStatus.FILED, filed_by=actor.name, filed_at=clock.now(),
    )  # fmt: skip
    session.add(exclusion)
    session.flush()
    return exclusion


def decide_exclusion(
    session: Session,
    profile: object,
    actor: Actor,
    exclusion_id: int,
    *,
    accepted: bool,
    note: str | None = None,
    appeal_id: int | None = None,
) -> Exclusion:
    """The center accepts (the ticket or day stops counting) or rejects a filed explanation."""
    if not access.may_assess(actor):
        raise Forbidden("only the center decides explanations")
    exclusion = session.get(Exclusion, exclusion_id)
    if exclusion is None:
        raise NotFound(f"exclusion {exclusion_id} not found")
    if exclusion.status != ExclusionStatus.FILED:
        raise Conflict(f"exclusion {exclusion_id} is already {exclusion.status}")
    exclusion.status = ExclusionStatus.ACCEPTED if accepted else ExclusionStatus.REJECTED
    exclusion.decided_by, exclusion.decided_at = actor.name, clock.now()
    exclusion.decision_note, exclusion.appeal_id = note, appeal_id
    session.flush()
    if accepted:
        _apply(session, profile, exclusion)
    return exclusion


def list_deductions(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    item: str | None = None,
    status: str | None = None,
    day_from: date | None = None,
    day_to: date | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[Sequence[tuple[Deduction, str | None]], int]:
    """Deductions with their ticket numbers, newest day first; a unit sees its own."""
    query = where_given(
        select(Deduction, Ticket.number).outerjoin(Ticket, Ticket.id == Deduction.ticket_id),
        (Deduction.unit_code, access.figures_unit(actor, unit)),
        (Deduction.item, item),
        (Deduction.status, status),
    )
    if day_from is not None:
        query = query.where(Deduction.day >= day_from)
    if day_to is not None:
        query = query.where(Deduction.day <= day_to)
    total = count_rows(session, query)
    order = (Deduction.day.desc(), Deduction.id.desc())
    return session.execute(paginate(query.order_by(*order), page, per_page)).tuples().all(), total


def list_exclusions(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[Sequence[tuple[Exclusion, str | None]], int]:
    """Explanations and exclusions with their ticket numbers, newest first."""
    query = where_given(
        select(Exclusion, Ticket.number).outerjoin(Ticket, Ticket.id == Exclusion.ticket_id),
        (Exclusion.unit_code, access.figures_unit(actor, unit)),
        (Exclusion.status, status),
    )
    total = count_rows(session, query)
    order = (Exclusion.filed_at.desc(), Exclusion.id.desc())
    return session.execute(paginate(query.order_by(*order), page, per_page)).tuples().all(), total
