"""Assessment appeals (申诉) and exemption requests (免责): filing, reading and history.

A unit appeals a deduction, a ticket or a day's data (guangxi 第三十二条: 对每日工单数据、
考核数据有异议的，应及时提出申诉), or asks that a ticket or a day not count for objective
causes or lawful inability (puyang 附件 四(三)1, 四(四); guangyuan 第十四条(二) 甄别).
Filing checks the profile's window (`hotline.policy.appeals.appeal_window`), stores the
appeal and starts `bpmn/assessment_appeal.bpmn`, where the center decides; the decision's
steps are in `hotline.appeal_steps`. Plain functions over a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.appeal_effects import deduction_target
from hotline.calendar import WorkingCalendar, shanghai_day
from hotline.directory import active_unit
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.history import json_safe
from hotline.models import Ticket, UserTask
from hotline.models.appeals import Appeal, AppealEvent
from hotline.paging import count_rows, paginate, where_given
from hotline.policy.appeals import AppealWindow, appeal_window
from hotline.statuses import AppealStatus, AppealTarget, UserTaskState
from hotline.tickets import get_ticket
from hotline.workflows import WorkflowRuntime

APPEAL_PROCESS = "assessment_appeal"
MAX_ID = 2**31 - 1  # ids are 32-bit integers


class WindowClosed(Invalid):
    """The profile's appeal window for the appealed data has closed (超期不再受理)."""

    code = "appeal_window_closed"


@dataclass(frozen=True)
class Target:
    """What is appealed: a deduction, a ticket (by number) or a unit's day; exactly one."""

    deduction_id: int | None = None
    ticket: str | None = None
    unit: str | None = None
    day: date | None = None

    @property
    def field(self) -> str:
        """The request field that names the target (error messages point at it)."""
        if self.deduction_id is not None:
            return "deduction_id"
        return "ticket" if self.ticket is not None else "day"

    @property
    def kind(self) -> AppealTarget:
        """Which of the three it is."""
        if self.deduction_id is not None:
            return AppealTarget.DEDUCTION
        return AppealTarget.TICKET if self.ticket is not None else AppealTarget.DAY


@dataclass(frozen=True)
class Resolved:
    """The target as stored: whose assessment, which day, which deduction or ticket."""

    unit: str
    day: date
    deduction_id: int | None = None
    ticket_id: int | None = None


def record_appeal_event(
    session: Session,
    appeal: Appeal,
    kind: str,
    actor: Actor,
    *,
    task: str | None = None,
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    """Append one event (e.g. `appeal_filed`) to an appeal's history."""
    event = AppealEvent(
        appeal_id=appeal.id,
        at=clock.now(),
        kind=kind,
        actor_id=actor.id,
        actor_name=actor.name,
        task=task,
        data=json_safe(data or {}),
    )
    session.add(event)
    return event


# -- filing -----------------------------------------------------------------------------------


def _own_unit(actor: Actor, unit: str | None, field: str) -> str:
    """The unit appealing: a unit user's own (unless it names another), else the one given."""
    chosen = unit or (actor.unit_code if access.is_unit_user(actor) else None)
    if not chosen:
        raise Invalid("name the unit whose assessment is appealed", fields={field: ["required"]})
    if not access.may_appeal(actor, chosen):
        raise Forbidden(f"you may appeal only your own unit's assessment, not {chosen}'s")
    return chosen


def _ticket_day(ticket: Ticket) -> date:
    """The day a ticket counts on: the day it closed, else today (it counts when it closes)."""
    return shanghai_day(ticket.closed_at or clock.now())


def resolve_target(session: Session, actor: Actor, target: Target) -> Resolved:
    """Whose assessment and which day the target is, checked against what the actor may appeal.

    Forbidden when the actor may not appeal that unit; Invalid (naming the field) when the
    deduction, ticket, unit or day does not exist or lies ahead.
    """
    if target.deduction_id is not None:
        found = deduction_target(session, target.deduction_id)
        if found is None:
            message = f"deduction {target.deduction_id} does not exist"
            raise Invalid(message, fields={"deduction_id": [message]})
        unit = _own_unit(actor, found.unit, "deduction_id")
        return Resolved(unit, found.day, target.deduction_id, found.ticket_id)
    if target.ticket is not None:
        ticket = get_ticket(session, actor, target.ticket)  # NotFound unless visible
        # A unit appeals for itself (a joint ticket's assisting unit too); the center names
        # the unit, or means the one holding the ticket.
        fallback = None if access.is_unit_user(actor) else ticket.current_unit
        unit = _own_unit(actor, target.unit or fallback, "unit")
        return Resolved(unit, _ticket_day(ticket), ticket_id=ticket.id)
    assert target.day is not None  # the schema asks for exactly one target
    if target.day > shanghai_day(clock.now()):
        message = f"{target.day.isoformat()} has not come yet"
        raise Invalid(message, fields={"day": [message]})
    return Resolved(_own_unit(actor, target.unit, "unit"), target.day)


def window_refusal(window: AppealWindow, day: date) -> str | None:
    """Why an appeal about `day` is refused now, citing the article; None while it is open."""
    if clock.now() < window.closes_at:
        return None
    closed = window.closes_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
    default = " (a default, not from the regulation)" if window.default else ""
    return (
        f"the appeal window for {day.isoformat()} (cycle {window.cycle_start.isoformat()} – "
        f"{window.cycle_end.isoformat()}) closed at {closed}{default}: {window.source}"
    )


def _open_twin(session: Session, kind: str, target: str, found: Resolved) -> Appeal | None:
    """An appeal of the same kind about the same target still under review."""
    query = select(Appeal).where(
        Appeal.kind == kind,
        Appeal.target == target,
        Appeal.unit_code == found.unit,
        Appeal.status == AppealStatus.FILED,
        Appeal.deduction_id.is_not_distinct_from(found.deduction_id),
        Appeal.ticket_id.is_not_distinct_from(found.ticket_id),
    )
    if target == AppealTarget.DAY:
        query = query.where(Appeal.day == found.day)
    return session.scalars(query.limit(1)).first()


def file_appeal(
    session: Session,
    runtime: WorkflowRuntime,
    actor: Actor,
    *,
    kind: str,
    target: Target,
    reason: str,
    evidence: list[str],
) -> Appeal:
    """File an appeal or exemption request and start its review; one transaction.

    Refused with WindowClosed (422, citing the profile's article) once the window of the
    appealed day has closed, and with Conflict while the same request is still under review.
    """
    found = resolve_target(session, actor, target)
    if active_unit(session, found.unit) is None:
        message = f"unit {found.unit!r} does not exist or is inactive"
        raise Invalid(message, fields={"unit": [message]})
    window = appeal_window(runtime.profile, WorkingCalendar.load(session), found.day)
    refusal = window_refusal(window, found.day)
    if refusal:
        raise WindowClosed(refusal, fields={target.field: [refusal]})
    twin = _open_twin(session, kind, target.kind, found)
    if twin is not None:
        raise Conflict(f"{kind} {twin.id} about the same {target.field} is still under review")
    now = clock.now()
    appeal = Appeal(
        kind=kind,
        status=AppealStatus.FILED,
        target=target.kind,
        unit_code=found.unit,
        deduction_id=found.deduction_id,
        ticket_id=found.ticket_id,
        day=found.day,
        reason=reason,
        evidence=list(evidence),
        window_closes_at=window.closes_at,
        filed_by=actor.id,
        filed_at=now,
    )
    session.add(appeal)
    session.flush()
    record_appeal_event(
        session,
        appeal,
        "appeal_filed",
        actor,
        data={
            "kind": kind,
            "target": target.kind,
            "unit": found.unit,
            "deduction_id": found.deduction_id,
            "ticket_id": found.ticket_id,
            "day": found.day,
            "reason": reason,
            "evidence": list(evidence),
            "window_closes_at": window.closes_at,
            "window_source": window.source,
        },
    )
    variables = {"appeal_id": appeal.id, "unit": found.unit, "kind": kind}
    instance = runtime.start(session, APPEAL_PROCESS, actor=actor, variables=variables)
    appeal.instance_id = instance.id
    session.flush()
    return appeal


# -- reading ----------------------------------------------------------------------------------


def visible_appeals(actor: Actor) -> Select[tuple[Appeal]]:
    """Appeals the actor may read (`access.appeal_scope`); Forbidden for other roles."""
    return select(Appeal).where(access.appeal_scope(actor))


def list_appeals(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Appeal], int]:
    """A page of visible appeals, newest first, and the total count."""
    if not access.may_filter_unit(actor, unit):
        raise Forbidden("a unit sees only its own appeals")
    query = where_given(
        visible_appeals(actor),
        (Appeal.unit_code, unit),
        (Appeal.kind, kind),
        (Appeal.status, status),
    )
    total = count_rows(session, query)
    ordered = query.order_by(Appeal.filed_at.desc(), Appeal.id.desc())
    return list(session.scalars(paginate(ordered, page, per_page))), total


def get_appeal(session: Session, actor: Actor, appeal_id: int) -> Appeal:
    """One visible appeal; NotFound when it does not exist or is another unit's."""
    query = visible_appeals(actor).where(Appeal.id == appeal_id)
    row = session.scalars(query).first() if 0 < appeal_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"appeal {appeal_id} not found")
    return row


def appeal_history(session: Session, appeal: Appeal) -> list[AppealEvent]:
    """Every step of the appeal, oldest first."""
    query = select(AppealEvent).where(AppealEvent.appeal_id == appeal.id)
    return list(session.scalars(query.order_by(AppealEvent.id)))


def open_task(session: Session, appeal: Appeal) -> UserTask | None:
    """The appeal's ready task (the center's review, then the unit's acknowledgement)."""
    if appeal.instance_id is None:
        return None
    return session.scalars(
        select(UserTask)
        .where(UserTask.instance_id == appeal.instance_id, UserTask.state == UserTaskState.READY)
        .order_by(UserTask.created_at)
        .limit(1)
    ).first()


def ticket_number(session: Session, appeal: Appeal) -> str | None:
    """The number of the appealed ticket, if the appeal names one."""
    if appeal.ticket_id is None:
        return None
    return session.scalar(select(Ticket.number).where(Ticket.id == appeal.ticket_id))
