"""Statistics at volume on PostgreSQL: 1M tickets, 10M events; a month's figures for every
unit (p95 over repeated calls, directly and through GET /api/v1/stats) and a full
recomputation of the facts from history.

    python bench/stats.py                      # --tickets 1000000 --events 10000000
    python bench/stats.py --tickets 100000 --events 1000000 --repeat 20

Loads into a fresh schema `bench_stats` of $HOTLINE_BENCH_POSTGRES_URL (default the test
database) and drops it at the end (`--keep` leaves it). Loading: `generate_bulk` writes a
template of seeded stories (tickets, their events, their facts) for one month; PostgreSQL
copies it server-side (INSERT … SELECT over generate_series) into 12 months, ids and numbers
shifted; padding task events bring the history to --events rows. The facts are then
rebuilt by `hotline.stats.recompute` (timed): that is the full recomputation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotline.config import DatabaseTimeouts
from hotline.db import make_engine
from hotline.demo import DEMO_UNITS, load_demo
from hotline.models import Ticket, TicketEvent
from hotline.models.stats import TicketFact
from hotline.policy import shipped_profile
from hotline.schema import upgrade
from hotline.stats import generate_bulk, recompute
from hotline.stats.figures import Selection, figures
from hotline.stats.periods import month

URL = os.environ.get(
    "HOTLINE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SCHEMA = "bench_stats"
MONTHS = 12
TEMPLATE = 10_000
SHIFT = f"(interval '1 month' * (k % {MONTHS}) + interval '1 minute' * (k / {MONTHS}))"
TEMPLATE_MONTH = "2026-01"
TICKET_COLUMNS = (
    "channel, category, urgency, requester_name, requester_phone, confidential, content, "
    "address, district, status, current_unit, reply, close_note, satisfaction, return_count, "
    "rehandle_count, due_at, dispatched_at, acknowledge_due_at, upper_deadline, overdue, "
    "deadline_provisional, extension_count, designated_by, objection_count, "
    "unsatisfied_count, joint, escalation_level, merged_into_id, created_by, "
    "created_at, updated_at, closed_at"
)
SHIFTED = ("due_at", "dispatched_at", "acknowledge_due_at", "created_at", "updated_at", "closed_at")


def batch_engine() -> Any:
    """An engine without the request timeouts: loading and recomputing are batches."""
    return make_engine(schema_url(), DatabaseTimeouts(statement=0, idle_in_transaction=0))


def schema_url() -> str:
    return f"{URL}?options=-csearch_path%3D{SCHEMA}"


def step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - started:.1f} s", flush=True)
    return now


def load(tickets: int, events: int) -> None:
    """Template month through generate_bulk, then server-side copies into 12 months."""
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    engine = batch_engine()
    upgrade(engine)
    started = time.perf_counter()
    # A template of at most 10,000 stories, copied: the copies land in the 12 months in turn.
    template = max(1, min(TEMPLATE, tickets // MONTHS))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        session = Session(bind=conn)
        load_demo(session)
        session.flush()
        made = generate_bulk(
            session,
            shipped_profile("guangyuan"),
            tickets=template,
            months=[TEMPLATE_MONTH],
            units=[code for code, _name, _district in DEMO_UNITS],
            seed=13,
        )
        session.flush()
    started = step(f"template: {template} tickets, {made.events} events (generate_bulk)", started)
    copies = tickets // template
    shift = ", ".join(f"{c} + {SHIFT}" if c in SHIFTED else c for c in TICKET_COLUMNS.split(", "))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        conn.execute(
            text(
                f"INSERT INTO tickets (id, number, {TICKET_COLUMNS}) "
                f"SELECT id + k * {template}, number || '-' || k, {shift} "
                f"FROM tickets t, generate_series(1, {copies - 1}) AS k WHERE t.number LIKE 'BLK%'"
            )
        )
        started = step(f"tickets copied to {copies * template}", started)
        # One index build after the copy is cheaper than ten million index insertions.
        conn.execute(text("DROP INDEX ix_ticket_events_ticket_id"))
        conn.execute(
            text(
                "INSERT INTO ticket_events (ticket_id, at, kind, actor_id, actor_name, task, data) "
                f"SELECT ticket_id + k * {template}, at + {SHIFT}, kind, actor_id, "
                "actor_name, task, data "
                f"FROM ticket_events e, generate_series(1, {copies - 1}) AS k"
            )
        )
        started = step("events copied", started)
        have = conn.execute(select(func.count()).select_from(TicketEvent)).scalar_one()
        padding = max(0, events - have)
        if padding:
            per_ticket = -(-padding // (copies * template))
            conn.execute(
                text(
                    "INSERT INTO ticket_events "
                    "(ticket_id, at, kind, actor_id, actor_name, task, data) "
                    "SELECT t.id, t.created_at, CASE WHEN n % 2 = 0 THEN 'task_created' "
                    "ELSE 'task_completed' END, NULL, 'bench', 'triage', '{}'::json "
                    f"FROM tickets t, generate_series(1, {per_ticket}) AS n "
                    f"LIMIT {padding}"
                )
            )
            started = step(f"{padding} task events added (padding)", started)
        conn.execute(text("CREATE INDEX ix_ticket_events_ticket_id ON ticket_events (ticket_id)"))
        started = step("events index rebuilt", started)
        conn.execute(text("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))"))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()


def recompute_all() -> float:
    engine = batch_engine()
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        written = recompute(session)
    elapsed = time.perf_counter() - started
    with engine.connect() as conn:
        # Autovacuum would do it in time: index-only scans need the visibility map.
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE ticket_facts")
        )
        counts = [
            conn.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Ticket, TicketEvent, TicketFact)
        ]
    engine.dispose()
    print(f"  recompute: {written} facts in {elapsed:.1f} s", flush=True)
    print(f"  volume: {counts[0]} tickets, {counts[1]} events, {counts[2]} facts", flush=True)
    return elapsed


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]
    return f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"


def measure(repeat: int) -> dict[str, str]:
    """Month figures for every unit, by function and through the HTTP endpoint."""
    from api import create_app
    from hotline.config import Settings
    from wiring.services import build_services

    engine = make_engine(schema_url())
    profile = shipped_profile("guangyuan")
    found: dict[str, str] = {}
    for by in ("unit", None, "category", "district"):
        samples = []
        for i in range(repeat + 2):
            started = time.perf_counter()
            with Session(engine) as session:
                groups = figures(session, Selection(month("2026-06"), by), profile)
            if i >= 2:  # two warm-up calls
                samples.append((time.perf_counter() - started) * 1000)
        found[f"figures by={by}"] = f"{len(groups)} groups; {percentiles(samples)}"
        print(f"  figures of 2026-06 by={by}: {found[f'figures by={by}']}", flush=True)
    engine.dispose()
    settings = Settings(
        database_url=schema_url(),
        profile="guangyuan",
        clock="system",
        bpmn_dir=Path("bpmn"),
        var_dir=Path("var"),
    )
    services = build_services(settings)
    with services.transaction() as session:
        token = load_demo(session)["demo-center"]
    client = create_app(services).test_client()
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for i in range(repeat + 2):
        started = time.perf_counter()
        response = client.get("/api/v1/stats?period=month&from=2026-06-01&by=unit", headers=headers)
        assert response.status_code == 200, response.json
        if i >= 2:
            samples.append((time.perf_counter() - started) * 1000)
    found["GET /api/v1/stats by=unit"] = percentiles(samples)
    print(f"  GET /api/v1/stats?period=month&by=unit: {percentiles(samples)}", flush=True)
    services.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench_stats schema")
    parser.add_argument("--skip-load", action="store_true", help="reuse a kept schema")
    args = parser.parse_args()
    started = time.perf_counter()
    if not args.skip_load:
        print(f"loading {args.tickets} tickets, {args.events} events into {SCHEMA}", flush=True)
        load(args.tickets, args.events)
        started = step("loaded", started)
        recompute_all()
    measure(args.repeat)
    if not args.keep:
        admin = create_engine(URL)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
