"""Legal holds: while a ticket has one that is not released, nothing of it is purged
(hotline.retention reports it as held). The center and admins place and release them
(hotline.access.may_hold); each is a step of the ticket's history.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Conflict, Invalid, NotFound
from hotline.history import record_event
from hotline.models import Ticket
from hotline.models.retention import LegalHold


def locked(session: Session, ticket_id: int) -> Ticket | None:
    """The ticket, its row locked for this transaction (PostgreSQL; SQLite writes one at a time)."""
    return session.scalars(select(Ticket).where(Ticket.id == ticket_id).with_for_update()).first()


def active_holds(session: Session, ticket: Ticket) -> list[LegalHold]:
    """The ticket's holds not released, oldest first."""
    return list(
        session.scalars(
            select(LegalHold)
            .where(LegalHold.ticket_id == ticket.id, LegalHold.released_at.is_(None))
            .order_by(LegalHold.id)
        )
    )


def holds_of(session: Session, ticket: Ticket) -> list[LegalHold]:
    """Every hold of the ticket, released or not, oldest first."""
    return list(
        session.scalars(
            select(LegalHold).where(LegalHold.ticket_id == ticket.id).order_by(LegalHold.id)
        )
    )


def place_hold(session: Session, ticket: Ticket, actor: Actor, reason: str) -> LegalHold:
    """Put the ticket under a legal hold: nothing of it is purged until it is released."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("a legal hold needs its reason", {"reason": ["must not be blank"]})
    # The ticket's lock orders a hold against a purge running now: one waits for the other.
    locked(session, ticket.id)
    hold = LegalHold(
        ticket_id=ticket.id,
        reason=reason,
        placed_by=actor.id,
        placed_by_name=actor.name,
        placed_at=clock.now(),
    )
    session.add(hold)
    session.flush()
    record_event(
        session, ticket.id, "legal_hold_placed", actor, data={"hold": hold.id, "reason": reason}
    )
    return hold


def release_hold(session: Session, ticket: Ticket, hold_id: int, actor: Actor) -> LegalHold:
    """Release one hold of the ticket; the next run purges what is past its period."""
    locked(session, ticket.id)
    hold = session.get(LegalHold, hold_id)
    if hold is None or hold.ticket_id != ticket.id:
        raise NotFound(f"ticket {ticket.number} has no legal hold {hold_id}")
    if hold.released_at is not None:
        raise Conflict(f"legal hold {hold_id} of {ticket.number} was released already")
    hold.released_at = clock.now()
    hold.released_by, hold.released_by_name = actor.id, actor.name
    record_event(session, ticket.id, "legal_hold_released", actor, data={"hold": hold.id})
    session.flush()
    return hold
