"""The cost floor of one persisting API call on this SQLite setup, by database layer.

Each variant does the least a state-persisting call must do, on a bench database made by
lifecycle.ServiceBench (same file settings: WAL, synchronous=NORMAL, BEGIN IMMEDIATE):
BEGIN, SELECT one instance's state and revision, UPDATE it (revision-checked) with a ~7.7 KB
state, INSERT three history rows, COMMIT. No workflow, no forms, no handlers.

  sqlite3 - the DB-API module directly
  core    - SQLAlchemy Core on the service's engine (the engine's BEGIN IMMEDIATE hook)
  orm     - SQLAlchemy ORM through Services.transaction(), as the runtime does

The gap between the rows is what the Python layers above SQLite cost per call; compare it
with (a)'s ~0.3 ms per user task in lifecycle.py. Two smaller calls are timed for scale.

    python bench/sqlfloor.py [--calls 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lifecycle.py, whatever the cwd

import lifecycle  # first: it puts the repo root on sys.path when hotline is not installed
from sqlalchemy import insert, select, update

from hotline import clock
from hotline.models import ProcessInstance, TicketEvent

STATE = "x" * 7700
EVENT = {"actor_id": None, "actor_name": "bench", "task": "handle", "data": {"unit": "BENCH01"}}


def floor_calls(bench: lifecycle.ServiceBench, db_path: Path) -> dict[str, Callable[[int], None]]:
    """One minimal call per layer; argument: which instance (round-robin)."""
    engine = bench.services.engine
    with engine.connect() as conn:
        rows = conn.execute(select(ProcessInstance.id, ProcessInstance.ticket_id)).all()
    ids = [(row.id, row.ticket_id) for row in rows]

    def events(ticket_id: int) -> list[dict[str, object]]:
        return [{**EVENT, "ticket_id": ticket_id, "at": clock.now(), "kind": "k"}] * 3

    def core(i: int) -> None:
        instance_id, ticket_id = ids[i % len(ids)]
        with engine.begin() as conn:
            row = conn.execute(
                select(ProcessInstance.state, ProcessInstance.revision).where(
                    ProcessInstance.id == instance_id
                )
            ).one()
            conn.execute(
                update(ProcessInstance)
                .where(ProcessInstance.id == instance_id, ProcessInstance.revision == row.revision)
                .values(state=STATE, revision=row.revision + 1, updated_at=clock.now())
            )
            conn.execute(insert(TicketEvent), events(ticket_id))

    def orm(i: int) -> None:
        instance_id, ticket_id = ids[i % len(ids)]
        with bench.services.transaction() as session:
            instance = session.get(ProcessInstance, instance_id)
            assert instance is not None
            instance.state = STATE + str(i % 2)  # a real change, so the UPDATE is emitted
            instance.updated_at = clock.now()
            session.add_all(TicketEvent(**e) for e in events(ticket_id))

    raw = sqlite3.connect(str(db_path), isolation_level=None)
    raw.execute("PRAGMA synchronous=NORMAL")
    raw.execute("PRAGMA foreign_keys=ON")

    def dbapi(i: int) -> None:
        instance_id, ticket_id = ids[i % len(ids)]
        raw.execute("BEGIN IMMEDIATE")
        _state, revision = raw.execute(
            "SELECT state, revision FROM process_instances WHERE id = ?", (instance_id,)
        ).fetchone()
        raw.execute(
            "UPDATE process_instances SET state = ?, revision = ?, updated_at = ?"
            " WHERE id = ? AND revision = ?",
            (STATE, revision + 1, "2026-01-01 00:00:00", instance_id, revision),
        )
        raw.executemany(
            "INSERT INTO ticket_events (ticket_id, at, kind, actor_id, actor_name, task, data)"
            " VALUES (?, ?, 'k', NULL, 'bench', 'handle', '{\"unit\": \"BENCH01\"}')",
            [(ticket_id, "2026-01-01 00:00:00")] * 3,
        )
        raw.execute("COMMIT")

    def empty(i: int) -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT 1")

    def orm_get(i: int) -> None:
        with bench.services.transaction() as session:
            session.get(ProcessInstance, ids[i % len(ids)][0])

    return {
        "sqlite3": dbapi,
        "core": core,
        "orm": orm,
        "for scale: an empty Core transaction (BEGIN IMMEDIATE, SELECT 1, COMMIT)": empty,
        "for scale: an ORM transaction doing one session.get": orm_get,
    }


def main(argv: list[str] | None = None) -> int:
    """Time each layer's minimal call; best of several rounds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    tmpdir = Path(tempfile.mkdtemp(prefix="hotline-sqlfloor-"))
    try:
        db_path = tmpdir / "bench.sqlite3"
        bench = lifecycle.ServiceBench(db_path, lifecycle.PATHS["happy"])
        for _ in range(20):
            bench.lifecycle()
        print(f"ms per minimal persisting call ({args.calls} calls, best / median of rounds):")
        for name, call in floor_calls(bench, db_path).items():
            for i in range(50):
                call(i)
            rounds = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                for i in range(args.calls):
                    call(i)
                rounds.append((time.perf_counter() - started) / args.calls * 1e3)
            print(f"  {min(rounds):6.3f} / {statistics.median(rounds):6.3f}  {name}")
        bench.dispose()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
