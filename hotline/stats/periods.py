"""Periods of statistics: a day, week, month, quarter, year or any from–to range of
Shanghai calendar days, as the UTC instants [start, end) the facts are selected by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from hotline.clock import SHANGHAI

PERIODS = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """Shanghai days `first`..`last` (inclusive)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """00:00 Shanghai of the first day, in UTC."""
        return datetime.combine(self.first, time(0), tzinfo=SHANGHAI).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """00:00 Shanghai after the last day, in UTC (exclusive)."""
        following = self.last + timedelta(days=1)
        return datetime.combine(following, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def period_of(kind: str, day: date) -> Period:
    """The day, week (Monday to Sunday), month, quarter or year that holds `day`."""
    if kind == "day":
        return Period(day, day)
    if kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    if kind == "month":
        return Period(day.replace(day=1), _month_end(day.year, day.month))
    if kind == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Period(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    if kind == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period {kind!r}: one of {', '.join(PERIODS)}")


def month(text: str) -> Period:
    """The month `2026-10`."""
    return period_of("month", date.fromisoformat(f"{text}-01"))


def _month_end(year: int, month_no: int) -> date:
    following = date(year + month_no // 12, month_no % 12 + 1, 1)
    return following - timedelta(days=1)
