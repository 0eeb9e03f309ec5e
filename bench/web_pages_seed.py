"""Open tickets for web_pages.py: some registered and moved on by the service itself, the
rest copies of those, row for row, so 10,000 take a minute instead of an hour.

`seed` drives the service (create_ticket, Runtime.complete_task, as the API does): a fifth
wait for the center's triage, the rest are dispatched (ZJJ gets the most) and half of those
with a demo user signed for. Tickets are registered over the last 20 days, so many are
overdue by now. `multiply` then copies open tickets with everything the pages read of them
(the ticket, its process instance with its saved state, tasks, timers, history, facts) under
new ids, numbers and task UUIDs, until there are as many as asked: each copy is a consistent
ticket its pages show as they show the original. Repeat links and sent messages are not
copied (no page lists them by the thousand).
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lifecycle_common import REPO_ROOT
from sqlalchemy import MetaData, Table, create_engine, func, select, text

from hotline import clock
from hotline.actors import Actor
from hotline.config import Settings
from hotline.demo import DEMO_UNITS, load_demo
from hotline.directory import actor_of
from hotline.models import User, UserTask
from hotline.schema import upgrade
from hotline.tickets import create_ticket
from processes.registry import deploy_directory
from wiring.services import Services, build_services

SIGNED_FOR_BY = {"ZJJ": "demo-unit-zjj", "LZQ": "demo-unit-lzq", "HBJ": "demo-unit-hbj"}
PLACES = ("利州区", "昭化区", "朝天区", "旺苍县", "青川县")
MATTERS = (
    "小区夜间施工噪音扰民，晚上十一点后仍在作业",
    "道路井盖缺失，夜间行人车辆通行存在安全隐患",
    "小区供暖温度不达标，室内不足十六度",
    "农贸市场周边占道经营，早高峰交通拥堵",
    "自来水水质发黄，烧开后有沉淀",
    "公交站台顶棚损坏，雨天无法候车",
    "学校门口校外培训机构违规招生",
    "餐馆油烟直排居民楼，窗户无法打开",
    "工地渣土车未覆盖，沿路撒漏",
    "拖欠农民工工资三个月未结",
)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"  # as the tests' default
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Tables copied with a ticket, and the column that ties each row to it.
CHILDREN = ("process_instances", "user_tasks", "timers", "ticket_events", "ticket_facts")


def open_services(db: Path, postgres_schema: str | None = None) -> Services:
    """Services over the SQLite file `db` (or a PostgreSQL schema, created if absent, with
    `db`'s folder as the var dir: the sealing keys), schema upgraded, bpmn/ deployed, demo
    city in."""
    url = f"sqlite:///{db}"
    if postgres_schema is not None:
        server = os.environ.get("HOTLINE_TEST_POSTGRES_URL", POSTGRES)
        admin = create_engine(server)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{postgres_schema}"'))
        admin.dispose()
        url = f"{server}?options=-csearch_path%3D{postgres_schema}"
    db.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=url,
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


def actors(services: Services) -> dict[str, Actor]:
    """Every user as an Actor, by name."""
    with services.transaction() as session:
        return {user.name: actor_of(user) for user in session.scalars(select(User))}


def _ready_task(session: Any, ticket_id: int) -> str:
    return session.scalars(
        select(UserTask.id).where(UserTask.ticket_id == ticket_id, UserTask.state == "ready")
    ).one()


def seed(services: Services, tickets: int, batch: int = 50, seed: int = 16) -> None:
    """Register `tickets` open tickets through the service, spread over the last 20 days."""
    rng = random.Random(seed)
    users = actors(services)
    units = [code for code, _name, _district in DEMO_UNITS]
    weights = [10 if code == "ZJJ" else 3 if code in SIGNED_FOR_BY else 1 for code in units]
    step = timedelta(days=20) / max(tickets, 1)
    manual = clock.ManualClock(datetime.now(UTC) - timedelta(days=20))
    clock.set_clock(manual)  # registered in the past, so deadlines have passed by now
    try:
        for first in range(0, tickets, batch):
            with services.transaction() as session:
                for i in range(first, min(first + batch, tickets)):
                    manual.advance(step)
                    unit = rng.choices(units, weights)[0]
                    _one_ticket(session, services.runtime, users, rng, i, unit)
            print(f"  {min(first + batch, tickets):6d} tickets", file=sys.stderr, end="\r")
    finally:
        clock.set_clock(clock.Clock())
    print(file=sys.stderr)


def _one_ticket(
    session: Any, runtime: Any, users: dict[str, Actor], rng: random.Random, i: int, unit: str
) -> None:
    place = rng.choice(PLACES)
    data = {
        "channel": rng.choice(("phone", "wechat", "web", "app")),
        "category": rng.choice(("complaint", "help", "consultation", "suggestion")),
        "urgency": "normal",
        "requester": {"name": f"诉求人{i}", "phone": f"139{rng.randrange(10**8):08d}"},
        "content": f"{place}{rng.choice(MATTERS)}（第{i}件）",
        "address": f"{place}{rng.choice('东西南北')}街{i % 300}号",
        "district": place,
    }
    ticket = create_ticket(session, runtime, users["demo-operator"], data, prefix="GY").ticket
    if rng.random() < 0.2:
        return  # waits for the center's triage
    dispatch = {"disposition": "dispatch", "unit": unit}
    runtime.complete_task(session, _ready_task(session, ticket.id), dispatch, users["demo-center"])
    signer = SIGNED_FOR_BY.get(unit)
    if signer is not None and rng.random() < 0.5:
        acknowledge = {"contacted": True, "note": "已签收"}
        runtime.complete_task(session, _ready_task(session, ticket.id), acknowledge, users[signer])


def multiply(services: Services, target: int, chunk: int = 500) -> int:
    """Copy open tickets (and what hangs off them) until there are `target` tickets;
    how many were added."""
    meta = MetaData()
    meta.reflect(services.engine, only=("tickets", *CHILDREN))  # raw values, copied as stored
    tickets = meta.tables["tickets"]
    added = 0
    with services.engine.begin() as connection:
        have = connection.scalar(select(func.count()).select_from(tickets)) or 0
        originals = connection.execute(
            select(tickets).where(tickets.c.status != "closed").order_by(tickets.c.id)
        ).mappings().all()  # fmt: skip
        if not originals or have >= target:
            return 0
        children = _children(connection, meta, [row["id"] for row in originals])
        next_id = {name: _max_id(connection, meta.tables[name]) + 1 for name in _INT_IDS}
        while have + added < target:
            rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for _ in range(min(chunk, target - have - added)):
                original = originals[added % len(originals)]
                _copy(original, children, next_id, rows, added)
                added += 1
            for name in ("tickets", *CHILDREN):
                if rows[name]:
                    connection.execute(meta.tables[name].insert(), rows[name])
            print(f"  {have + added:6d} tickets", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return added


_INT_IDS = ("tickets", "process_instances", "ticket_events", "ticket_facts")


def _max_id(connection: Any, table: Table) -> int:
    return connection.scalar(select(func.max(table.c.id))) or 0


def _children(
    connection: Any, meta: MetaData, ticket_ids: list[int]
) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """The rows of each child table by ticket id."""
    found: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for name in CHILDREN:
        table = meta.tables[name]
        by_ticket: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for start in range(0, len(ticket_ids), 500):
            part = ticket_ids[start : start + 500]
            for row in connection.execute(select(table).where(table.c.ticket_id.in_(part))):
                by_ticket[row.ticket_id].append(dict(row._mapping))
        found[name] = by_ticket
    return found


def _copy(
    original: Any,
    children: dict[str, dict[int, list[dict[str, Any]]]],
    next_id: dict[str, int],
    rows: dict[str, list[dict[str, Any]]],
    n: int,
) -> None:
    """One copy of `original` and its child rows, under new ids, number and task UUIDs."""
    old_id, new_id = original["id"], next_id["tickets"]
    next_id["tickets"] += 1
    number = f"{original['number'][:-6]}{500000 + n:06d}"  # a sequence no real day reaches
    rows["tickets"].append({**original, "id": new_id, "number": number})
    uuids: dict[str, str] = {}

    def renew(text: str) -> str:
        return UUID.sub(lambda m: uuids.setdefault(m[0], str(uuid.uuid4())), text)

    instances: dict[int, int] = {}
    for row in children["process_instances"].get(old_id, []):
        instances[row["id"]] = next_id["process_instances"]
        next_id["process_instances"] += 1
        state = re.sub(rf'"ticket_id":\s*{old_id}\b', f'"ticket_id":{new_id}', row["state"])
        new = {"id": instances[row["id"]], "ticket_id": new_id, "state": renew(state)}
        rows["process_instances"].append({**row, **new})
    for name in ("user_tasks", "timers"):
        for row in children[name].get(old_id, []):
            new = {"id": renew(row["id"]), "ticket_id": new_id}
            rows[name].append({**row, **new, "instance_id": instances[row["instance_id"]]})
    for name in ("ticket_events", "ticket_facts"):
        for row in children[name].get(old_id, []):
            new = {"id": next_id[name], "ticket_id": new_id}
            next_id[name] += 1
            if name == "ticket_events":
                new["data"] = json.loads(renew(json.dumps(row["data"])))
            rows[name].append({**row, **new})
