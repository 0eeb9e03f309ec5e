"""Fire due timers exactly once: one transaction per instance, claimed under a lock.

The guarantee is the transaction, not a lease: the claim locks the instance row
(PostgreSQL: `FOR UPDATE ... SKIP LOCKED`, so a second scheduler takes the next
instance; SQLite: `BEGIN IMMEDIATE` serializes writers), firing deletes the fired rows
in that same transaction, and a crash rolls all of it back, leaving the timer pending.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import SYSTEM
from hotline.models import Article, ProcessInstance, Ticket, Timer
from processes.host import Host

log = logging.getLogger(__name__)


@dataclass
class Round:
    """What one `fire_round` did."""

    fired: int = 0
    instances: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    more: bool = False  # stopped at the batch size with work possibly left


def fire_round(
    services: Host,
    *,
    owner: str,
    now: datetime | None = None,
    batch: int = 50,
    exclude: Collection[int] = (),
) -> Round:
    """Fire up to `batch` instances with timers due before `now`, earliest due first.

    An instance whose firing raises is rolled back, logged, reported in `failed` and
    not retried in this round; its timers stay pending for the next one.
    """
    now = now or clock.now()
    result = Round()
    skip = set(exclude)
    while True:
        if len(result.instances) + len(result.failed) >= batch:
            result.more = True
            break
        instance_id: int | None = None
        try:
            with services.transaction() as session:
                instance_id = _claim(session, now, skip)
                if instance_id is None:
                    break
                fired = services.runtime.fire_timers(session, instance_id, actor=SYSTEM)
        except Exception as exc:
            if instance_id is None:
                raise  # the claim itself failed: the database is not usable
            log.exception("%s: firing timers of instance %s failed", owner, instance_id)
            result.failed[instance_id] = f"{type(exc).__name__}: {exc}"
            skip.add(instance_id)
            continue
        # Once per round: whatever it left due (nothing, normally) must not spin us.
        skip.add(instance_id)
        result.instances.append(instance_id)
        result.fired += fired
        if fired:
            log.info("%s: fired %d timer(s) of instance %s", owner, fired, instance_id)
    return result


def fire_due(
    services: Host,
    *,
    owner: str,
    now: datetime | None = None,
    batch: int = 50,
) -> int:
    """Fire timers due before `now` (default: the service clock); how many fired."""
    return fire_round(services, owner=owner, now=now, batch=batch).fired


def next_due(services: Host, exclude: Collection[int] = ()) -> datetime | None:
    """The earliest pending due time, leaving out the `exclude`d instances."""
    with services.transaction() as session:
        query = select(func.min(Timer.due_at))
        if exclude:
            query = query.where(Timer.instance_id.not_in(list(exclude)))
        return session.scalar(query)


def _claim(session: Session, now: datetime, skip: set[int]) -> int | None:
    """The instance of the earliest due timer, locked; None when nothing is due.

    On PostgreSQL a ticket's (or article's) row is locked before its instance, as every API
    call does, so the scheduler and a user acting on the same subject never deadlock.
    """
    # Strictly before now: SpiffWorkflow fires a date timer only once `due < now`.
    query = select(Timer.instance_id).where(Timer.due_at < now).order_by(Timer.due_at, Timer.id)
    if skip:
        query = query.where(Timer.instance_id.not_in(list(skip)))
    if session.get_bind().dialect.name != "postgresql":
        return session.scalars(query.limit(1)).first()
    found = _first_unlocked(session, query.join(Ticket, Ticket.id == Timer.ticket_id), Ticket)
    if found is not None:
        return found
    unticketed = query.join(ProcessInstance, ProcessInstance.id == Timer.instance_id).where(
        Timer.ticket_id.is_(None)
    )
    of_articles = unticketed.join(Article, Article.id == ProcessInstance.article_id)
    found = _first_unlocked(session, of_articles, Article)
    if found is not None:
        return found
    without_subject = unticketed.where(ProcessInstance.article_id.is_(None))
    return _first_unlocked(session, without_subject, ProcessInstance)


def _first_unlocked(session: Session, query: Select[tuple[int]], of: type) -> int | None:
    """The first row of `query` whose `of` row no other session holds, now locked (PostgreSQL)."""
    return session.scalars(query.limit(1).with_for_update(of=of, skip_locked=True)).first()
