"""What scoring needs that the ticket history does not hold, recorded by the center: call
tests (拨测), callback verification findings (回访核实) and on-site duty weeks (现场接听).

Each record made for a day already scored re-scores that day in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.assessment.scoring import rescore
from hotline.calendar import shanghai_day
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.models import Ticket, Unit
from hotline.models.assessment import CallbackCheck, CallTest, Deduction, DutyWeek
from hotline.paging import count_rows, paginate, where_given
from hotline.policy.assessment import assessment_of
from hotline.statuses import DeductionStatus, DutyStatus
from hotline.tickets import get_ticket


def _assessor(actor: Actor) -> None:
    if not access.may_assess(actor):
        raise Forbidden("only the center records assessment facts")


def _unit(session: Session, code: str) -> Unit:
    unit = session.get(Unit, code)
    if unit is None:
        raise Invalid(f"unknown unit {code!r}", {"unit": ["unknown unit"]})
    return unit


def _not_ahead(moment: datetime, name: str) -> None:
    if moment > clock.now():
        raise Invalid(f"{name} is in the future", {name: ["must not be in the future"]})


def _stamp(actor: Actor) -> dict[str, Any]:
    return {"actor_id": actor.id, "actor_name": actor.name, "created_at": clock.now()}


def record_call_test(
    session: Session,
    profile: object,
    actor: Actor,
    *,
    unit: str,
    answered: bool,
    tested_at: datetime | None = None,
    attempts: int = 3,
    phone: str | None = None,
    note: str | None = None,
) -> CallTest:
    """Record a call test of a unit's phone (拨测; 004 附件 四(二): 间隔拨打3次, 无人接听 is a
    failed test)."""
    _assessor(actor)
    _unit(session, unit)
    when = tested_at or clock.now()
    _not_ahead(when, "tested_at")
    row = CallTest(
        unit_code=unit, tested_at=when, answered=answered, attempts=attempts, phone=phone,
        note=note, **_stamp(actor),
    )  # fmt: skip
    session.add(row)
    session.flush()
    rescore(session, profile, shanghai_day(when))
    return row


def record_callback_finding(
    session: Session,
    profile: object,
    actor: Actor,
    *,
    number: str,
    finding: str,
    unit: str | None = None,
    found_at: datetime | None = None,
    note: str | None = None,
) -> CallbackCheck:
    """Record what a callback verification found about a ticket: fake, not done or not
    reported back (004 附件 四(三)3); against its handling unit unless `unit` says otherwise."""
    _assessor(actor)
    ticket = get_ticket(session, actor, number)
    code = unit or ticket.current_unit
    if code is None:
        raise Invalid(f"ticket {number} has no handling unit", {"unit": ["name the unit"]})
    _unit(session, code)
    when = found_at or clock.now()
    _not_ahead(when, "found_at")
    row = CallbackCheck(
        ticket_id=ticket.id, unit_code=code, finding=finding, found_at=when, note=note,
        **_stamp(actor),
    )  # fmt: skip
    session.add(row)
    session.flush()
    rescore(session, profile, shanghai_day(when))
    return row


# Rule home: 004 附件 五 (无故不到现场单位，年终考核时从总分中减去10分).
def record_duty_week(
    session: Session,
    profile: object,
    actor: Actor,
    *,
    unit: str,
    week_start: date,
    status: str,
    note: str | None = None,
) -> DutyWeek:
    """Record a unit's on-site duty week (the Monday it starts): attended, missed or excused.
    A missed week costs the scheme's duty points at year end (004 附件 五)."""
    _assessor(actor)
    _unit(session, unit)
    if week_start.weekday() != 0:
        raise Invalid("a duty week starts on a Monday", {"week_start": ["must be a Monday"]})
    if week_start > shanghai_day(clock.now()):
        raise Invalid("the week has not begun", {"week_start": ["must not be in the future"]})
    exists = session.scalar(
        select(DutyWeek.id).where(DutyWeek.unit_code == unit, DutyWeek.week_start == week_start)
    )
    if exists is not None:
        raise Conflict(f"{unit}'s duty week of {week_start} is already recorded")
    row = DutyWeek(unit_code=unit, week_start=week_start, status=status, note=note, **_stamp(actor))
    session.add(row)
    session.flush()
    duty = assessment_of(profile).duty
    if status == DutyStatus.MISSED and duty is not None:
        session.add(
            Deduction(
                unit_code=unit, day=week_start, item="duty", article=duty.origin.source,
                points=-duty.points, year_end=True, record_kind="duty_week", record_id=row.id,
                key=f"duty_week:{row.id}", reason=f"missed the on-site duty week of {week_start}",
                status=DeductionStatus.ACTIVE, created_at=clock.now(),
            )
        )  # fmt: skip
    return row


def _listed(
    session: Session, query: Any, order: Any, page: int, per_page: int
) -> tuple[Sequence[Any], int]:
    total = count_rows(session, query)
    return session.scalars(paginate(query.order_by(*order), page, per_page)).all(), total


def list_call_tests(
    session: Session, actor: Actor, *, unit: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[Sequence[CallTest], int]:
    """Call tests, newest first; a unit sees its own."""
    query = where_given(select(CallTest), (CallTest.unit_code, access.figures_unit(actor, unit)))
    return _listed(session, query, (CallTest.tested_at.desc(), CallTest.id.desc()), page, per_page)


def list_callback_findings(
    session: Session, actor: Actor, *, unit: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[Sequence[tuple[CallbackCheck, str]], int]:
    """Callback findings with their ticket numbers, newest first; a unit sees its own."""
    query = where_given(
        select(CallbackCheck, Ticket.number).join(Ticket, Ticket.id == CallbackCheck.ticket_id),
        (CallbackCheck.unit_code, access.figures_unit(actor, unit)),
    )
    total = count_rows(session, query)
    order = (CallbackCheck.found_at.desc(), CallbackCheck.id.desc())
    rows = session.execute(paginate(query.order_by(*order), page, per_page)).tuples().all()
    return rows, total


def list_duty_weeks(
    session: Session, actor: Actor, *, unit: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[Sequence[DutyWeek], int]:
    """Duty weeks, newest first; a unit sees its own."""
    query = where_given(select(DutyWeek), (DutyWeek.unit_code, access.figures_unit(actor, unit)))
    return _listed(session, query, (DutyWeek.week_start.desc(), DutyWeek.id.desc()), page, per_page)


def get_record(session: Session, kind: type[Any], record_id: int) -> Any:
    """A record by id, or NotFound."""
    row = session.get(kind, record_id)
    if row is None:
        raise NotFound(f"{kind.__name__} {record_id} not found")
    return row


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())
