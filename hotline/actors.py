"""Who acts: an API user or the system (timers, handlers). What each may do: `hotline.access`."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.statuses import SYSTEM_ROLE


@dataclass(frozen=True)
class Actor:
    """The caller of a domain function, as far as permissions and history care."""

    id: int | None
    name: str
    role: str
    unit_code: str | None = None
    reviewer: bool = False  # reviews the unit's knowledge articles
    confidential: bool = False  # named for the unit's confidential tickets (meizhou 第二十一条)


SYSTEM = Actor(id=None, name="system", role=SYSTEM_ROLE)
