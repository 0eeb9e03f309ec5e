"""The dispatcher loop: delivers due outbox rows in the background (serve, scheduler).

A thread runs `hotline.messages.dispatch.dispatch` until nothing is due, then waits
`poll_seconds` (rows written by other processes are found on the next pass). Several
dispatchers may run on one database, in any process: each claims different rows. A round
that fails (database away) is logged and tried again after `retry_seconds`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from sqlalchemy.orm import Session, sessionmaker

from hotline import clock
from hotline.messages.dispatch import Report, dispatch
from hotline.messages.settings import MessagingSettings

log = logging.getLogger(__name__)

SENT_LOG = "hotline.messages.sent"  # the log channel's lines: shown at INFO


class OutboxDispatcher:
    """Delivers the outbox in a background thread: `start()`, `wake()`, `stop()`."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        messaging: MessagingSettings,
        *,
        poll_seconds: float = 1.0,
        retry_seconds: float = 10.0,
        owner: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.messaging = messaging
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:outbox"
        self.delivered = Report()  # everything this dispatcher settled since start
        self.database_failures = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the background thread; rows due now go at once."""
        sent_log = logging.getLogger(SENT_LOG)
        if sent_log.level == logging.NOTSET:  # the log channel is worth reading by default
            sent_log.setLevel(logging.INFO)
        self._thread = threading.Thread(target=self._loop, name="outbox-dispatcher", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look for due rows now instead of at the next poll."""
        self._wake.set()

    def stop(self, wait: bool = True, timeout: float | None = 30.0) -> None:
        """Stop after the batch in hand is settled (with `wait`, for up to `timeout` s)."""
        self._stop.set()
        self._wake.set()
        if wait and self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> Report:
        """One pass: deliver everything due now (raises when the database fails)."""
        clock.refresh()  # a shared manual clock may have been moved by another process
        report = dispatch(self.sessions, self.messaging, self.owner, stop=self._stop)
        self.delivered.add(report)
        if report.failed or report.lost:
            log.warning(
                "%s: %d message(s) failed for good, %d taken over by another dispatcher",
                self.owner,
                report.failed,
                report.lost,
            )
        return report

    def _loop(self) -> None:
        while not self._stop.is_set():
            wait = self.poll_seconds
            try:
                self.run_once()
            except Exception as exc:
                # The database is down or stalled: say so, keep the loop, try again later.
                self.database_failures += 1
                wait = self.retry_seconds
                log.error(
                    "%s: could not deliver messages (%s: %s); retrying in %g s",
                    self.owner,
                    type(exc).__name__,
                    str(exc).splitlines()[0] if str(exc) else "",
                    wait,
                )
            self._wake.wait(wait)
            self._wake.clear()
