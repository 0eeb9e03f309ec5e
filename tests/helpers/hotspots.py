"""Hot-spot warnings in tests: background demands written directly, detection, the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import TYPE_CHECKING, Any

from hotline import clock
from hotline.hotspots import detect
from hotline.models import Ticket

if TYPE_CHECKING:
    from tests.conftest import Hotline

URL = "/api/v1/warnings"
# Everyday demands of 利州区 with nothing in common with a noise cluster.
BACKGROUND = (
    "滨河路路灯不亮，晚上很黑",
    "东坝街道垃圾桶满了没有清运",
    "小区门口下水道堵塞冒出来",
    "公交车晚点，班次太少",
    "咨询社保卡补办需要什么材料",
)
_numbers = count(1)


def add_background(h: Hotline, days: int = 28, per_day: int = 5, district: str = "利州区") -> None:
    """`per_day` ordinary complaints a day over the `days` days before the window."""
    now = clock.now()
    with h.services.transaction() as session:
        for day in range(2, days + 2):
            for i in range(per_day):
                created = now - timedelta(days=day, hours=i)
                session.add(_ticket(BACKGROUND[(day + i) % len(BACKGROUND)], district, created))


def _ticket(content: str, district: str, created: datetime) -> Ticket:
    n = next(_numbers)
    return Ticket(
        number=f"BG{n:08d}",
        channel="phone",
        category="complaint",
        urgency="normal",
        requester_name="李四",
        requester_phone=f"1390000{n % 10000:04d}",
        content=content,
        district=district,
        status="closed",
        created_at=created,
        updated_at=created,
        closed_at=created,
    )


def run_detection(h: Hotline, now: datetime | None = None) -> list[int]:
    """The daily detection at `now` (default: the service clock); ids of warnings touched."""
    with h.services.transaction() as session:
        touched = detect(session, h.services.runtime, now or clock.now())
        return [w.id for w in touched]


def warnings(caller: Any, **query: Any) -> list[dict[str, Any]]:
    """The warnings `caller` sees (first page)."""
    response = caller.get(URL, query_string=query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def warning(caller: Any, warning_id: int, expect: int = 200) -> dict[str, Any]:
    """One warning as `caller` sees it."""
    response = caller.get(f"{URL}/{warning_id}")
    assert response.status_code == expect, response.json
    return response.json
