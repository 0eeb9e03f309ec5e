"""The confidential channel's upkeep (meizhou 第二十一条: 涉及保密事项的，应…通过专门的保密渠道、
指定专门的工作人员流转办理): which units hold confidential tickets nobody there may take.

Who sees and takes a confidential ticket is `hotline.access` (`sees_confidential`); a unit
with none of its users named (`hotline users add --confidential`) leaves such a ticket in no
one's inbox, so the center's list of contact problems names the unit
(`hotline.messages.contact_problems.problems`).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.models import JointPart, Ticket, Unit, User
from hotline.statuses import UNHANDLED_STATUSES, PartStatus, Role

CONFIDENTIAL_STAFF = "confidential_staff"  # a contact problem's recipient: the named staff
# A joint part still waiting on its unit.
WAITING_PARTS = (PartStatus.DISPATCHED, PartStatus.HANDLING)


def waiting_on(session: Session) -> Counter[str]:
    """Unit code → how many open confidential tickets wait on it: those it holds (a joint
    ticket's lead unit merges) and those it has a part of still to do."""
    held = session.execute(
        select(Ticket.id, Ticket.current_unit).where(
            Ticket.confidential.is_(True),
            Ticket.status.in_(UNHANDLED_STATUSES),
            Ticket.current_unit.is_not(None),
        )
    )
    parts = session.execute(
        select(Ticket.id, JointPart.unit_code)
        .join(JointPart, JointPart.ticket_id == Ticket.id)
        .where(
            Ticket.confidential.is_(True),
            Ticket.status.in_(UNHANDLED_STATUSES),
            JointPart.status.in_(WAITING_PARTS),
        )
    )
    pairs = {(ticket_id, code) for ticket_id, code in [*held, *parts] if code}
    return Counter(code for _ticket_id, code in pairs)


def unstaffed(session: Session) -> list[tuple[Unit, int]]:
    """Units with confidential tickets waiting and no active named staff, by code, with
    how many tickets wait."""
    waiting = waiting_on(session)
    if not waiting:
        return []
    staffed = set(
        session.scalars(
            select(User.unit_code).where(
                User.active.is_(True),
                User.role == Role.UNIT,
                User.confidential.is_(True),
                User.unit_code.in_(list(waiting)),
            )
        )
    )
    units = session.scalars(
        select(Unit)
        .where(Unit.code.in_([c for c in waiting if c not in staffed]))
        .order_by(Unit.code)
    )
    return [(unit, waiting[unit.code]) for unit in units]


def unstaffed_message(count: int) -> str:
    """What the center's contact problems say of a unit in `unstaffed`."""
    return (
        f"{count} confidential ticket(s) wait on this unit and none of its users is named for "
        "confidential tickets: nobody there sees or takes them; name one with "
        "`hotline users add --confidential` (meizhou 第二十一条)"
    )
