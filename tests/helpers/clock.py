"""Time in tests: Shanghai wall time to ISO and back, and moving the service clock over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tests.conftest import Hotline

SH = ZoneInfo("Asia/Shanghai")
START = datetime(
    2026, 11, 23, 1, 0, tzinfo=UTC
)  # Monday 09:00 in Shanghai: the manual clock's start


def at(text: str) -> str:
    """ISO time in Shanghai, e.g. at("2026-11-23 09:31")."""
    return datetime.fromisoformat(text).replace(tzinfo=SH).isoformat()


def local(iso: str) -> str:
    """An API timestamp as Shanghai wall time, minutes precision."""
    return datetime.fromisoformat(iso).astimezone(SH).strftime("%Y-%m-%d %H:%M")


def move_clock(h: Hotline, when: str | datetime) -> int:
    """Set the service clock (Shanghai wall time or an aware instant); the timers fired."""
    now = at(when) if isinstance(when, str) else when.isoformat()
    response = h.admin.post("/api/v1/admin/clock", json={"now": now})
    assert response.status_code == 200, response.json
    return response.json["fired"]
