"""Rate limits kept in the database, so every worker counts against the same numbers.

Fixed windows in the `lookup_throttles` table: one row per key ("client:203.0.113.8",
"auth:203.0.113.8", ...) holds when its window started and how many requests it counted.
The public progress lookup (hotline.lookup), failed sign-ins and the public endpoints
(hotline.sign_in) each count under their own key prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType

from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hotline.models.base import UTCDateTime
from hotline.models.messages import LookupThrottle

PURGE_BATCH = 100  # expired rows deleted per new window
# Rows whose window started longer ago are swept: no limit has a longer window
# (HOTLINE_AUTH_WINDOW and HOTLINE_PUBLIC_WINDOW stop at 86,400 s, the lookup's at an hour).
KEPT = timedelta(days=1)
MAX_KEY = 120  # the key column's width


@dataclass(frozen=True)
class Limit:
    """At most `count` in a window of `seconds`."""

    count: int
    seconds: int


def hit(session: Session, key: str, limit: Limit, now: datetime) -> int | None:
    """Count one request under `key`; the seconds to wait when it is over `limit`.

    One statement (an upsert), so concurrent workers never lose a count; the caller's
    transaction must commit whatever it answers, or the count is lost.
    """
    key = key[:MAX_KEY]
    table = LookupThrottle.__table__
    at = bindparam("now", now, type_=UTCDateTime())
    expired = table.c.window_start <= bindparam("cutoff", now - _window(limit), UTCDateTime())
    insert = _dialect(session).insert(table).values(key=key, window_start=at, count=1)
    statement = insert.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": case((expired, 1), else_=table.c.count + 1),
            "window_start": case((expired, at), else_=table.c.window_start),
        },
    ).returning(table.c.count, table.c.window_start)
    count, started = session.execute(statement).one()
    if count == 1:
        _purge(session, now)  # a new window: sweep a few windows long gone
    return _wait(count, started, limit, now)


def waiting(session: Session, key: str, limit: Limit, now: datetime) -> int | None:
    """The seconds to wait when `key` is already at its limit (this request not counted).

    A read only: callers that count failures alone check with it on every request.
    """
    row = session.get(LookupThrottle, key[:MAX_KEY])
    if row is None or row.window_start <= now - _window(limit):
        return None
    return _wait(row.count + 1, row.window_start, limit, now)


def _wait(count: int, started: datetime, limit: Limit, now: datetime) -> int | None:
    if count <= limit.count:
        return None
    left = started + _window(limit) - now
    return max(1, int(left.total_seconds() + 0.999))


def _window(limit: Limit) -> timedelta:
    return timedelta(seconds=limit.seconds)


def _dialect(session: Session) -> ModuleType:
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def _purge(session: Session, now: datetime) -> None:
    """Delete a batch of rows whose window ended; rows another request holds are skipped."""
    gone = (
        select(LookupThrottle.key)
        .where(LookupThrottle.window_start <= now - KEPT)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(LookupThrottle).where(LookupThrottle.key.in_(gone)))
