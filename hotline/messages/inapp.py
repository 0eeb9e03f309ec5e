"""The in-app channel: an outbox row becomes Notification rows in users' inboxes.

Written in the dispatcher's settling transaction, so a row is marked sent exactly when its
notifications exist. A row addressed to one user (`user_id`, or a user id as `address`)
lands in that inbox; one addressed to a recipient class lands in every active user's of it:
`unit`/`unit_leader` the users of `unit_code`, `center` the center's, `admin` the admins'.
`(user_id, message_key)` is unique: a redelivered row lands once per user.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.messages.channels import SENT, Delivery, Outcome, permanent
from hotline.models import Ticket, User
from hotline.models.messages import Notification
from hotline.statuses import Role

# Recipient classes reached through users with one of these roles.
ROLE_OF = {"center": Role.CENTER, "admin": Role.ADMIN}


def notify(session: Session, messages: Sequence[Delivery]) -> dict[int, Outcome]:
    """Write the Notification rows of `messages` (in-app); how each ended, by outbox id."""
    numbers = _ticket_numbers(session, [m.ticket_id for m in messages if m.ticket_id])
    now = clock.now()
    outcomes: dict[int, Outcome] = {}
    rows: list[dict[str, object]] = []
    for message in messages:
        users = _users_of(session, message)
        if isinstance(users, str):
            outcomes[message.id] = permanent(users)
            continue
        for user_id in users:
            rows.append(
                {
                    "user_id": user_id,
                    "message_key": message.key,
                    "kind": message.kind,
                    "title": (message.subject or message.body.splitlines()[0])[:200],
                    "body": message.body,
                    "ticket_number": numbers.get(message.ticket_id or 0),
                    "created_at": now,
                }
            )
        outcomes[message.id] = SENT
    if rows:
        _insert_new(session, rows)
    return outcomes


def _users_of(session: Session, message: Delivery) -> list[int] | str:
    """The inbox owners of `message`, or why there are none."""
    user_id = message.user_id
    if user_id is None and message.address.strip().isdigit():
        user_id = int(message.address)
    if user_id is not None:
        if session.get(User, user_id) is None:
            return f"user {user_id} does not exist"
        return [user_id]
    query = select(User.id).where(User.active.is_(True)).order_by(User.id)
    if message.recipient in ("unit", "unit_leader"):
        if not message.unit_code:
            return f"an in-app {message.recipient} message names no unit"
        secret = message.ticket_id is not None and _confidential(session, message.ticket_id)
        # A confidential ticket's notices reach the unit's named staff only (meizhou 第二十一条).
        query = query.where(User.unit_code == message.unit_code, access.notified_unit_users(secret))
        whom = f"{'named staff of ' if secret else ''}unit {message.unit_code}"
    elif message.recipient in ROLE_OF:
        query = query.where(User.role == ROLE_OF[message.recipient])
        whom = f"role {message.recipient}"
    else:
        return f"{message.recipient} has no in-app inbox"
    users = list(session.scalars(query))
    return users or f"no active user of {whom} to notify"


def _confidential(session: Session, ticket_id: int) -> bool:
    ticket = session.get(Ticket, ticket_id)
    return ticket is not None and ticket.confidential


def _ticket_numbers(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(set(ids))))
    return {ticket_id: number for ticket_id, number in rows}


def _insert_new(session: Session, rows: list[dict[str, object]]) -> None:
    """Insert the notifications not there yet (a redelivery after a crash adds none)."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(Notification).on_conflict_do_nothing(
        index_elements=["user_id", "message_key"]
    )
    session.execute(statement, rows)
