"""Working-time arithmetic costs O(exception days), not O(days): issue 11 §3 fifth bullet.

Moving the manual clock 1,000 years made one ticket read step through 365,000 days. The
calendar now counts Monday–Friday arithmetically and corrects by the holidays, 调休
working weekends and overrides in range; these tests compare it with the plain
day-by-day reference on random ranges (years the package knows, years nobody loaded,
overrides, Shanghai's old summer-time days) and count the day look-ups a read costs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from hotline.calendar import ONE_DAY, Deadline, WorkingCalendar, day_start, shanghai_day
from hotline.clock import SHANGHAI, ManualClock
from hotline.deadlines import remaining_working_time
from hotline.models import Ticket
from tests.conftest import Hotline

SEED = 20261123


class Reference(WorkingCalendar):
    """The calendar as it was: one step per day. Slow and obviously right."""

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        day = shanghai_day(start)
        provisional = False
        counted = 0
        while counted < n:
            day += ONE_DAY
            provisional = provisional or not self.knows(day.year)
            if self.is_working_day(day):
                counted += 1
        return Deadline(day_start(day + ONE_DAY), provisional)

    def next_working_day(self, start: datetime) -> datetime:
        day = shanghai_day(start) + ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day_start(day)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta(0)
        day, last = shanghai_day(start), shanghai_day(end)
        while day <= last:
            if self.is_working_day(day):
                low = max(start, day_start(day))
                high = min(end, day_start(day + ONE_DAY))
                if high > low:
                    total += high - low
            day += ONE_DAY
        return total


def random_overrides(rng: random.Random) -> dict[date, bool]:
    """Overrides in a known year (2026), unknown years (2027, 2031, 1999) and a long run."""
    overrides: dict[date, bool] = {}
    for year in (2026, 2027, 2031, 1999):
        for _ in range(25):
            overrides[date(year, 1, 1) + timedelta(days=rng.randrange(365))] = rng.random() < 0.5
    start = date(2029, 2, 1)  # three weeks off in a row: galloping must widen its guess
    for offset in range(21):
        overrides[start + timedelta(days=offset)] = False
    return overrides


def random_instant(rng: random.Random, first_year: int, last_year: int) -> datetime:
    """An instant between 1 January `first_year` and 31 December `last_year`, Shanghai."""
    low = datetime(first_year, 1, 1, tzinfo=SHANGHAI)
    high = datetime(last_year, 12, 31, 23, 59, tzinfo=SHANGHAI)
    seconds = rng.randrange(int((high - low).total_seconds()))
    return (low + timedelta(seconds=seconds)).astimezone(UTC)


@pytest.fixture(params=["official", "overrides"])
def pair(request: pytest.FixtureRequest) -> tuple[WorkingCalendar, Reference]:
    """The fast calendar and the reference over the same days."""
    overrides = random_overrides(random.Random(SEED)) if request.param == "overrides" else {}
    return WorkingCalendar(overrides), Reference(overrides)


# The ranges: years the package knows (2004–2026), years nobody loaded on both sides
# (2027+, 1995–2003), and 1984–1993, whose summer-time days are 23 or 25 hours long.
SPANS = [(2003, 2028), (2024, 2032), (1984, 1993), (1995, 2006)]


def test_add_working_days_equals_the_day_by_day_count_on_random_starts(pair) -> None:
    """Same day and same provisional flag for 1–400 working days from random instants."""
    fast, slow = pair
    rng = random.Random(SEED + 1)
    for first_year, last_year in SPANS:
        for _ in range(80):
            start = random_instant(rng, first_year, last_year)
            n = rng.choice([1, 2, 3, 5, 10, 15, 30, 60, 400, rng.randrange(1, 90)])
            assert fast.add_working_days(start, n) == slow.add_working_days(start, n), (start, n)


def test_next_working_day_equals_the_day_by_day_search(pair) -> None:
    """The first working day after random instants, holidays and override runs included."""
    fast, slow = pair
    rng = random.Random(SEED + 2)
    starts = [datetime(2029, 1, 31, 12, tzinfo=SHANGHAI), datetime(2026, 9, 30, tzinfo=SHANGHAI)]
    starts += [random_instant(rng, *SPANS[rng.randrange(len(SPANS))]) for _ in range(300)]
    for start in starts:
        assert fast.next_working_day(start) == slow.next_working_day(start), start


def test_working_time_between_equals_the_day_by_day_sum(pair) -> None:
    """Random pairs of instants, minutes to three years apart, in both orders."""
    fast, slow = pair
    rng = random.Random(SEED + 3)
    for first_year, last_year in SPANS:
        for _ in range(60):
            start = random_instant(rng, first_year, last_year)
            span = timedelta(seconds=rng.choice([600, 86_400 * 3, 86_400 * 40, 86_400 * 1100]))
            end = start + span * rng.random()
            assert fast.working_time_between(start, end) == slow.working_time_between(start, end)
            assert fast.working_time_between(end, start) == slow.working_time_between(end, start)


def test_provisional_marks_any_unknown_year_stepped_over() -> None:
    """Provisional exactly when a counted day lies in a year nobody loaded (README rule)."""
    cal = WorkingCalendar({date(2031, 3, 2): True})
    dec = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)
    assert cal.add_working_days(dec, 3).provisional is False  # 29–31 December 2026
    assert cal.add_working_days(dec, 4).provisional is True  # 1 January 2027
    assert cal.any_missing_year(date(2031, 1, 1), date(2031, 12, 31)) is False  # override year
    assert cal.any_missing_year(date(2030, 1, 1), date(2031, 12, 31)) is True
    assert cal.any_missing_year(date(2004, 1, 1), date(2026, 12, 31)) is False
    assert cal.any_missing_year(date(2003, 12, 31), date(2004, 1, 1)) is True


@pytest.fixture
def day_steps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[date]]:
    """Every day the calendar is asked about, in order."""
    asked: list[date] = []
    original = WorkingCalendar.is_working_day

    def counted(self: WorkingCalendar, day: date) -> bool:
        asked.append(day)
        return original(self, day)

    monkeypatch.setattr(WorkingCalendar, "is_working_day", counted)
    yield asked


def test_a_thousand_years_cost_a_handful_of_day_look_ups(day_steps: list[date]) -> None:
    """Remaining time to a due date 1,000 years away and 260,000 working days: few look-ups.

    Day by day this was 365,000 look-ups (9 s for one ticket read, and a dead worker).
    """
    cal = WorkingCalendar({date(2500, 5, 3): False})
    now = datetime(2026, 11, 23, 9, tzinfo=SHANGHAI)
    due = now.replace(year=3026)
    left = cal.working_time_between(now, due)
    # Counted independently: Monday 2026-11-23 from 09:00 (15 h), Thursday 3026-11-23 to
    # 09:00 (9 h), and between them every Monday–Friday day (2026 has no holiday left
    # after 23 November; later years nobody loaded) except the override, a Monday.
    weekdays = sum(
        1
        for ordinal in range(date(2026, 11, 24).toordinal(), date(3026, 11, 23).toordinal())
        if date.fromordinal(ordinal).weekday() < 5
    )
    assert (date(2026, 11, 23).weekday(), date(3026, 11, 23).weekday()) == (0, 3)
    assert date(2500, 5, 3).weekday() < 5
    assert left == timedelta(hours=15 + 9) + (weekdays - 1) * ONE_DAY
    deadline = cal.add_working_days(now, 260_000)
    assert deadline.provisional is True
    assert len(day_steps) <= 4, f"{len(day_steps)} day look-ups"


def test_a_page_of_100_tickets_due_decades_away_costs_few_day_look_ups(
    hotline: Hotline, manual_clock: ManualClock, day_steps: list[date]
) -> None:
    """GET /api/v1/tickets?per_page=100 with every due date 30 years out: ≤ 2 look-ups a row.

    Each row shows its remaining working time; day by day that was 11,000 steps per row.
    """
    first = hotline.new_ticket()
    due = manual_clock.now() + timedelta(days=365 * 30)
    with hotline.services.transaction() as session:
        model = session.scalars(select(Ticket).where(Ticket.number == first["number"])).one()
        columns = {c.key: getattr(model, c.key) for c in Ticket.__table__.columns}
        del columns["id"]
        for index in range(1, 100):
            session.add(Ticket(**{**columns, "number": f"{first['number']}-{index:03d}"}))
        session.flush()
        for ticket in session.scalars(select(Ticket)):
            ticket.due_at, ticket.status = due, "handling"
    expected = remaining_working_time(Reference(), manual_clock.now(), due)
    day_steps.clear()
    response = hotline.center.get("/api/v1/tickets?per_page=100")
    looked_up = len(day_steps)
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert len(items) == 100
    assert {item["remaining_working_seconds"] for item in items} == {int(expected.total_seconds())}
    assert looked_up <= 2 * 100, f"{looked_up} day look-ups for one page"


def test_a_ticket_read_after_the_clock_moved_1000_years_is_cheap(
    hotline: Hotline, manual_clock: ManualClock, day_steps: list[date]
) -> None:
    """The drill clock set 1,000 years ahead: the ticket reads as overdue with 0 s left."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    manual_clock.set(manual_clock.now().replace(year=3026))
    day_steps.clear()
    ticket = hotline.ticket(number)
    assert ticket["remaining_working_seconds"] == 0
    assert len(day_steps) <= 4, f"{len(day_steps)} day look-ups"
