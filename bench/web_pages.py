"""The workplace's pages with 10,000 open tickets: server time per page against 300 ms.

Seeds a SQLite file (or reuses one, `--db`) with the demo city and `--tickets` open tickets
(web_pages_seed.py): `--engine` of them registered and moved on by the service itself, the
rest copies of those, so the center's and the units' inboxes, the ticket list and the
dashboard all carry real weight. Then each demo user signs in through the sign-in form and
requests each of their pages `--n` times through the app (the test client, in process); the
table gives the server time the page reports (Server-Timing: app), p50/p95/max, and the SQL
statements one request ran, with PASS/FAIL against `--budget` ms (p95).

    python bench/web_pages.py          # --tickets 10000 --engine 500 --n 20 --db FILE
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from web_pages_seed import actors, multiply, open_services, seed  # puts the repo on sys.path

from hotline.demo import DEMO_PASSWORD
from hotline.inbox import inbox
from hotline.models import Ticket, UserTask
from wiring.services import Services

# (who, page): {number} is a ticket in ZJJ's inbox; {task} the first task link on ZJJ's inbox,
# {triage} the first on the center's.
PAGES = (
    ("demo-unit-zjj", "/inbox"),
    ("demo-unit-zjj", "{task}"),
    ("demo-unit-zjj", "/tickets"),
    ("demo-unit-zjj", "/tickets/{number}"),
    ("demo-unit-zjj", "/knowledge?q=噪音"),
    ("demo-reviewer-zjj", "/knowledge/reviews"),
    ("demo-center", "/inbox"),
    ("demo-center", "{triage}"),
    ("demo-center", "/tickets"),
    ("demo-center", "/tickets/{number}"),
    ("demo-center", "/center/extensions"),
    ("demo-operator", "/tickets/new"),
    ("demo-supervisor", "/dashboard"),
    ("demo-admin", "/processes"),
    ("demo-admin", "/processes/ticket/versions/1"),
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="(/tasks/[^"?#]+)"')


@contextmanager
def counting(services: Services) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", keep)
    try:
        yield statements
    finally:
        event.remove(services.engine, "before_cursor_execute", keep)


def signed_in(app: Any, user: str) -> Any:
    """A test client signed in as `user` through the sign-in form."""
    client = app.test_client()
    form = client.get("/signin").get_data(as_text=True)
    token = CSRF.search(form)
    assert token, "no CSRF token on the sign-in form"
    answer = client.post(
        "/signin", data={"username": user, "password": DEMO_PASSWORD, "csrf_token": token[1]}
    )
    assert answer.status_code in (302, 303), f"{user} could not sign in ({answer.status_code})"
    return client


@dataclass
class PageTimes:
    """One page as one user requests it: server and CPU times (ms), statements per request."""

    user: str
    path: str
    status: int
    server_ms: list[float]
    cpu_ms: list[float]
    statements: int
    placeholder: bool

    def row(self, budget: float) -> str:
        """One line of the table."""
        ordered, cpu = sorted(self.server_ms), sorted(self.cpu_ms)
        verdict = "PASS" if p95(ordered) <= budget and self.status == 200 else "FAIL"
        if self.placeholder or self.status == 404:
            verdict = "— (建设中: not built yet)"
        return (
            f"| {self.user} | `{self.path}` | {self.status} | {statistics.median(ordered):.1f} "
            f"| {p95(ordered):.1f} | {ordered[-1]:.1f} | {statistics.median(cpu):.1f} "
            f"| {p95(cpu):.1f} | {self.statements} | {verdict} |"
        )


def p95(ordered: list[float]) -> float:
    """The 95th percentile of sorted values (nearest rank)."""
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(services: Services, n: int) -> list[PageTimes]:
    """Each page of PAGES requested `n` times by its user (after one warm-up request)."""
    from web import create_app

    app = create_app(services)
    clients: dict[str, Any] = {}
    links = _links(services, app, clients)
    found = []
    for user, pattern in PAGES:
        client = clients.setdefault(user, signed_in(app, user))
        path = pattern.format(**links)
        if not path:
            continue  # no task link on the inbox yet
        client.get(path)  # warm-up: templates compiled, caches filled
        times, cpu = [], []
        for _ in range(n):
            with counting(services) as statements:
                started = time.thread_time()  # the test client runs the app in this thread
                answer = client.get(path)
                cpu.append((time.thread_time() - started) * 1000)
            timing = answer.headers.get("Server-Timing", "app;dur=nan")
            times.append(float(timing.split("dur=")[1]))
        built = "建设中" not in answer.get_data(as_text=True)
        found.append(
            PageTimes(user, path, answer.status_code, times, cpu, len(statements), not built)
        )
    return found


def _links(services: Services, app: Any, clients: dict[str, Any]) -> dict[str, str]:
    """A ticket in ZJJ's inbox, and the first task link of ZJJ's and the center's inbox."""
    with services.transaction() as session:
        rows, _total = inbox(session, actors(services)["demo-unit-zjj"], per_page=1)
    number = rows[0][1] if rows else None
    links = {"number": number or "none"}
    for key, user in (("task", "demo-unit-zjj"), ("triage", "demo-center")):
        client = clients.setdefault(user, signed_in(app, user))
        found = TASK_LINK.search(client.get("/inbox").get_data(as_text=True))
        links[key] = found[1] if found else ""
    return links


def main() -> None:
    """Seed (unless --db already holds the tickets), measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets to seed")
    parser.add_argument("--engine", type=int, default=500, help="of them through the service")
    parser.add_argument("--n", type=int, default=20, help="requests per page")
    parser.add_argument("--budget", type=float, default=300.0, help="ms of server time, p95")
    parser.add_argument("--db", type=Path, help="SQLite file; reused if it holds the tickets")
    parser.add_argument(
        "--postgres",
        metavar="SCHEMA",
        help="a PostgreSQL schema at HOTLINE_TEST_POSTGRES_URL instead (reused likewise; the "
        "sealing keys stay in --db's folder)",
    )
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="web-pages-")) / "hotline.db"
    services = open_services(db, args.postgres)
    with services.transaction() as session:
        have = session.scalar(select(func.count()).select_from(Ticket)) or 0
    started = time.perf_counter()
    if have < min(args.engine, args.tickets):
        print(f"registering {args.engine - have} tickets …", file=sys.stderr)
        seed(services, min(args.engine, args.tickets) - have, seed=16 + have)
    if multiply(services, args.tickets):
        print(f"  seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with services.transaction() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket))
        open_ = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status != "closed")
        )
        ready = session.scalar(
            select(func.count()).select_from(UserTask).where(UserTask.state == "ready")
        )
    where = f"PostgreSQL schema {args.postgres}" if args.postgres else f"SQLite {db}"
    print(f"{where}: {tickets} tickets, {open_} open, {ready} ready tasks; {args.n} a page")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} CPUs")
    print(
        "| user | page | status | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms "
        "| SQL statements | p95 ≤ budget |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = measure(services, args.n)
    for result in results:
        print(result.row(args.budget))
    services.dispose()
    failed = [r for r in results if "FAIL" in r.row(args.budget)]  # pages not built yet pass
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
