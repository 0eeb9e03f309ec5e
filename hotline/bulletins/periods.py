"""The period a bulletin (通报) covers: a calendar month ("2026-10") or quarter ("2026-Q3"),
from midnight Shanghai time on its first day to midnight on the first day of the next."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hotline.calendar import day_start, shanghai_day
from hotline.policy.bulletins import PERIODS

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_QUARTER_WORDS = ("一", "二", "三", "四")
# The years a bulletin may cover: those the service clock can show (hotline.clock).
FIRST_YEAR, LAST_YEAR = 2000, 2199


@dataclass(frozen=True, order=True)
class Period:
    """One month (number 1–12) or quarter (number 1–4) of a year."""

    kind: str  # one of hotline.policy.bulletins.PERIODS
    year: int
    number: int

    @property
    def key(self) -> str:
        """The period as written in URLs and on the CLI: "2026-10" or "2026-Q3"."""
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def title(self) -> str:
        """The period as a bulletin names it: "2026年10月" or "2026年第三季度"."""
        if self.kind == "quarter":
            return f"{self.year}年第{_QUARTER_WORDS[self.number - 1]}季度"
        return f"{self.year}年{self.number}月"

    @property
    def first_day(self) -> date:
        """The first calendar day (Shanghai) of the period."""
        month = self.number if self.kind == "month" else 3 * self.number - 2
        return date(self.year, month, 1)

    @property
    def last_day(self) -> date:
        """The last calendar day (Shanghai) of the period."""
        return self.next().first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """The instant the period starts (UTC)."""
        return day_start(self.first_day)

    @property
    def end(self) -> datetime:
        """The instant the period ends, exclusive (UTC): the next period's start."""
        return self.next().start

    def days(self) -> list[date]:
        """Every calendar day of the period, in order."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    def next(self) -> Period:
        """The period right after this one."""
        last = 12 if self.kind == "month" else 4
        if self.number == last:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)

    def previous(self) -> Period:
        """The period right before this one."""
        last = 12 if self.kind == "month" else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)

    def contains(self, instant: datetime) -> bool:
        """Whether `instant` falls within the period."""
        return self.start <= instant.astimezone(UTC) < self.end


def parse_period(text: str) -> Period:
    """ "2026-10" (a month) or "2026-Q3" (a quarter); ValueError saying what is expected."""
    text = text.strip()
    month, quarter = _MONTH.match(text), _QUARTER.match(text)
    found = month or quarter
    if found and not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        raise ValueError(f"{text!r}: a period between {FIRST_YEAR} and {LAST_YEAR}, please")
    if month and 1 <= int(month.group(2)) <= 12:
        return Period("month", int(month.group(1)), int(month.group(2)))
    if quarter:
        return Period("quarter", int(quarter.group(1)), int(quarter.group(2)))
    raise ValueError(f"{text!r} is not a period: write a month as 2026-10 or a quarter as 2026-Q3")


def period_of(kind: str, when: datetime | date) -> Period:
    """The period of `kind` ("month" or "quarter") that contains `when` (Shanghai day)."""
    if kind not in PERIODS:
        raise ValueError(f"{kind!r} is not a period kind ({', '.join(PERIODS)})")
    day = shanghai_day(when) if isinstance(when, datetime) else when
    if kind == "quarter":
        return Period(kind, day.year, (day.month - 1) // 3 + 1)
    return Period(kind, day.year, day.month)


def last_ended(kind: str, now: datetime) -> Period:
    """The latest period of `kind` that has ended by `now`."""
    return period_of(kind, now).previous()
