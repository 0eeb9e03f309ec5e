"""The working-day calendar: 2026 National Day, make-up Saturdays, unknown years, overrides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from hotline.calendar import WorkingCalendar
from hotline.calendar_file import CalendarFileError, load_calendar_file
from hotline.clock import SHANGHAI
from hotline.db import make_engine, make_session_factory, transaction
from hotline.models import CalendarDay
from wiring.cli_calendar import calendar as calendar_group

DATA = Path(__file__).parent / "data"
OFFICIAL = WorkingCalendar()


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An instant in Shanghai time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions over a fresh, migrated database (SQLite and PostgreSQL)."""
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def stored(sessions: sessionmaker[Session]) -> dict[date, tuple[bool, str | None]]:
    """Every calendar_days row."""
    with transaction(sessions) as session:
        rows = session.execute(select(CalendarDay.day, CalendarDay.working, CalendarDay.note))
        return {day: (working, note) for day, working, note in rows}


# --- the official calendar -------------------------------------------------------------


def test_chinesecalendar_knows_the_2026_national_day_holiday() -> None:
    """2026: 1–7 October off, Thursday 8 and Friday 9 worked, Saturday 10 a make-up day."""
    for day in range(1, 8):
        assert not OFFICIAL.is_working_day(date(2026, 10, day)), day
    assert OFFICIAL.is_working_day(date(2026, 9, 30))
    assert OFFICIAL.is_working_day(date(2026, 10, 8))
    assert OFFICIAL.is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert not OFFICIAL.is_working_day(date(2026, 10, 11))  # Sunday
    assert OFFICIAL.knows(2026) and OFFICIAL.knows(2004)
    assert not OFFICIAL.knows(2027) and not OFFICIAL.knows(2003)


def test_three_working_days_across_national_day_end_at_24_00_of_saturday_10_october() -> None:
    """Dispatched Wed 30 Sep 10:00: days 8, 9 and the make-up Saturday 10 October count."""
    deadline = OFFICIAL.add_working_days(sh(2026, 9, 30, 10), 3)
    assert deadline.at == sh(2026, 10, 11)  # 24:00 on 10 October
    assert deadline.at.tzinfo == UTC
    assert deadline.provisional is False


def test_the_start_day_never_counts_even_at_one_minute_past_midnight() -> None:
    """Thursday 2026-11-26 00:01 plus one working day ends at 24:00 on Friday."""
    assert OFFICIAL.add_working_days(sh(2026, 11, 26, 0, 1), 1).at == sh(2026, 11, 28)


def test_an_ordinary_weekend_is_skipped() -> None:
    """Friday 2026-11-27 16:00 plus one working day ends at 24:00 on Monday 30 November."""
    assert OFFICIAL.add_working_days(sh(2026, 11, 27, 16), 1).at == sh(2026, 12, 1)


def test_a_start_on_a_holiday_counts_from_the_next_working_day() -> None:
    """Saturday 3 October (holiday) plus one working day ends at 24:00 on 8 October."""
    assert OFFICIAL.add_working_days(sh(2026, 10, 3, 15), 1).at == sh(2026, 10, 9)


def test_hours_run_round_the_clock_through_the_holiday() -> None:
    """Four clock hours from 30 Sep 22:00 end at 1 Oct 02:00; never provisional."""
    deadline = OFFICIAL.add_hours(sh(2026, 9, 30, 22), 4)
    assert deadline.at == sh(2026, 10, 1, 2)
    assert deadline.provisional is False
    assert OFFICIAL.add_hours(sh(2027, 3, 1, 9), 4).provisional is False  # unknown year


def test_next_working_day_skips_the_holiday_and_finds_the_make_up_saturday() -> None:
    """After 30 Sep comes 8 Oct; after Friday 9 Oct comes the make-up Saturday 10 Oct."""
    assert OFFICIAL.next_working_day(sh(2026, 9, 30, 10)) == sh(2026, 10, 8)
    assert OFFICIAL.next_working_day(sh(2026, 10, 9, 23, 59)) == sh(2026, 10, 10)


def test_working_time_counts_only_working_days_and_is_negative_when_overdue() -> None:
    """30 Sep 18:00 → 8 Oct 06:00 is 12 working hours; the reverse is −12 h."""
    start, end = sh(2026, 9, 30, 18), sh(2026, 10, 8, 6)
    assert OFFICIAL.working_time_between(start, end) == timedelta(hours=12)
    assert OFFICIAL.working_time_between(end, start) == timedelta(hours=-12)
    assert OFFICIAL.working_time_between(sh(2026, 10, 2), sh(2026, 10, 5)) == timedelta(0)


def test_naive_datetimes_and_empty_limits_are_refused() -> None:
    """Deadlines need aware instants; a working-day limit is at least one day."""
    with pytest.raises(ValueError, match="naive"):
        OFFICIAL.add_working_days(datetime(2026, 9, 30, 10), 1)
    with pytest.raises(ValueError, match="at least 1"):
        OFFICIAL.add_working_days(sh(2026, 9, 30, 10), 0)
    with pytest.raises(ValueError, match="negative"):
        OFFICIAL.add_hours(sh(2026, 9, 30, 10), -1)


# --- years nobody loaded ---------------------------------------------------------------


def test_2027_is_unknown_falls_back_to_monday_to_friday_and_is_provisional() -> None:
    """Thu 2026-12-31 + 3 working days: Fri 1, Mon 4, Tue 5 January 2027, provisional."""
    assert OFFICIAL.missing_years(date(2026, 12, 31), date(2027, 1, 5)) == [2027]
    assert OFFICIAL.is_working_day(date(2027, 1, 1))  # no holiday known: a plain Friday
    assert not OFFICIAL.is_working_day(date(2027, 1, 2))
    deadline = OFFICIAL.add_working_days(sh(2026, 12, 31, 10), 3)
    assert deadline == type(deadline)(sh(2027, 1, 6).astimezone(UTC), True)
    assert OFFICIAL.add_working_days(sh(2026, 12, 28, 10), 3).provisional is False


def test_an_override_makes_the_year_known_and_the_deadline_final() -> None:
    """With 1 January 2027 loaded as a holiday the deadline moves and is no longer provisional."""
    calendar = WorkingCalendar({date(2027, 1, 1): False})
    assert (
        calendar.knows(2027) and calendar.missing_years(date(2027, 1, 1), date(2027, 12, 31)) == []
    )
    deadline = calendar.add_working_days(sh(2026, 12, 31, 10), 3)
    assert (deadline.at, deadline.provisional) == (sh(2027, 1, 7), False)


def test_overrides_win_over_the_official_calendar() -> None:
    """An admin may turn an official working day into a holiday (e.g. a local one)."""
    calendar = WorkingCalendar({date(2026, 10, 8): False, date(2026, 10, 11): True})
    assert not calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 11))
    assert calendar.add_working_days(sh(2026, 9, 30, 10), 3).at == sh(2026, 10, 12)


# --- loading override files ------------------------------------------------------------


def test_loading_a_2027_csv_makes_2027_known_and_deadlines_final(
    sessions: sessionmaker[Session], manual_clock: object
) -> None:
    """`calendar_days` gets the rows; the loaded calendar knows 2027; years_loaded names it."""
    with transaction(sessions) as session:
        result = load_calendar_file(session, DATA / "calendar-2027.csv")
    assert result == {"days": 9, "years": [2027], "years_loaded": [2027]}
    rows = stored(sessions)
    assert rows[date(2027, 1, 1)] == (False, "元旦")
    assert rows[date(2027, 2, 20)] == (True, "春节调休上班")
    with transaction(sessions) as session:
        calendar = WorkingCalendar.load(session)
    assert calendar.knows(2027)
    deadline = calendar.add_working_days(sh(2026, 12, 31, 10), 3)
    assert (deadline.at, deadline.provisional) == (sh(2027, 1, 7), False)
    # Loading again updates in place and no year is new any more.
    with transaction(sessions) as session:
        again = load_calendar_file(session, DATA / "calendar-2027.csv")
    assert again["years_loaded"] == [] and len(stored(sessions)) == 9


def test_loading_json_upserts_over_earlier_rows(
    sessions: sessionmaker[Session], manual_clock: object, tmp_path: Path
) -> None:
    """JSON [{date, working, note}] with real booleans; a day given again is replaced."""
    with transaction(sessions) as session:
        load_calendar_file(session, DATA / "calendar-2027.csv")
    path = tmp_path / "fix.json"
    path.write_text(
        json.dumps(
            [
                {"date": "2027-01-01", "working": True, "note": "corrected"},
                {"date": "2028-01-03", "working": 0},
            ]
        )
    )
    with transaction(sessions) as session:
        result = load_calendar_file(session, path)
    assert result == {"days": 2, "years": [2027, 2028], "years_loaded": [2028]}
    rows = stored(sessions)
    assert rows[date(2027, 1, 1)] == (True, "corrected")
    assert rows[date(2028, 1, 3)] == (False, None)


def load_bad_file(sessions: sessionmaker[Session], path: Path, text: str) -> str:
    """Write `text` to `path` and load it; the message of the CalendarFileError it raises."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalendarFileError) as caught, transaction(sessions) as session:
        load_calendar_file(session, path)
    return str(caught.value)


BAD_CSV = [
    ("date,working,note\n2027-01-01,1,ok\n2027-13-01,0,x\n", "line 3", "not a date"),
    ("date,working,note\n2027-01-01,yes,x\n", "line 2", "'working' must be 1, 0, true or false"),
    (
        "date,working\n2027-01-01,1\n2027-01-02,0\n2027-01-01,0\n",
        "line 4",
        "already given on line 2",
    ),
    ("day,working\n2027-01-01,1\n", "line 1", "header lacks date"),
    ("date,working,colour\n2027-01-01,1,red\n", "line 1", "unknown column(s) colour"),
    ("date,working,note\n2027-01-01,1,x,extra\n", "line 2", "more cells than header fields"),
    ("date,working,note\n2027-01-01,,x\n", "line 2", "'working' is missing"),
    ("date,working,note\n20270101,1,x\n", "line 2", "not a date"),
    ("date,working,note\n", "", "no calendar days"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BAD_CSV)
def test_a_bad_csv_row_names_its_line_and_stores_nothing(
    sessions: sessionmaker[Session],
    manual_clock: object,
    tmp_path: Path,
    text: str,
    line: str,
    problem: str,
) -> None:
    """Every row is checked before any is written."""
    path = tmp_path / "bad.csv"
    message = load_bad_file(sessions, path, text)
    assert str(path) in message and line in message and problem in message, message
    assert stored(sessions) == {}


BAD_JSON = [
    (
        '[\n  {"date": "2027-01-01", "working": 1},\n  {"date": "2027-01-02", "working": 2}\n]',
        "line 3",
        "'working' must be",
    ),
    (
        '[\n  {"date": "2027-01-01", "working": 1},\n  {"date": "2027-01-02" "working": 0}\n]',
        "line 3",
        "invalid JSON",
    ),
    ('{"date": "2027-01-01", "working": 1}', "line 1", "expected a JSON array"),
    ('[\n  "2027-01-01"\n]', "line 2", "expected an object"),
    ('[\n  {"date": "2027-01-01", "working": 1, "holiday": true}\n]', "line 2", "unknown field"),
    ('[\n  {"date": 20270101, "working": 1}\n]', "line 2", "'date' must be text"),
]


@pytest.mark.parametrize(("text", "line", "problem"), BAD_JSON)
def test_a_bad_json_entry_names_its_line_and_stores_nothing(
    sessions: sessionmaker[Session],
    manual_clock: object,
    tmp_path: Path,
    text: str,
    line: str,
    problem: str,
) -> None:
    """JSON errors name the line the entry starts on."""
    message = load_bad_file(sessions, tmp_path / "bad.json", text)
    assert line in message and problem in message, message
    assert stored(sessions) == {}


def test_other_file_types_are_refused(tmp_path: Path) -> None:
    """Only .csv and .json are read."""
    path = tmp_path / "days.txt"
    path.write_text("2027-01-01 0\n")
    with pytest.raises(CalendarFileError, match=r"expected a \.csv or \.json file"):
        load_calendar_file(None, path)  # type: ignore[arg-type]


# --- the CLI ---------------------------------------------------------------------------


def test_cli_calendar_load_prints_what_it_loaded(database_url: str, tmp_path: Path) -> None:
    """`hotline calendar load FILE` stores the days and names the new year."""
    env = {"HOTLINE_DATABASE_URL": database_url, "HOTLINE_VAR_DIR": str(tmp_path / "var")}
    env.update({"HOTLINE_CLOCK": "system", "HOTLINE_PROFILE": "guangyuan"})
    result = CliRunner().invoke(calendar_group, ["load", str(DATA / "calendar-2027.csv")], env=env)
    assert result.exit_code == 0, result.output
    assert "loaded 9 calendar day(s) for 2027" in result.output
    assert "newly known year(s): 2027" in result.output
    engine = make_engine(database_url)
    with transaction(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(CalendarDay)) == 9
        assert WorkingCalendar.load(session).knows(2027)
    engine.dispose()


def test_cli_calendar_load_refuses_a_bad_file_cleanly(database_url: str, tmp_path: Path) -> None:
    """A bad row: exit code 1, the line and problem on the output, nothing stored."""
    path = tmp_path / "bad.csv"
    path.write_text("date,working,note\n2027-01-01,1,ok\n2027-02-30,0,x\n")
    env = {"HOTLINE_DATABASE_URL": database_url, "HOTLINE_VAR_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(calendar_group, ["load", str(path)], env=env)
    assert result.exit_code == 1
    assert "line 3" in result.output and "not a date" in result.output
    assert "Traceback" not in result.output
    engine = make_engine(database_url)
    with transaction(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(CalendarDay)) == 0
    engine.dispose()
