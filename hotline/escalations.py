"""Escalations (督办): the rungs a ticket reached, against which unit, and who may see them.

The `supervision` process (bpmn/supervision.bpmn) records each rung through `record`; a
supervisor's request and a profile trigger both go through `request`, which starts that
process or messages the running one. Each unit a ticket waits on climbs its own ladder (one
supervision instance per ticket and unit): on a joint ticket the lead and every late
assisting unit are urged and climb separately. Plain functions over a session.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.errors import Conflict, Forbidden, Invalid
from hotline.instances import instances_of, lock_ticket
from hotline.models import Escalation, ProcessInstance, Ticket, UserTask
from hotline.paging import count_rows, paginate, where_given
from hotline.policy.escalation import FINAL_LEVEL, LEVELS, next_level
from hotline.statuses import OPEN_STATUSES, UserTaskState
from hotline.tickets import get_ticket
from hotline.workflows import WorkflowRuntime

__all__ = ["FINAL_LEVEL", "LEVELS", "next_level"]

SUPERVISION_PROCESS = "supervision"
ANY_UNIT: Any = object()  # `unit=ANY_UNIT`: every unit's ladder of the ticket


def rank(level: str | None) -> int:
    """Position on the ladder; -1 for none."""
    return LEVELS.index(level) if level in LEVELS else -1


def is_open(ticket: Ticket) -> bool:
    """Whether the ticket is still being worked on (not closed, declined, merged ...)."""
    return ticket.closed_at is None and ticket.status in OPEN_STATUSES


def _of_unit(query: Any, unit: Any) -> Any:
    if unit is ANY_UNIT:
        return query
    if unit is None:  # against the center (dispatch overdue)
        return query.where(Escalation.unit_code.is_(None))
    return query.where(Escalation.unit_code == unit)


def open_escalation(session: Session, ticket_id: int, unit: Any = ANY_UNIT) -> Escalation | None:
    """The escalation now in force against `unit` (the latest open one), if any."""
    query = select(Escalation).where(Escalation.ticket_id == ticket_id, Escalation.open.is_(True))
    return session.scalars(_of_unit(query, unit).order_by(Escalation.id.desc()).limit(1)).first()


def ladder_unit(instance: ProcessInstance) -> str | None:
    """The unit a supervision instance climbs against: the `unit` it was started with."""
    # The start variables live in the root task's data of the saved state; they never
    # change (a request for another unit goes to that unit's own instance).
    try:
        state = json.loads(instance.state)
        return state["tasks"][state["root"]]["data"].get("unit")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def highest_open_level(session: Session, ticket_id: int) -> str | None:
    """The highest rung in force against any unit of the ticket."""
    levels = session.scalars(
        select(Escalation.level).where(Escalation.ticket_id == ticket_id, Escalation.open.is_(True))
    )
    return max(levels, key=rank, default=None)


def record(
    session: Session,
    ticket: Ticket,
    *,
    level: str,
    unit: str | None,
    reason: str,
    trigger: str,
    actor: Actor,
) -> Escalation:
    """Record a rung against `unit`; it supersedes that unit's earlier open rung."""
    if level not in LEVELS:
        raise ValueError(f"unknown escalation level {level!r}")
    resolve_open(session, ticket.id, f"superseded by {level}", unit=unit)
    escalation = Escalation(
        ticket_id=ticket.id,
        unit_code=unit,
        level=level,
        reason=reason,
        trigger=trigger,
        actor_id=actor.id,
        actor_name=actor.name,
        open=True,
        created_at=clock.now(),
    )
    session.add(escalation)
    session.flush()
    # The ticket shows the highest rung in force: another unit's lower rung never lowers it.
    ticket.escalation_level = highest_open_level(session, ticket.id)
    return escalation


def resolve_open(
    session: Session, ticket_id: int, resolution: str, *, unit: Any = ANY_UNIT
) -> list[Escalation]:
    """Close the ticket's open escalations (against `unit` only, if given); returns them."""
    query = select(Escalation).where(Escalation.ticket_id == ticket_id, Escalation.open.is_(True))
    rows = list(session.scalars(_of_unit(query, unit)))
    now = clock.now()
    for row in rows:
        row.open, row.resolved_at, row.resolution = False, now, resolution
    if rows:
        # One unit's rung ending may lower the ticket's level to another unit's (or none).
        session.flush()
        ticket = session.get(Ticket, ticket_id)
        if ticket is not None:
            ticket.escalation_level = highest_open_level(session, ticket_id)
    return rows


def at_government_review(session: Session, instance_id: int) -> bool:
    """Whether a supervision instance waits for the leader's government-review decision."""
    found = session.scalar(
        select(func.count())
        .select_from(UserTask)
        .where(
            UserTask.instance_id == instance_id,
            UserTask.task_id == FINAL_LEVEL,
            UserTask.state == UserTaskState.READY,
        )
    )
    return bool(found)


def request(
    session: Session,
    runtime: WorkflowRuntime,
    actor: Actor,
    ticket: Ticket,
    *,
    level: str,
    reason: str,
    trigger: str,
    unit: str | None,
    automatic: bool,
) -> bool:
    """Put `unit` on rung `level`: start its escalation ladder or message the running one.

    Each unit climbs its own ladder (one supervision instance per ticket and unit), so a late
    lead unit is urged even while an assisting unit is higher up. An automatic request (a
    profile trigger) only ever climbs: it is dropped when that unit's rung in force is as
    high, or when the leader already has the ticket (any ladder at government review).
    Returns whether an escalation was requested.
    """
    lock_ticket(session, ticket.id)  # two requests at once must not start two ladders
    running = instances_of(session, ticket.id, SUPERVISION_PROCESS)
    if any(at_government_review(session, other.id) for other in running):
        if automatic:
            return False
        raise Conflict(
            f"ticket {ticket.number} is already under government review; "
            "the leader's decision is awaited",
            fields={"level": ["the ticket is at government_review"]},
        )
    variables = {"level": level, "reason": reason, "trigger": trigger, "unit": unit}
    instance = next((i for i in running if ladder_unit(i) == unit), None)
    if instance is None:
        runtime.start(
            session, SUPERVISION_PROCESS, actor=actor, ticket_id=ticket.id, variables=variables
        )
        return True
    current = open_escalation(session, ticket.id, unit)
    if automatic and current is not None and rank(level) <= rank(current.level):
        return False
    return runtime.send_message(
        session, instance.id, "escalation_requested", variables, actor=actor, required=True
    )


def escalate(
    session: Session, runtime: WorkflowRuntime, actor: Actor, number: str, level: str, reason: str
) -> Escalation:
    """A supervisor's (or the center's) escalation of an open ticket; the recorded rung."""
    if not access.may_escalate(actor):
        raise Forbidden("only the center and supervisors escalate tickets")
    if level not in LEVELS:
        raise Invalid(
            f"level must be one of {', '.join(LEVELS)}", fields={"level": ["unknown level"]}
        )
    ticket = get_ticket(session, actor, number)
    if not is_open(ticket):
        raise Conflict(f"ticket {number} is {ticket.status}; only open tickets are escalated")
    before = session.scalar(
        select(func.max(Escalation.id)).where(Escalation.ticket_id == ticket.id)
    )
    request(
        session,
        runtime,
        actor,
        ticket,
        level=level,
        reason=reason,
        trigger="manual",
        unit=ticket.current_unit,
        automatic=False,
    )
    latest = session.scalars(
        select(Escalation)
        .where(Escalation.ticket_id == ticket.id, Escalation.id > (before or 0))
        .order_by(Escalation.id.desc())
        .limit(1)
    ).first()
    if latest is None:  # the diagram did not record it: a changed supervision.bpmn
        raise Conflict(f"the supervision process did not record the escalation of {number}")
    return latest


def visible_escalations(actor: Actor) -> Select[tuple[Escalation, str]]:
    """Escalations (with their ticket numbers) the actor may read (`access.escalation_scope`)."""
    query = select(Escalation, Ticket.number).join(Ticket, Ticket.id == Escalation.ticket_id)
    return query.where(access.escalation_scope(actor))


def list_escalations(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    level: str | None = None,
    open: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[tuple[Escalation, str]], int]:
    """A page of visible escalations, newest first, and the total count."""
    if not access.may_filter_unit(actor, unit):
        raise Forbidden("a unit sees only the escalations against itself")
    query = visible_escalations(actor)
    query = where_given(query, (Escalation.unit_code, unit), (Escalation.level, level))
    if open is not None:
        query = query.where(Escalation.open.is_(open))
    total = count_rows(session, query)
    rows = session.execute(
        paginate(query.order_by(Escalation.created_at.desc(), Escalation.id.desc()), page, per_page)
    ).all()
    return [(row[0], row[1]) for row in rows], total
