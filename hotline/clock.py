"""One clock for the whole service, SpiffWorkflow's timer checks included."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """The system clock; subclasses may hold time still for tests and drills."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that only moves when told to, and only forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The instant the clock was last set to."""
        return self._now

    def set(self, when: datetime) -> None:
        """Move to `when`; refuse to go back in time."""
        if when.tzinfo is None:
            raise ValueError("the new time must carry a timezone offset")
        when = when.astimezone(UTC)
        with self._lock:
            if when < self._now:
                raise ValueError(f"the clock only moves forward (now {self._now.isoformat()})")
            self._now = when

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.set(self._now + delta)


_clock: Clock = Clock()


def get_clock() -> Clock:
    """The clock in force."""
    return _clock


def set_clock(clock: Clock) -> None:
    """Install `clock` for the whole process, SpiffWorkflow timers included."""
    global _clock
    _clock = clock


def now() -> datetime:
    """The current instant by the service clock (UTC)."""
    return _clock.now()
