"""Timers for deadlines and reminders: the `timers` table as queue, APScheduler as alarm.

- `fire_due` fires due timers exactly once, one transaction per instance.
- `TimerService` wakes at the earliest due time (plus a periodic sweep).
- `advance_clock` moves the manual clock, firing what falls due on the way.
- `OutboxDispatcher` delivers the outbox's messages in the background.
"""

from scheduler.clockdrive import Advance, ClockError, advance_clock, manual_clock
from scheduler.firing import Round, fire_due, fire_round, next_due
from scheduler.outbox import OutboxDispatcher
from scheduler.service import TimerService, running_services

__all__ = [
    "Advance",
    "ClockError",
    "OutboxDispatcher",
    "Round",
    "TimerService",
    "advance_clock",
    "fire_due",
    "fire_round",
    "manual_clock",
    "next_due",
    "running_services",
]
