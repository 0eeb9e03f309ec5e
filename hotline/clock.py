"""One clock for the whole service, SpiffWorkflow's timer checks included.

`HOTLINE_CLOCK=manual` runs on a `ManualClock`; a deployed service uses the database-backed
one in hotline.clock_shared, so every worker and scheduler reads the same instant.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# default_not_from_regulation: no regulation bounds a drill clock. Ten years covers any
# replay or training scenario; a 1,000-year jump once made one ticket read take 9 s.
MAX_MOVE = timedelta(days=3653)
# The instants the manual clock may show: deadlines computed from them (years of working
# days at most) stay far inside what datetime and the calendar arithmetic handle.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class ClockError(ValueError):
    """The clock cannot be set: it is not manual, or the time would go backwards."""


def range_problem(when: datetime) -> str | None:
    """Why the manual clock may not show `when`, or None."""
    if not EARLIEST <= when < LATEST:
        return (
            f"{when.isoformat()} is outside the manual clock's range "
            f"[{EARLIEST.date().isoformat()}, {LATEST.date().isoformat()})"
        )
    return None


def move_problem(current: datetime, when: datetime) -> str | None:
    """Why the manual clock may not move from `current` to `when`, or None (forward only)."""
    if when.tzinfo is None:
        return "the new time must carry a timezone offset"
    if when < current:
        return (
            f"the clock only moves forward: it is {current.isoformat()}, "
            f"not before {when.isoformat()}"
        )
    if when - current > MAX_MOVE:
        return (
            f"a move may go at most {MAX_MOVE.days} days ahead "
            f"(until {(current + MAX_MOVE).isoformat()})"
        )
    return range_problem(when)


class Clock:
    """The system clock; subclasses may hold time still for tests and drills."""

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        return datetime.now(UTC)

    def refresh(self) -> None:
        """Catch up with a clock kept elsewhere (the database); the system clock needs not."""


class ManualClock(Clock):
    """A clock that only moves when told to, and only forward (this process only)."""

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


def refresh() -> None:
    """Re-read a shared clock: once at the start of each request and scheduler run."""
    _clock.refresh()
