"""The manual clock kept in the database, shared by every worker and scheduler.

The `manual_clock` table (schema revision 0006) holds one row: the clock's instant. `now()`
answers from memory; `refresh()` re-reads the row with one primary-key query, once per
request (api/admin.py) and per scheduler run, so hot loops never touch the database.
Moves are one conditional UPDATE each: forward only, whoever moves, whatever the worker.

The row is written once, at the first start on a database, from HOTLINE_CLOCK_START
(default: the system time). Later starts keep the stored instant whatever the variable
says: a drill survives a restart, and jumping at start-up would skip timers that must
fire in order (move it with POST /api/v1/admin/clock instead).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Engine, Table, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from hotline.clock import ManualClock
from hotline.models import ManualClockRow

log = logging.getLogger(__name__)

ROW_ID = 1
_TABLE = cast(Table, ManualClockRow.__table__)  # declared tables are Tables


class SharedManualClock(ManualClock):
    """A ManualClock whose instant lives in the `manual_clock` row of `engine`'s database.

    `now()` never queries: on SQLite every transaction begins IMMEDIATE, so a read from
    inside another transaction would wait for that transaction's own lock.
    """

    def __init__(self, engine: Engine, start: datetime | None = None) -> None:
        super().__init__(start)
        self.engine = engine
        self.start = start
        self._from_db = False  # whether _now was read from (or written to) the row

    def refresh(self) -> None:
        """Catch up with the stored instant (another worker may have moved it).

        Call it outside any transaction: at build time, request start, scheduler run.
        """
        try:
            stored = self._read_or_create()
        except (OperationalError, ProgrammingError):
            # Schema not upgraded yet (`hotline init` builds services first) or the database is
            # away: keep the time in memory; the request's own queries report the outage.
            log.debug("manual clock: row not readable, keeping %s", self._now, exc_info=True)
            return
        with self._lock:
            self._now = max(self._now, stored) if self._from_db else stored
            self._from_db = True

    def set(self, when: datetime) -> None:
        """Move to `when` for every process: one conditional UPDATE, never backwards."""
        if when.tzinfo is None:
            raise ValueError("the new time must carry a timezone offset")
        when = when.astimezone(UTC)
        with self._lock, self.engine.begin() as conn:
            moved = conn.execute(
                update(_TABLE)
                .where(_TABLE.c.id == ROW_ID, _TABLE.c.instant <= when)
                .values(instant=when)
            ).rowcount
            if not moved:
                stored = conn.execute(
                    select(_TABLE.c.instant).where(_TABLE.c.id == ROW_ID)
                ).scalar_one_or_none()
                if stored is not None:
                    self._now = max(self._now, stored)
                    raise ValueError(f"the clock only moves forward (now {stored.isoformat()})")
                conn.execute(insert(_TABLE).values(id=ROW_ID, instant=when))
            self._now = when
            self._from_db = True

    def _read_or_create(self) -> datetime:
        with self.engine.begin() as conn:
            stored = conn.execute(
                select(_TABLE.c.instant).where(_TABLE.c.id == ROW_ID)
            ).scalar_one_or_none()
        if stored is not None:
            if not self._from_db and self.start is not None and self.start != stored:
                log.warning(
                    "HOTLINE_CLOCK_START=%s ignored: the database's manual clock reads %s",
                    self.start.isoformat(),
                    stored.isoformat(),
                )
            return stored
        first = self._now  # HOTLINE_CLOCK_START, or the system time when this clock was built
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_TABLE).values(id=ROW_ID, instant=first))
        except IntegrityError:  # another worker started at the same moment and won
            with self.engine.begin() as conn:
                return conn.execute(
                    select(_TABLE.c.instant).where(_TABLE.c.id == ROW_ID)
                ).scalar_one()
        return first
