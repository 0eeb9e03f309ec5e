"""Period-end jobs, run on every pass of the TimerService (its sweep and every wake).

Driven by the service clock, so a test moves the manual clock instead of sleeping. Each job
is safe with several schedulers on one database: the bulletin of a period is published once,
because (profile, period, version) is unique and the job only publishes version 1.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hotline import bulletins, clock
from hotline.bulletins.periods import last_ended
from hotline.models import Ticket
from hotline.policy import active_profile
from hotline.policy.bulletins import publication_period
from processes.host import Host

log = logging.getLogger(__name__)


@dataclass
class PeriodEnd:
    """What one pass did: the bulletin it published (id and period), if any."""

    bulletin_id: int | None = None
    period: str | None = None


def run_period_end(services: Host, now: datetime | None = None) -> PeriodEnd:
    """Publish the bulletin of the last period ended by `now` (service clock) unless it is
    published already, or no ticket had been received by the period's end (a new service
    does not publish an empty period; a scheduler that was down catches up)."""
    now = now or clock.now()
    profile = active_profile(services.runtime.extras)
    period = last_ended(publication_period(profile), now)
    done = PeriodEnd()
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
