"""The working-day calendar: official holidays and 调休 days, plus admin-loaded overrides.

Semantics (the README quotes them):

* A day is a working day when the ``calendar_days`` table says so; otherwise when the
  ``chinesecalendar`` package says so (it knows 2004–2026, make-up working weekends
  included); otherwise, for a year nobody loaded, when it is Monday to Friday.
* Days are Asia/Shanghai calendar days, whatever the server's time zone.
* A limit of N working days ends at 24:00 Shanghai (00:00 of the following day) of the
  Nth working day after the start day; the start day itself never counts, even when the
  ticket arrives at 00:01 of a working day. Example: dispatched Wednesday 2026-09-30 10:00,
  3 working days end at 24:00 on Saturday 2026-10-10 (1–7 October are holidays, 8, 9 and
  the make-up Saturday 10 October are working days).
* An hour limit runs round the clock from the start instant, weekends and holidays
  included; it never depends on the calendar and is never provisional.
* A working-day deadline is *provisional* when any day it stepped over lies in a year
  neither the package nor the overrides know: those days were taken as Monday–Friday, and
  loading the year (``hotline calendar load FILE``) may move the deadline.
* Working time between two instants counts only the parts of working days, whole
  24-hour days (used for "remaining working time"); it is negative when the end is first.

Cost: no method steps day by day. Monday–Friday days are counted arithmetically and
corrected by the *exception days* (a holiday on a weekday, a 调休 working weekend, an
override) found by bisection in one sorted list, so a limit or a remaining time that
spans a thousand years costs as much as one that spans a week (issue 11 §3).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.clock import SHANGHAI
from hotline.models import CalendarDay

ONE_DAY = timedelta(days=1)
NOTE_MAX = 200  # calendar_days.note is String(200)


@dataclass(frozen=True)
class Deadline:
    """An instant a limit ends, and whether it rests on a year nobody loaded."""

    at: datetime  # aware UTC
    provisional: bool  # True when any day counted lies in a year nobody loaded


@lru_cache(maxsize=8192)
def official_working_day(day: date) -> bool | None:
    """The package's verdict on `day`, or None when it does not know the year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@lru_cache(maxsize=256)
def official_knows(year: int) -> bool:
    """Whether the package carries the holidays of `year`."""
    return official_working_day(date(year, 6, 1)) is not None


def shanghai_day(instant: datetime) -> date:
    """The Shanghai calendar day an aware instant falls on."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: deadlines need timezone-aware instants")
    return instant.astimezone(SHANGHAI).date()


def day_start(day: date) -> datetime:
    """00:00 Shanghai of `day`, as an aware UTC instant."""
    return datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)


class WorkingCalendar:
    """Working days: overrides first, then the official calendar, then Monday–Friday."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._override_years = frozenset(d.year for d in self._overrides)
        first, last = _official_years()
        self._extra_years = sorted(y for y in self._override_years if not first <= y <= last)
        self._exception_index: tuple[list[int], list[int]] | None = None  # built on first use

    @classmethod
    def load(cls, session: Session) -> WorkingCalendar:
        """The official calendar plus every row of `calendar_days`."""
        rows = session.execute(select(CalendarDay.day, CalendarDay.working))
        return cls({day: working for day, working in rows})

    def knows(self, year: int) -> bool:
        """Whether `year` is covered by the package or by any loaded override."""
        return year in self._override_years or official_knows(year)

    def missing_years(self, start: date, end: date) -> list[int]:
        """The years between `start` and `end` (inclusive, either order) nobody loaded."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if not self.knows(year)]

    def any_missing_year(self, start: date, end: date) -> bool:
        """Whether a year between `start` and `end` (inclusive) is unknown; O(log overrides)."""
        low, high = sorted((start.year, end.year))
        first, last = _official_years()
        covered = max(0, min(high, last) - max(low, first) + 1)
        # Override years outside the package's range also count as known.
        years = self._extra_years
        covered += bisect.bisect_right(years, high) - bisect.bisect_left(years, low)
        return covered < high - low + 1

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day; an unknown year falls back to Monday–Friday."""
        return self._verdict(day)

    def _verdict(self, day: date) -> bool:
        # The one rule for a day; the exception index below is built from it too.
        if day in self._overrides:
            return self._overrides[day]
        official = official_working_day(day)
        if official is not None:
            return official
        return day.weekday() < 5

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days lie in [`first`, `last`] (0 when `last` is before `first`)."""
        if last < first:
            return 0
        ordinals, deltas = self._exceptions()
        low = bisect.bisect_left(ordinals, first.toordinal())
        high = bisect.bisect_right(ordinals, last.toordinal())
        return (
            _weekdays_upto(last.toordinal())
            - _weekdays_upto(first.toordinal() - 1)
            + (deltas[high] - deltas[low])
        )

    def _nth_working_day_after(self, day: date, n: int) -> date:
        """The `n`th working day after `day` (which never counts): gallop, then bisect."""
        span = n + n // 2 + 7
        while self.working_days_between(day + ONE_DAY, day + timedelta(days=span)) < n:
            span *= 2  # a run of holidays longer than the guess: widen it
        low, high = n, span  # fewer than n days never hold n working days
        while low < high:
            middle = (low + high) // 2
            if self.working_days_between(day + ONE_DAY, day + timedelta(days=middle)) >= n:
                high = middle
            else:
                low = middle + 1
        return day + timedelta(days=low)

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        """24:00 Shanghai of the `n`th working day after `start`'s day (which never counts)."""
        if n < 1:
            raise ValueError(f"a working-day limit must be at least 1 day, got {n}")
        first = shanghai_day(start)
        day = self._nth_working_day_after(first, n)
        provisional = self.any_missing_year(first + ONE_DAY, day)
        return Deadline(day_start(day + ONE_DAY), provisional)

    def add_hours(self, start: datetime, hours: float) -> Deadline:
        """`start` plus `hours`, round the clock; never provisional."""
        if hours < 0:
            raise ValueError(f"an hour limit cannot be negative, got {hours}")
        shanghai_day(start)  # refuses naive datetimes
        return Deadline(start.astimezone(UTC) + timedelta(hours=hours), False)

    def next_working_day(self, start: datetime) -> datetime:
        """00:00 Shanghai of the first working day after `start`'s day (UTC)."""
        return day_start(self._nth_working_day_after(shanghai_day(start), 1))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Time between two instants that lies on working days; negative if `end` is first."""
        if end < start:
            return -self.working_time_between(end, start)
        first, last = shanghai_day(start), shanghai_day(end)
        if first == last:
            return end - start if self.is_working_day(first) else timedelta(0)
        total = timedelta(0)
        if self.is_working_day(first):
            total += day_start(first + ONE_DAY) - start
        if self.is_working_day(last):
            total += end - day_start(last)
        # Whole days between: 24 h each, corrected on the few days a clock change made
        # shorter or longer (Shanghai's summer time, 1940s and 1986–1991).
        inner_first, inner_last = first + ONE_DAY, last - ONE_DAY
        total += self.working_days_between(inner_first, inner_last) * ONE_DAY
        for day, change in _odd_length_days(inner_first, inner_last):
            if self.is_working_day(day):
                total += change
        return total

    def _exceptions(self) -> tuple[list[int], list[int]]:
        """Sorted ordinals of the days whose verdict differs from Monday–Friday, and the
        running sum of their corrections (+1 a working weekend day, −1 a weekday off)."""
        if self._exception_index is None:
            days = set(_official_exceptions()) | set(self._overrides)
            ordinals: list[int] = []
            deltas = [0]
            for day in sorted(days):
                working = self._verdict(day)
                if working != (day.weekday() < 5):
                    ordinals.append(day.toordinal())
                    deltas.append(deltas[-1] + (1 if working else -1))
            self._exception_index = (ordinals, deltas)
        return self._exception_index


def _weekdays_upto(ordinal: int) -> int:
    """Monday–Friday days among ordinals 1..`ordinal` (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=1)
def _official_years() -> tuple[int, int]:
    """The first and last year the package knows (a contiguous range)."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


@lru_cache(maxsize=1)
def _official_exceptions() -> frozenset[date]:
    """Days the package lists (holidays, 调休 working days) that differ from Monday–Friday."""
    listed = set(chinese_calendar.holidays) | set(chinese_calendar.workdays)
    return frozenset(
        day for day in listed if official_working_day(day) not in (None, day.weekday() < 5)
    )


@lru_cache(maxsize=1)
def _odd_length_days_all() -> tuple[tuple[date, timedelta], ...]:
    """Shanghai days that are not 24 h long (clock changes), found once per process.

    A month whose real length differs from its days × 24 h is scanned day by day; the tz
    database has no change for Shanghai after 1991 and before 1850 none matters here.
    """
    found = []
    for year in range(1850, 2101):
        for month in range(1, 13):
            first = date(year, month, 1)
            after = date(year + month // 12, month % 12 + 1, 1)
            if day_start(after) - day_start(first) == (after - first):
                continue
            day = first
            while day < after:
                change = day_start(day + ONE_DAY) - day_start(day) - ONE_DAY
                if change:
                    found.append((day, change))
                day += ONE_DAY
    return tuple(found)


def _odd_length_days(first: date, last: date) -> list[tuple[date, timedelta]]:
    """The days of `_odd_length_days_all` within [`first`, `last`]."""
    if last < first or last.year < 1850 or first.year > 2100:
        return []
    return [(day, change) for day, change in _odd_length_days_all() if first <= day <= last]
