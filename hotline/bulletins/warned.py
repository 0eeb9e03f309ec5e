"""The bulletin's hot spots: the warnings (热点预警) seen during the period, from
hotline.hotspots.warnings_in, largest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.bulletins.content import Column, Section, shown_time
from hotline.bulletins.periods import Period
from hotline.hotspots import warnings_in
from hotline.models import Unit
from hotline.statuses import CATEGORY_LABELS

HOTSPOT_COLUMNS = (
    Column("topic", "热点（关键词）"),
    Column("category", "类型"),
    Column("district", "区县"),
    Column("count", "诉求数", "int"),
    Column("expected", "基线预期", "float"),
    Column("ratio", "倍数", "float"),
    Column("first_seen", "首次预警"),
    Column("units", "涉及单位"),
    Column("status", "状态"),
)
STATUS_TITLES = {"open": "待签收", "acknowledged": "已签收", "closed": "已结束"}


def hotspot_section(session: Session, period: Period) -> Section:
    """The hot spots warned of during the period (热点问题)."""
    names = dict(session.execute(select(Unit.code, Unit.name)).tuples().all())
    rows = tuple(_row(w, names) for w in warnings_in(session, period.start, period.end))
    note = "本期发出或仍在持续的热点预警，按诉求数排列"
    return Section("hotspots", "热点问题", HOTSPOT_COLUMNS, rows, note=note)


def _row(warning: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {
        "warning_id": warning["id"],
        "topic": "、".join(warning["keywords"]),
        "category": CATEGORY_LABELS.get(warning["category"], warning["category"]),
        "district": warning["district"],
        "count": warning["count"],
        "expected": warning["expected"],
        "ratio": warning["ratio"],
        "first_seen": shown_time(warning["first_seen_at"].isoformat()),
        "units": "、".join(names.get(u["unit"], u["unit"]) for u in warning["units"]),
        "status": STATUS_TITLES.get(str(warning["status"]), str(warning["status"])),
        "tickets": list(warning["tickets"]),
    }
