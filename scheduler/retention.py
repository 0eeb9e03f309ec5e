"""The daily retention job: archive closed tickets past the profile's days, purge call
recordings and personal data past their years (hotline.retention), on the first scheduler
pass of each Shanghai day.

Driven by the service clock, so a test moves the manual clock instead of sleeping. Safe with
several schedulers on one database: each ticket is archived or purged under its row lock,
checked again there, so a second scheduler running the same day finds nothing left to do
(one archive record per ticket, one audit row per purge). A run that fails is tried again
on the next pass; the purges it committed stay done.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from hotline import clock, retention
from hotline.actors import SYSTEM
from hotline.calendar import shanghai_day
from hotline.policy import active_profile
from processes.host import Host

log = logging.getLogger(__name__)


def run_retention(services: Host, now: datetime | None = None) -> retention.Report:
    """Archive and purge everything past its period as of `now` (service clock); the system
    acts, as the audit rows of its purges say."""
    report = retention.run(
        services.transaction,
        services.attachment_store,
        active_profile(services.runtime.extras),
        SYSTEM,
        now=now,
    )
    if any(report.counts().values()):
        log.info("retention: %s", ", ".join(f"{k} {v}" for k, v in report.counts().items()))
    return report


class DailyRetention:
    """Runs `run_retention` once per Shanghai day of the service clock (the first pass)."""

    def __init__(self, services: Host) -> None:
        self.services = services
        self.last_day: date | None = None  # the day of the last run that finished

    def run_if_due(self, now: datetime | None = None) -> retention.Report | None:
        """The day's run, unless this scheduler ran it already today (then None)."""
        now = now or clock.now()
        day = shanghai_day(now)
        if self.last_day == day:
            return None
        report = run_retention(self.services, now)
        self.last_day = day
        return report
