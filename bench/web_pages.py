"""The workplace's pages with 10,000 open tickets: server time per page against 300 ms.

Seeds a SQLite file (or reuses one, `--db`) with the demo city and N open tickets registered
and moved on by the service itself (create_ticket, Runtime.complete_task, as the API does):
a fifth wait for the center's triage, the rest are dispatched (a third of them to ZJJ) and
half of those signed for, so the center's and the units' inboxes, the ticket list and the
dashboard all carry real weight. Tickets are registered over the last 20 days, so many are
overdue by now. Then each demo user signs in through the sign-in form and requests each of
their pages `--n` times through the app (the test client, in process); the table gives the
server time the page reports (Server-Timing: app), p50/p95/max, and the SQL statements one
request ran, with PASS/FAIL against `--budget` ms.

    python bench/web_pages.py                      # --tickets 10000 --n 20 --db FILE
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lifecycle_common import REPO_ROOT  # puts the repo on sys.path outside the venv
from sqlalchemy import event, func, select

from hotline import clock
from hotline.actors import Actor
from hotline.config import Settings
from hotline.demo import DEMO_PASSWORD, DEMO_UNITS, load_demo
from hotline.directory import actor_of
from hotline.inbox import inbox
from hotline.models import Ticket, User, UserTask
from hotline.schema import upgrade
from hotline.tickets import create_ticket
from processes.registry import deploy_directory
from wiring.services import Services, build_services

SIGNED_FOR_BY = {"ZJJ": "demo-unit-zjj", "LZQ": "demo-unit-lzq", "HBJ": "demo-unit-hbj"}
PLACES = ("利州区", "昭化区", "朝天区", "旺苍县", "青川县")
TOPICS = (
    "小区夜间施工噪音扰民，晚上十一点后仍在作业",
    "道路井盖缺失，夜间行人车辆通行存在安全隐患",
    "小区供暖温度不达标，室内不足十六度",
    "农贸市场周边占道经营，早高峰交通拥堵",
    "自来水水质发黄，烧开后有沉淀",
    "公交站台顶棚损坏，雨天无法候车",
)
# (who, page): {number} is a ticket in ZJJ's inbox; {task} a task link found on the inbox.
PAGES = (
    ("demo-unit-zjj", "/inbox"),
    ("demo-unit-zjj", "{task}"),
    ("demo-unit-zjj", "/tickets"),
    ("demo-unit-zjj", "/tickets/{number}"),
    ("demo-unit-zjj", "/knowledge?q=噪音"),
    ("demo-center", "/inbox"),
    ("demo-center", "/tickets"),
    ("demo-center", "/tickets/{number}"),
    ("demo-operator", "/tickets/new"),
    ("demo-supervisor", "/dashboard"),
    ("demo-admin", "/processes"),
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="(/tasks/[^"?#]+)"')


def open_services(db: Path) -> Services:
    """Services over the SQLite file `db`, schema upgraded, bpmn/ deployed, demo city in."""
    settings = Settings(
        database_url=f"sqlite:///{db}",
        profile="guangyuan",
        clock="system",
        bpmn_dir=REPO_ROOT / "bpmn",
        var_dir=db.parent,
    )
    services = build_services(settings)
    upgrade(services.engine)
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
        load_demo(session)
    return services


def _actors(services: Services) -> dict[str, Actor]:
    with services.transaction() as session:
        return {user.name: actor_of(user) for user in session.scalars(select(User))}


def _ready_task(session: Any, ticket_id: int) -> str:
    return session.scalars(
        select(UserTask.id).where(UserTask.ticket_id == ticket_id, UserTask.state == "ready")
    ).one()


def seed(services: Services, tickets: int, batch: int = 50, seed: int = 16) -> None:
    """Register `tickets` open tickets through the service, spread over the last 20 days."""
    rng = random.Random(seed)
    actors = _actors(services)
    units = [code for code, _name, _district in DEMO_UNITS]
    weights = [10 if code == "ZJJ" else 3 if code in SIGNED_FOR_BY else 1 for code in units]
    started = datetime.now(UTC) - timedelta(days=20)
    step = timedelta(days=20) / max(tickets, 1)
    manual = clock.ManualClock(started)
    clock.set_clock(manual)  # registered in the past, so deadlines have passed by now
    runtime = services.runtime
    try:
        for first in range(0, tickets, batch):
            with services.transaction() as session:
                for i in range(first, min(first + batch, tickets)):
                    manual.advance(step)
                    _one_ticket(session, runtime, actors, rng, i, rng.choices(units, weights)[0])
            if (first // batch) % 20 == 0:
                print(f"  {first + batch:6d} tickets", file=sys.stderr)
    finally:
        clock.set_clock(clock.Clock())


def _one_ticket(
    session: Any, runtime: Any, actors: dict[str, Actor], rng: random.Random, i: int, unit: str
) -> None:
    data = {
        "channel": rng.choice(("phone", "wechat", "web", "app")),
        "category": rng.choice(("complaint", "help", "consultation", "suggestion")),
        "urgency": "normal",
        "requester": {"name": f"诉求人{i}", "phone": f"139{rng.randrange(10**8):08d}"},
        "content": f"{rng.choice(TOPICS)}（第{i}件）",
        "address": f"{rng.choice(PLACES)}某街道{i % 300}号",
        "district": rng.choice(PLACES),
    }
    ticket = create_ticket(session, runtime, actors["demo-operator"], data, prefix="GY").ticket
    if rng.random() < 0.2:
        return  # waits for the center's triage
    dispatch = {"disposition": "dispatch", "unit": unit}
    runtime.complete_task(session, _ready_task(session, ticket.id), dispatch, actors["demo-center"])
    signer = SIGNED_FOR_BY.get(unit)
    if signer is not None and rng.random() < 0.5:
        acknowledge = {"contacted": True, "note": "已签收"}
        runtime.complete_task(session, _ready_task(session, ticket.id), acknowledge, actors[signer])


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
    """One page as one user requests it: server times (ms) and statements per request."""

    user: str
    path: str
    status: int
    server_ms: list[float]
    statements: int
    placeholder: bool

    def row(self, budget: float) -> str:
        """One line of the table."""
        ordered = sorted(self.server_ms)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        verdict = "PASS" if p95 <= budget and self.status == 200 else "FAIL"
        if self.placeholder:
            verdict += " (建设中)"
        return (
            f"| {self.user} | `{self.path}` | {self.status} | {statistics.median(ordered):.1f} "
            f"| {p95:.1f} | {ordered[-1]:.1f} | {self.statements} | {verdict} |"
        )


def measure(services: Services, n: int) -> list[PageTimes]:
    """Each page of PAGES requested `n` times by its user (after one warm-up request)."""
    from web import create_app

    app = create_app(services)
    clients: dict[str, Any] = {}
    links = _links(services, app, clients)
    found = []
    for user, pattern in PAGES:
        client = clients.setdefault(user, signed_in(app, user))
        path = pattern.format(**links) if links.get("task") or "{task}" not in pattern else None
        if path is None:
            continue  # no task link on the inbox yet
        client.get(path)  # warm-up: templates compiled, caches filled
        times = []
        for _ in range(n):
            with counting(services) as statements:
                answer = client.get(path)
            timing = answer.headers.get("Server-Timing", "app;dur=nan")
            times.append(float(timing.split("dur=")[1]))
        html = answer.get_data(as_text=True)
        found.append(
            PageTimes(user, path, answer.status_code, times, len(statements), "建设中" in html)
        )
    return found


def _links(services: Services, app: Any, clients: dict[str, Any]) -> dict[str, str]:
    """A ticket in ZJJ's inbox, and the first task link ZJJ's inbox page shows."""
    with services.transaction() as session:
        rows, _total = inbox(session, _actors(services)["demo-unit-zjj"], per_page=1)
    number = rows[0][1] if rows else None
    clients["demo-unit-zjj"] = signed_in(app, "demo-unit-zjj")
    page = clients["demo-unit-zjj"].get("/inbox").get_data(as_text=True)
    task = TASK_LINK.search(page)
    return {"number": number or "none", "task": task[1] if task else ""}


def main() -> None:
    """Seed (unless --db already holds the tickets), measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets to seed")
    parser.add_argument("--n", type=int, default=20, help="requests per page")
    parser.add_argument("--budget", type=float, default=300.0, help="ms of server time, p95")
    parser.add_argument("--db", type=Path, help="SQLite file; reused if it holds the tickets")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="web-pages-")) / "hotline.db"
    services = open_services(db)
    with services.transaction() as session:
        have = session.scalar(select(func.count()).select_from(Ticket)) or 0
    if have < args.tickets:
        print(f"seeding {args.tickets - have} open tickets into {db} …", file=sys.stderr)
        started = time.perf_counter()
        seed(services, args.tickets - have, seed=16 + have)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with services.transaction() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket))
        open_ = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.status != "closed")
        )
        ready = session.scalar(
            select(func.count()).select_from(UserTask).where(UserTask.state == "ready")
        )
    print(f"{tickets} tickets, {open_} open, {ready} ready tasks; {args.n} requests per page")
    print("| user | page | status | p50 ms | p95 ms | max ms | SQL statements | ≤ budget |")
    print("|---|---|---|---|---|---|---|---|")
    results = measure(services, args.n)
    for result in results:
        print(result.row(args.budget))
    services.dispose()
    failed = [r for r in results if "FAIL" in r.row(args.budget)]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
