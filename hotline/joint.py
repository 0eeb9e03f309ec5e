"""Joint handling (会签): each unit's part of a ticket, its deadline, status and result.

guangyuan 第十二条(三): a joint ticket goes to several units that each handle their part;
the lead unit (主办) gathers the assisting units' (协办) opinions and replies once. The
assisting units report to the lead within the limit (guizhou 第十四条) and give it their opinions
(guangxi 第十一条(四)), so their parts fall due before the lead's, by the profile's
`joint.assist_lead`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.calendar import ONE_DAY, Deadline, WorkingCalendar, day_start, shanghai_day
from hotline.deadlines import TICK, compute_deadlines
from hotline.directory import active_unit, parse_unit_codes
from hotline.models import JointPart, Ticket
from hotline.policy.model import Profile
from hotline.statuses import ENDED_PART_STATUSES, LIVE_PART_STATUSES, PartRole, PartStatus, values
from hotline.tickets import get_ticket


def unit_errors(
    session: Session,
    lead_unit: Any,
    units: Any,
    *,
    lead_field: str = "lead_unit",
    units_field: str = "units",
) -> dict[str, list[str]]:
    """Per-field problems of a lead unit and its assisting units (empty when fine).

    The lead must be an active unit; `units` (text "HBJ,LZQ" or a list) must name only
    active units and at least one unit besides the lead, else it is not joint work.
    """
    errors: dict[str, list[str]] = {}
    lead = str(lead_unit).strip() if isinstance(lead_unit, str) else None
    if not lead:
        errors[lead_field] = ["required for joint handling: the lead unit (主办单位) code"]
    elif active_unit(session, lead) is None:
        errors[lead_field] = [f"unit {lead!r} does not exist or is inactive"]
    codes = parse_unit_codes(units)
    unknown = [code for code in codes if active_unit(session, code) is None]
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        errors[units_field] = [f"unknown or inactive unit(s): {names}"]
    elif not [code for code in codes if code != lead]:
        errors[units_field] = [
            'name at least one assisting unit (协办单位) besides the lead, e.g. "HBJ,LZQ"'
        ]
    return errors


def part_units(lead_unit: str, units: Any) -> list[str]:
    """The units that get a part: the lead first, then the assisting units in order."""
    return [lead_unit, *[code for code in parse_unit_codes(units) if code != lead_unit]]


def working_days_before(calendar: WorkingCalendar, due_at: datetime, days: int) -> Deadline:
    """24:00 Shanghai of the `days`th working day before the working day `due_at` ends.

    A due time of 24:00 Thursday with 1 working day gives 24:00 Wednesday.
    """
    day = shanghai_day(due_at - TICK)  # 24:00 belongs to the day before 00:00
    provisional = False
    for _ in range(days):
        day -= ONE_DAY
        provisional = provisional or not calendar.knows(day.year)
        while not calendar.is_working_day(day):
            day -= ONE_DAY
            provisional = provisional or not calendar.knows(day.year)
    return Deadline(day_start(day + ONE_DAY), provisional)


# Rule home: 000 第十二条(三); 001 第十四条; 002 第十一条(四); 003 第十七条; 004 三(三).
def assist_due(
    profile: Profile, calendar: WorkingCalendar, *, lead_due: datetime, dispatched_at: datetime
) -> tuple[Deadline, str]:
    """When assisting units' results are due: `joint.assist_lead` before the lead's due.

    Returns the deadline and a rule text for the history. A lead limit too short to
    leave room (e.g. a 1-hour consultation) gives the assisting units the lead's due.
    """
    lead = profile.joint.assist_lead
    if lead.unit == "working_days":
        found = working_days_before(calendar, lead_due, int(lead.amount))
    else:
        found = Deadline(lead_due - (lead.clock_time or timedelta(0)), False)
    rule = f"assisting units: {lead.describe()} before the lead unit's due — {lead.source}"
    if found.at <= dispatched_at or found.at > lead_due:
        return Deadline(lead_due, found.provisional), rule + " (no room: the lead's due applies)"
    return found, rule


def acknowledge_due(
    profile: Profile, calendar: WorkingCalendar, ticket: Ticket, at: datetime
) -> datetime | None:
    """The acknowledge limit of a part given to a unit at `at` (e.g. a reassigned part)."""
    found = compute_deadlines(
        profile,
        calendar,
        category=ticket.category,
        urgency=ticket.urgency,
        channel=ticket.channel,
        dispatched_at=at,
        upper_deadline=ticket.upper_deadline,
    )
    return found.acknowledge_due_at


def add_part(
    session: Session, ticket: Ticket, unit: str, role: PartRole, due_at: datetime | None
) -> JointPart:
    """A new part for `unit`, dispatched now."""
    now = clock.now()
    part = JointPart(
        ticket_id=ticket.id,
        unit_code=unit,
        role=role,
        status=PartStatus.DISPATCHED,
        due_at=due_at,
        overdue=False,
        result={},
        created_at=now,
        updated_at=now,
    )
    session.add(part)
    return part


def parts_of(session: Session, ticket_id: int) -> list[JointPart]:
    """Every part of a ticket, oldest first (reassigned and dropped ones included)."""
    return list(
        session.scalars(
            select(JointPart).where(JointPart.ticket_id == ticket_id).order_by(JointPart.id)
        )
    )


def live_part_of(session: Session, ticket_id: int, unit: str) -> JointPart | None:
    """The unit's part that is still being worked on, if any."""
    return session.scalars(
        select(JointPart).where(
            JointPart.ticket_id == ticket_id,
            JointPart.unit_code == unit,
            JointPart.status.in_(LIVE_PART_STATUSES),
        )
    ).first()


def lead_part(session: Session, ticket_id: int) -> JointPart | None:
    """The lead unit's current part (the newest lead part that was not reassigned)."""
    return session.scalars(
        select(JointPart)
        .where(
            JointPart.ticket_id == ticket_id,
            JointPart.role == PartRole.LEAD,
            JointPart.status != PartStatus.REASSIGNED,
        )
        .order_by(JointPart.id.desc())
    ).first()


def set_part_status(part: JointPart, status: PartStatus) -> None:
    """Move a part to a documented status, stamping when it ended."""
    if status not in values(PartStatus):
        raise ValueError(f"unknown part status {status!r}")
    now = clock.now()
    part.status = PartStatus(status)
    part.updated_at = now
    if status in ENDED_PART_STATUSES and part.completed_at is None:
        part.completed_at = now


def acknowledge(part: JointPart) -> None:
    """签收: the unit took its part."""
    part.acknowledged_at = clock.now()
    set_part_status(part, PartStatus.HANDLING)


def complete(part: JointPart, result: dict[str, Any]) -> None:
    """The unit's result for its part, kept per unit."""
    part.result = dict(result)
    set_part_status(part, PartStatus.DONE)


def give_back(part: JointPart, reason: str | None) -> None:
    """退回: the part is outside the unit's remit; the center decides."""
    part.result = {"return_reason": reason}
    set_part_status(part, PartStatus.RETURNED)


def reassign(session: Session, ticket: Ticket, part: JointPart, unit: str) -> JointPart:
    """The center gives a returned part to `unit`: a new part with the same role and due."""
    part.result = {**(part.result or {}), "reassigned_to": unit}
    set_part_status(part, PartStatus.REASSIGNED)
    new = add_part(session, ticket, unit, PartRole(part.role), part.due_at)
    session.flush()
    return new


def drop(part: JointPart, comment: str | None) -> None:
    """The center ends a returned part without a new unit."""
    part.result = {**(part.result or {}), "dropped": True, "comment": comment}
    set_part_status(part, PartStatus.DROPPED)


def move_due(part: JointPart, due_at: datetime) -> None:
    """The part's limit moved (e.g. it now runs from acceptance): a part flagged overdue
    against the old due time is no longer overdue unless the new one has passed too."""
    now = clock.now()
    part.due_at = due_at
    part.overdue = part.overdue and due_at <= now
    part.updated_at = now


def mark_overdue(part: JointPart) -> bool:
    """Flag an unfinished part overdue; False when it already was or has ended."""
    if part.overdue or part.status in ENDED_PART_STATUSES:
        return False
    part.overdue = True
    part.updated_at = clock.now()
    return True


def is_part_overdue(part: JointPart, now: datetime) -> bool:
    """Overdue: flagged by its timer, or its due time passed while the part is still open."""
    if part.overdue:
        return True
    return part.due_at is not None and part.due_at <= now and part.status in LIVE_PART_STATUSES


def cancel_open_parts(session: Session, ticket_id: int) -> list[JointPart]:
    """Parts still being worked on end as cancelled (the joint process was stopped)."""
    cancelled = []
    for part in parts_of(session, ticket_id):
        if part.status in LIVE_PART_STATUSES:
            set_part_status(part, PartStatus.CANCELLED)
            cancelled.append(part)
    return cancelled


def visible_parts(session: Session, actor: Actor, number: str) -> tuple[Ticket, list[JointPart]]:
    """A ticket's parts for whoever may see the ticket (units: those with a part or holding it).

    NotFound for everyone else, exactly as for the ticket itself.
    """
    ticket = get_ticket(session, actor, number)
    return ticket, parts_of(session, ticket.id)
