"""Move the manual clock forward, firing every timer that falls due on the way, in order.

The clock is stepped to just past each pending due time in turn, so handlers see the
time their timer fell due and a reminder fires before the deadline that follows it,
even when one jump passes both.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from hotline import clock
from hotline.clock import ClockError
from processes.host import Advance, Host
from scheduler.firing import fire_round, next_due
from scheduler.service import running_services

# SpiffWorkflow fires a date timer once `due < now`: step just past it.
TICK = timedelta(microseconds=1)
# How long to wait for another scheduler that holds a due instance's lock.
LOCKED_PATIENCE_SECONDS = 30.0

_lock = threading.Lock()

__all__ = ["Advance", "ClockError", "advance_clock", "manual_clock"]


def manual_clock() -> clock.ManualClock:
    """The service's manual clock; ClockError when the service runs on the system clock."""
    current = clock.get_clock()
    if not isinstance(current, clock.ManualClock):
        raise ClockError("the service clock is not manual (set HOTLINE_CLOCK=manual)")
    return current


def advance_clock(
    services: Host, when: datetime, *, owner: str = "clock", batch: int = 50
) -> Advance:
    """Move the manual clock to `when` (forward only), firing what falls due, in due order."""
    if when.tzinfo is None:
        raise ClockError("the new time must carry a timezone offset")
    manual = manual_clock()
    with _lock:  # two clock moves at once would interleave their steps
        manual.refresh()  # another worker may have moved the shared clock
        problem = clock.move_problem(manual.now(), when)
        if problem:
            raise ClockError(problem)
        result = Advance(now=manual.now())
        skip: set[int] = set()
        waited_since: float | None = None
        while True:
            due = next_due(services, exclude=skip | set(result.failed))
            step = when
            if due is not None and due < when:
                step = max(due + TICK, manual.now())
            try:
                manual.set(step)
            except ValueError as exc:  # another worker moved the shared clock past `step`
                raise ClockError(f"the clock was moved meanwhile: {exc}") from None
            fired = fire_round(
                services, owner=owner, now=step, batch=batch, exclude=skip | set(result.failed)
            )
            result.fired += fired.fired
            result.failed.update(fired.failed)
            if fired.instances and not fired.fired:
                skip.update(fired.instances)  # processed, nothing fired: never step on them again
            progressed = bool(fired.fired or fired.failed or fired.instances or fired.more)
            if step == when and not progressed:
                break
            if progressed:
                waited_since = None
            elif step < when:
                # Due but nothing claimable: another scheduler holds it; let it finish.
                waited_since = waited_since or time.monotonic()
                if time.monotonic() - waited_since > LOCKED_PATIENCE_SECONDS:
                    try:
                        manual.set(when)
                    except ValueError as exc:
                        raise ClockError(f"the clock was moved meanwhile: {exc}") from None
                    break
                time.sleep(0.01)
        result.now = manual.now()
    for service in running_services():
        service.wake()  # their wake jobs were computed against the old time
    return result
