"""TimerService: an APScheduler loop that wakes at the earliest pending due time.

One `date` job ("wake") is rescheduled after every run to the earliest due time in the
`timers` table, plus an `interval` job ("sweep") as a safety net for timers created by
other processes. Nothing is kept in memory per timer: the database is the queue.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import weakref
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from hotline import clock
from processes.host import Host
from scheduler.firing import fire_round, next_due
from scheduler.periodic import run_period_end
from scheduler.retention import DailyRetention

log = logging.getLogger(__name__)

WAKE_JOB = "hotline-timers-wake"
SWEEP_JOB = "hotline-timers-sweep"

_running: weakref.WeakSet[TimerService] = weakref.WeakSet()


def running_services() -> list[TimerService]:
    """TimerServices started in this process (the clock API wakes them after a jump)."""
    return list(_running)


class TimerService:
    """Fires due timers in the background: `start()`, `stop()`, `wake()`."""

    def __init__(
        self,
        services: Host,
        *,
        sweep_seconds: float = 30.0,
        batch: int = 50,
        retry_seconds: float = 30.0,
        busy_seconds: float = 0.25,
        owner: str | None = None,
    ) -> None:
        self.services = services
        self.sweep_seconds = sweep_seconds
        self.batch = batch
        self.retry_seconds = retry_seconds
        self.busy_seconds = busy_seconds
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.wake_target: datetime | None = None  # service-clock time the wake job aims at
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "misfire_grace_time": None},
        )
        self._run_lock = threading.Lock()
        self._wake_lock = threading.Lock()
        self._wakes = 0
        self._backoff: dict[int, float] = {}  # failing instance -> monotonic retry time
        self._stopping = False
        self.database_failures = 0  # rounds that failed because the database did not answer
        self.retention = DailyRetention(services)  # archive and purge, once a day

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, *, paused: bool = False) -> None:
        """Start the background thread; overdue timers fire at once, in due order."""
        self.scheduler.add_job(
            self.run,
            "interval",
            seconds=self.sweep_seconds,
            id=SWEEP_JOB,
            max_instances=1,
        )
        self.scheduler.start(paused=paused)
        self.services.runtime.timer_listeners.append(self.wake)
        _running.add(self)
        self.wake()  # catch up at once, e.g. after a restart

    def stop(self, wait: bool = True) -> None:
        """Stop scheduling; with `wait`, let a running firing finish its transaction."""
        self._stopping = True
        _running.discard(self)
        if self.wake in self.services.runtime.timer_listeners:
            self.services.runtime.timer_listeners.remove(self.wake)
        if wait:
            # APScheduler's shutdown holds its job-store lock while joining job threads:
            # a run still rescheduling itself would deadlock it. Let that run end first.
            with self._run_lock:
                pass
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)

    # -- scheduling ------------------------------------------------------------------------

    def wake(self, due: datetime | None = None) -> None:
        """Run at `due` (service clock; default now) unless a run is already set earlier."""
        if self._stopping:
            return
        with self._wake_lock:
            self._wakes += 1
            self._set_wake(due or clock.now(), only_if_earlier=True)

    @property
    def next_wake(self) -> datetime | None:
        """Wall-clock time the wake job will run, if one is scheduled."""
        job = self.scheduler.get_job(WAKE_JOB)
        return None if job is None else getattr(job, "next_run_time", None)

    def run(self) -> int:
        """Fire everything due now, then reschedule the wake job; how many timers fired."""
        with self._run_lock:
            if self._stopping:
                return 0
            wakes_before = self._wakes
            fired = 0
            clock.refresh()  # a shared manual clock may have been moved by another worker
            try:
                while True:
                    result = fire_round(
                        self.services,
                        owner=self.owner,
                        batch=self.batch,
                        exclude=self._backing_off(),
                    )
                    fired += result.fired
                    retry_at = time.monotonic() + self.retry_seconds
                    for instance_id in result.failed:
                        self._backoff[instance_id] = retry_at
                    if not result.more:
                        break
            except Exception as exc:
                # The database is down or stalled: say so, keep the loop, try again later.
                self.database_failures += 1
                log.error(
                    "%s: could not fire timers (%s: %s); retrying in %g s",
                    self.owner,
                    type(exc).__name__,
                    str(exc).splitlines()[0] if str(exc) else "",
                    self.retry_seconds,
                )
            finally:
                self._schedule_next(wakes_before)
            self._period_end()
            return fired

    def _period_end(self) -> None:
        """The period-end jobs (scheduler.periodic): a failure is logged, timers go on."""
        try:
            run_period_end(self.services)
        except Exception:
            log.exception(
                "%s: the period-end jobs failed; they run again on the next pass", self.owner
            )
        try:
            self.retention.run_if_due()
        except Exception:
            log.exception("%s: the retention job failed; it runs on the next pass", self.owner)

    def _schedule_next(self, wakes_before: int) -> None:
        if self._stopping:
            return
        try:
            due = next_due(self.services, exclude=self._backing_off())
        except Exception as exc:  # database away: wake again after the retry delay
            log.error(
                "%s: could not read the next due timer (%s); retrying in %g s",
                self.owner,
                type(exc).__name__,
                self.retry_seconds,
            )
            retry = clock.now() + timedelta(seconds=self.retry_seconds)
            with self._wake_lock:
                self._set_wake(retry, only_if_earlier=True)
            return
        now = clock.now()
        if due is not None and due <= now:
            # Still due but not ours to take (locked by another scheduler, or failing).
            due = now + timedelta(seconds=self.busy_seconds)
        if self._backoff:
            wait = min(self._backoff.values()) - time.monotonic()
            retry_due = now + timedelta(seconds=max(wait, self.busy_seconds))
            due = retry_due if due is None else min(due, retry_due)
        with self._wake_lock:
            # A wake() that came in while we read the table may know of an earlier timer.
            self._set_wake(due, only_if_earlier=self._wakes != wakes_before)

    def _set_wake(self, due: datetime | None, *, only_if_earlier: bool) -> None:
        current = self.scheduler.get_job(WAKE_JOB)
        if due is None:
            if current is not None and not only_if_earlier:
                self.scheduler.remove_job(WAKE_JOB)
                self.wake_target = None
            return
        target = self.wake_target
        if only_if_earlier and current is not None and target is not None and target <= due:
            return
        # Service-clock delay mapped onto the wall clock APScheduler runs on.
        delay = max((due - clock.now()).total_seconds(), 0.0)
        self.wake_target = due
        self.scheduler.add_job(
            self.run,
            "date",
            run_date=datetime.now(UTC) + timedelta(seconds=delay),
            id=WAKE_JOB,
            replace_existing=True,
            # A wake while a run is going must queue behind it (runs serialize on a lock).
            max_instances=3,
        )

    def _backing_off(self) -> set[int]:
        now = time.monotonic()
        for instance_id, until in list(self._backoff.items()):
            if until <= now:
                del self._backoff[instance_id]
        return set(self._backoff)
