"""Period-end jobs, run on every pass of the TimerService (its sweep and every wake): the
daily assessment scoring of the days that ended (日考核) with, for yesterday, the hot-spot
detection of the window ending at midnight (热点预警), then the bulletin (通报) of the period
that ended.

Driven by the service clock, so a test moves the manual clock instead of sleeping. Each job
is safe with several schedulers on one database: scoring a day again gives the same rows,
and the bulletin of a period is published once, because (profile, period, version) is
unique and the job only publishes version 1. Yesterday's detection runs in the transaction
that stores yesterday's scores, so the scheduler whose scores land is the one that detects.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline import bulletins, clock
from hotline.assessment import score_day
from hotline.assessment.scoring import last_scored_day
from hotline.bulletins.periods import last_ended
from hotline.calendar import day_start, shanghai_day
from hotline.hotspots import detect
from hotline.models import Ticket
from hotline.policy import Profile, active_profile
from hotline.policy.bulletins import publication_period
from processes.host import Host

# A scheduler that was down catches up on at most this many days of scoring.
CATCH_UP_DAYS = 62

log = logging.getLogger(__name__)


@dataclass
class PeriodEnd:
    """What one pass did: the days it scored, the bulletin it published (id, period)."""

    scored: tuple[date, ...] = ()
    bulletin_id: int | None = None
    period: str | None = None


def run_period_end(services: Host, now: datetime | None = None) -> PeriodEnd:
    """Publish the bulletin of the last period ended by `now` (service clock) unless it is
    published already, or no ticket had been received by the period's end (a new service
    does not publish an empty period; a scheduler that was down catches up)."""
    now = now or clock.now()
    profile = active_profile(services.runtime.extras)
    done = PeriodEnd(scored=score_ended_days(services, profile, now))
    period = last_ended(publication_period(profile), now)
    with services.transaction() as session:
        if bulletins.latest_version(session, profile, period) is not None:
            return done
        first = session.scalar(select(Ticket.id).where(Ticket.created_at < period.end).limit(1))
        if first is None:
            return done
        row = bulletins.publish_period_end(session, profile, now)
        if row is not None:
            done.bulletin_id, done.period = row.id, row.period
    if done.bulletin_id is not None:
        log.info("published the bulletin of %s (id %s)", done.period, done.bulletin_id)
    return done


def score_ended_days(services: Host, profile: Profile, now: datetime) -> tuple[date, ...]:
    """Daily scoring (hotline.assessment.score_day) of every day that ended since the last
    scored one (yesterday only on a service that never scored), one transaction per day;
    with yesterday's scores, hot-spot detection (hotline.hotspots.detect) up to midnight.
    The days this scheduler scored."""
    yesterday = shanghai_day(now) - timedelta(days=1)
    with services.transaction() as session:
        last = last_scored_day(session)
    first = yesterday if last is None else last + timedelta(days=1)
    first = max(first, yesterday - timedelta(days=CATCH_UP_DAYS))
    days = [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]
    scored = []
    for day in days:
        try:
            with services.transaction() as session:
                rows = score_day(session, profile, day)
                if rows and day == yesterday:
                    detect(session, services.runtime, day_start(day + timedelta(days=1)))
        except IntegrityError:
            # Another scheduler stored the same day's scores first: they are the same rows.
            log.info("day %s was scored by another scheduler", day)
            continue
        scored.append(day)
    return tuple(scored)
