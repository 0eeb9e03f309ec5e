"""The in-app inbox: one user's notifications, unread first; marking them read.

Rows are written by the in-app channel when it delivers an outbox message (one per user
and message key, so a redelivery lands once); here they are only read and marked.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from hotline import clock
from hotline.errors import NotFound
from hotline.models.messages import Notification
from hotline.paging import count_rows, paginate


def list_notifications(
    session: Session, user_id: int, *, unread: bool | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Notification], int]:
    """One page of the user's notifications, unread first, newest first within each; and
    how many match in all. `unread` True: only unread; False: only read; None: all."""
    query = select(Notification).where(Notification.user_id == user_id)
    if unread is not None:
        query = query.where(
            Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None)
        )
    ordered = query.order_by(
        case((Notification.read_at.is_(None), 0), else_=1),
        Notification.created_at.desc(),
        Notification.id.desc(),
    )
    rows = list(session.scalars(paginate(ordered, page, per_page)))
    return rows, count_rows(session, query)


def unread_count(session: Session, user_id: int) -> int:
    """How many of the user's notifications are unread."""
    query = select(func.count()).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return session.scalar(query) or 0


def mark_read(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again: keeps the first time).

    Another user's notification is NotFound, exactly like one that does not exist.
    """
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"notification {notification_id} not found")
    if row.read_at is None:
        row.read_at = clock.now()
    return row


def mark_all_read(session: Session, user_id: int) -> int:
    """Mark every unread notification of the user read; how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
