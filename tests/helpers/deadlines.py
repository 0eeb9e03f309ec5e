"""Deadlines computed in Python per profile: the official calendar, the five profiles and the
two reference instants (the day before National Day 2026 and an ordinary Monday)."""

from __future__ import annotations

from datetime import datetime

from hotline.calendar import WorkingCalendar
from hotline.clock import SHANGHAI
from hotline.deadlines import TicketDeadlines, compute_deadlines, dispatch_due
from hotline.policy import load_profile
from hotline.policy.model import Profile
from hotline.returns import return_due
from tests.helpers.profiles import PROFILES

CAL = WorkingCalendar()
GY, GZ, GX, MZ, PY = (load_profile(n) for n in PROFILES)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An instant in Shanghai time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


WED = sh(2026, 9, 30, 10)  # the last working day before National Day
MON = sh(2026, 11, 23, 9)  # an ordinary week


def due(
    profile: Profile,
    category: str,
    urgency: str = "normal",
    channel: str = "phone",
    at: datetime = WED,
    cal: WorkingCalendar = CAL,
    **kw: object,
) -> TicketDeadlines:
    """compute_deadlines, by default with the official calendar."""
    return compute_deadlines(
        profile, cal, category=category, urgency=urgency, channel=channel, dispatched_at=at, **kw
    )


def dispatch(profile: Profile, category: str, urgency: str = "normal") -> datetime | None:
    """When the center must dispatch a ticket taken in on WED 10:00."""
    found = dispatch_due(
        profile, CAL, category=category, urgency=urgency, channel="phone", received_at=WED
    )
    return None if found is None else found.at


def returned(profile: Profile, urgency: str = "normal", acked: datetime | None = None) -> tuple:
    """return_due of a help ticket dispatched on WED 10:00 (acknowledged at `acked`)."""
    return return_due(profile, CAL, category="help", urgency=urgency, channel="phone",
                      dispatched_at=WED, acknowledged_at=acked)  # fmt: skip
