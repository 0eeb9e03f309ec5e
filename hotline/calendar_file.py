"""Admin calendar override files (CSV `date,working,note` or JSON): read strictly, then stored.

One bad row stores nothing and names its line; `hotline calendar load FILE` is the caller.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hotline import clock
from hotline.calendar import NOTE_MAX, WorkingCalendar
from hotline.models import CalendarDay


class CalendarFileError(ValueError):
    """A calendar file that cannot be loaded; the message names the file, line and problem."""


@dataclass(frozen=True)
class _Row:
    line: int
    day: date
    working: bool
    note: str | None


_TRUE = {"1", "true"}
_FALSE = {"0", "false"}


def _parse_working(value: Any) -> bool:
    # JSON may carry real booleans; CSV only text. 1/0 are accepted in both.
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"'working' must be 1, 0, true or false, got {value!r}")


def _parse_row(line: int, record: Mapping[str, Any]) -> _Row:
    """Validate one record; raise ValueError describing the first problem."""
    unknown = sorted(set(record) - {"date", "working", "note"})
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; expected date, working, note")
    for field in ("date", "working"):
        if record.get(field) in (None, ""):
            raise ValueError(f"'{field}' is missing")
    raw_day = record["date"]
    if not isinstance(raw_day, str):
        raise ValueError(f"'date' must be text YYYY-MM-DD, got {raw_day!r}")
    try:
        day = date.fromisoformat(raw_day.strip())
    except ValueError:
        raise ValueError(f"'date' {raw_day!r} is not a date YYYY-MM-DD") from None
    if len(raw_day.strip()) != 10:
        raise ValueError(f"'date' {raw_day!r} is not a date YYYY-MM-DD")
    working = _parse_working(record["working"])
    note = record.get("note")
    if note is not None and not isinstance(note, str):
        raise ValueError(f"'note' must be text, got {note!r}")
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise ValueError(f"'note' is longer than {NOTE_MAX} characters")
    return _Row(line, day, working, note)


def _csv_records(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in ("date", "working") if f not in header]
    if missing:
        raise CalendarFileError(f"line 1: header lacks {', '.join(missing)} (date,working,note)")
    unknown = [f for f in header if f not in ("date", "working", "note")]
    if unknown:
        raise CalendarFileError(f"line 1: unknown column(s) {', '.join(unknown)}")
    for record in reader:
        if None in record:  # more cells than header fields
            raise CalendarFileError(f"line {reader.line_num}: more cells than header fields")
        if not any((v or "").strip() for v in record.values()):
            continue  # blank line
        yield reader.line_num, record


def _json_records(text: str) -> Iterator[tuple[int, Any]]:
    # Decode element by element so each error can name the line its entry starts on.
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if not text.startswith("[", pos):
        raise CalendarFileError("line 1: expected a JSON array of {date, working, note}")
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise CalendarFileError(f"line {exc.lineno}: invalid JSON: {exc.msg}") from None
        yield line, value
        pos = _skip_ws(text, pos)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif text.startswith("]", pos):
            if text[pos + 1 :].strip():
                line = text.count("\n", 0, pos) + 1
                raise CalendarFileError(f"line {line}: text after the closing ]")
            return
        else:
            line = text.count("\n", 0, pos) + 1
            raise CalendarFileError(f"line {line}: expected ',' or ']' after an entry")


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos


def read_calendar_file(path: Path) -> list[_Row]:
    """Parse and validate every row of a CSV or JSON override file, or raise CalendarFileError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise CalendarFileError(f"{path}: expected a .csv or .json file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"{path}: cannot read: {exc}") from None
    rows: list[_Row] = []
    seen: dict[date, int] = {}
    try:
        records = _csv_records(text) if suffix == ".csv" else _json_records(text)
        for line, record in records:
            if not isinstance(record, dict):
                raise CalendarFileError(f"line {line}: expected an object {{date, working, note}}")
            try:
                row = _parse_row(line, record)
            except ValueError as exc:
                raise CalendarFileError(f"line {line}: {exc}") from None
            if row.day in seen:
                raise CalendarFileError(
                    f"line {line}: {row.day} already given on line {seen[row.day]}"
                )
            seen[row.day] = line
            rows.append(row)
    except CalendarFileError as exc:
        raise CalendarFileError(f"{path}: {exc}") from None
    if not rows:
        raise CalendarFileError(f"{path}: no calendar days in the file")
    return rows


def load_calendar_file(session: Session, path: Path) -> dict[str, Any]:
    """Validate a whole override file, then upsert it into `calendar_days`.

    Nothing is stored when any row is bad. Returns the number of days, the years the
    file covers, and `years_loaded`: the years that were unknown before this load, whose
    provisional deadlines the caller should recompute.
    """
    rows = read_calendar_file(path)
    before = WorkingCalendar.load(session)
    years = sorted({row.day.year for row in rows})
    now = clock.now()
    for row in rows:
        existing = session.get(CalendarDay, row.day)
        if existing is None:
            session.add(CalendarDay(day=row.day, working=row.working, note=row.note, loaded_at=now))
        else:
            existing.working, existing.note, existing.loaded_at = row.working, row.note, now
    session.flush()
    return {
        "days": len(rows),
        "years": years,
        "years_loaded": [year for year in years if not before.knows(year)],
    }
