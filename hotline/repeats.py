"""Repeat demands: possible repeats flagged at intake, merges (并单) and terminations (终结办理).

Detection narrows by indexed columns first (the keyed phone hash + created_at, as the phone
itself is sealed at rest; district + created_at) and
caps the candidates before comparing texts in Python (hotline.similarity: words, matters,
places and the address, so another caller's other words still match), so intake stays
cheap however many tickets the hotline holds. Status changes are the handlers' job
(hotline.tickets.set_status);
this module keeps the links between tickets and the rules for choosing the other ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.history import record_event
from hotline.models import Ticket, TicketLink
from hotline.policy.repeats import DEFAULT_REPEATS, Repeats
from hotline.similarity import FEATURE_CHARS, features, score
from hotline.statuses import LinkKind, TicketStatus

SAME_PHONE = "same_phone"
SIMILAR_CONTENT = "similar_content"
CANDIDATE_CAP = 200  # newest tickets compared per criterion; older ones are not looked at
FLAG_CAP = 20  # possible repeats kept per ticket, best first
COMPARED_CHARS = FEATURE_CHARS  # a 20 000-character text costs no more than a short one


@dataclass(frozen=True)
class Flag:
    """One possible repeat found at intake."""

    other_id: int
    created_at: datetime
    reason: str
    score: float


def rules_of(profile: Any) -> Repeats:
    """The profile's [repeats] rules, or the defaults when it has none."""
    return getattr(profile, "repeats", None) or DEFAULT_REPEATS


def window_start(window_days: int, now: datetime | None = None) -> datetime:
    """Midnight Asia/Shanghai `window_days` calendar days before today."""
    today = (now or clock.now()).astimezone(clock.SHANGHAI).date()
    return datetime.combine(today - timedelta(days=window_days), time(), clock.SHANGHAI)


def find_possible_repeats(session: Session, ticket: Ticket, rules: Repeats) -> list[Flag]:
    """Tickets created in the window with the same phone, or the same matter in the district.

    "The same matter" is hotline.similarity's score at or above the profile's threshold:
    other words, the same place or address.

    Merged tickets are left out: their demand lives on in the ticket they were merged into.
    """
    since = window_start(rules.window_days, ticket.created_at)
    # Columns, not rows: 200 candidates must not drag 200 full tickets into the session.
    base = (
        select(
            Ticket.id,
            Ticket.created_at,
            func.substr(Ticket.content, 1, COMPARED_CHARS),
            Ticket.address,
        )
        .where(
            Ticket.id != ticket.id, Ticket.created_at >= since, Ticket.status != TicketStatus.MERGED
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(CANDIDATE_CAP)
    )
    mine = features(ticket.content, ticket.address, ticket.district)

    def alike(content: str, address: str | None) -> float:
        return score(mine, features(content or "", address, ticket.district))

    flags: dict[int, Flag] = {}
    if ticket.requester_phone_hash:  # the same national number (hotline.sealing.phone_hash)
        same_phone = base.where(Ticket.requester_phone_hash == ticket.requester_phone_hash)
        for other_id, created_at, content, address in session.execute(same_phone):
            value = round(alike(content, address), 3)
            flags[other_id] = Flag(other_id, created_at, SAME_PHONE, value)
    if ticket.district:
        for other_id, created_at, content, address in session.execute(
            base.where(Ticket.district == ticket.district)
        ):
            if other_id in flags:
                continue
            value = alike(content, address)
            if value >= rules.similarity:  # unrounded: 0.5496 is not 0.55
                flags[other_id] = Flag(other_id, created_at, SIMILAR_CONTENT, round(value, 3))
    best = sorted(flags.values(), key=lambda f: (f.score, f.created_at), reverse=True)
    return best[:FLAG_CAP]


def flag_possible_repeats(
    session: Session, ticket: Ticket, actor: Actor, rules: Repeats
) -> list[Flag]:
    """Link a new ticket to its possible repeats and say so in its history."""
    flags = find_possible_repeats(session, ticket, rules)
    now = clock.now()
    for flag in flags:
        session.add(
            TicketLink(
                ticket_id=ticket.id,
                other_id=flag.other_id,
                kind=LinkKind.POSSIBLE_REPEAT,
                reason=flag.reason,
                score=flag.score,
                created_at=now,
            )
        )
    if flags:
        # Only the count: the history reaches units, the other tickets' details must not.
        record_event(
            session, ticket.id, "possible_repeat_flagged", actor, data={"count": len(flags)}
        )
    return flags


def possible_repeats(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """The tickets this one may repeat, best first: number, status, reason, score."""
    rows = session.execute(
        select(TicketLink, Ticket)
        .join(Ticket, Ticket.id == TicketLink.other_id)
        .where(TicketLink.ticket_id == ticket.id, TicketLink.kind == LinkKind.POSSIBLE_REPEAT)
        .order_by(TicketLink.score.desc(), TicketLink.id)
    )
    return [
        {
            "number": other.number,
            "status": other.status,
            "reason": link.reason,
            "score": link.score,
            "created_at": other.created_at,
        }
        for link, other in rows
    ]


def ticket_links(session: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """Merges and terminations touching this ticket, seen from both sides, oldest first.

    `direction` is `outgoing` on the ticket that was merged or terminated and `incoming`
    on the ticket it points to.
    """
    rows = session.execute(
        select(TicketLink)
        .where(
            or_(TicketLink.ticket_id == ticket.id, TicketLink.other_id == ticket.id),
            TicketLink.kind != LinkKind.POSSIBLE_REPEAT,
        )
        .order_by(TicketLink.created_at, TicketLink.id)
    )
    out = []
    for link in rows.scalars():
        outgoing = link.ticket_id == ticket.id
        other = session.get(Ticket, link.other_id if outgoing else link.ticket_id)
        assert other is not None  # foreign keys
        out.append(
            {
                "kind": link.kind,
                "direction": "outgoing" if outgoing else "incoming",
                "number": other.number,
                "status": other.status,
                "created_at": link.created_at,
            }
        )
    return out


def _by_number(session: Session, number: Any, *, lock: bool = False) -> Ticket | None:
    if not isinstance(number, str) or not number.strip():
        return None
    query = select(Ticket).where(Ticket.number == number.strip())
    return session.scalars(query.with_for_update() if lock else query).first()


def merge_target(
    session: Session, ticket_id: int | None, number: Any, *, lock: bool = False
) -> tuple[Ticket | None, str | None]:
    """The open ticket a repeat may be merged into, or why `number` is not one."""
    target = _by_number(session, number, lock=lock)
    if target is None:
        return None, f"ticket {number!r} does not exist"
    if target.id == ticket_id:
        return None, "a ticket cannot be merged into itself"
    if target.closed_at is not None or target.merged_into_id is not None:
        return None, f"ticket {target.number} is {target.status}: merge only into an open ticket"
    return target, None


def link_merge(session: Session, repeat: Ticket, target: Ticket, actor: Actor, task: str) -> None:
    """Record a merge: the repeat points to the open ticket, whose history says so too."""
    repeat.merged_into_id = target.id
    repeat.close_note = f"merged into {target.number}"
    _link(session, repeat, target, LinkKind.MERGED_INTO)
    # The number only: units handling the open ticket see its history, not the repeat's caller.
    record_event(
        session, target.id, "repeat_merged", actor, task=task, data={"repeat": repeat.number}
    )


def link_termination(session: Session, ticket: Ticket, original: Ticket, opinion: str) -> None:
    """Record a termination: the ticket points to the handled ticket it repeats."""
    ticket.close_note = opinion.strip()
    _link(session, ticket, original, LinkKind.TERMINATED_AS_REPEAT_OF)


def _link(session: Session, ticket: Ticket, other: Ticket, kind: LinkKind) -> None:
    session.add(
        TicketLink(ticket_id=ticket.id, other_id=other.id, kind=kind, created_at=clock.now())
    )
