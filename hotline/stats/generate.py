"""A generated month of tickets and their events, for tests, the demo bulletin and the bench.

`generate_month(session, profile, "2026-10")` writes SMALL_MONTH: 20 planned tickets (table
below), each living one *story* (closed on time, late, returned, extended, rehandled, joint…)
with due times from the profile's real limits, events shaped as the handlers write them, and
the facts folded from those events (hotline.stats.facts), so the figures of the month can be
stated by hand. `generate_bulk(session, profile, tickets=…, seed=…)` writes any number of
seeded random stories with bulk inserts (bench/stats.py). Neither runs the workflow: the
tickets have no process instances; they are history only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hotline import sealing
from hotline.calendar import WorkingCalendar
from hotline.clock import SHANGHAI
from hotline.deadlines import compute_deadlines
from hotline.models import Ticket, TicketEvent
from hotline.policy import Profile
from hotline.stats.facts import fold_history
from hotline.stats.rows import FACTS_TABLE, row_values
from hotline.stats.story import STORIES, Story, Timeline

ACTOR = "generated"


@dataclass(frozen=True)
class Planned:
    """One ticket of the small month: the n-th working day, unit, story and its attributes."""

    day: int
    unit: str
    story: str
    category: str = "complaint"
    district: str = "利州区"
    channel: str = "phone"
    other_unit: str = "LZQ"  # where a returned ticket goes, the assisting unit of a joint one


# The small month (hand-computed figures in tests/test_stats_month.py and the README).
SMALL_MONTH: tuple[Planned, ...] = (
    Planned(1, "ZJJ", "closed"),
    Planned(1, "ZJJ", "closed", "help", "昭化区", "wechat"),
    Planned(2, "ZJJ", "basic", "consultation", "利州区", "web"),
    Planned(2, "ZJJ", "late_ack"),
    Planned(3, "ZJJ", "overdue"),
    Planned(3, "ZJJ", "returned", other_unit="LZQ"),
    Planned(4, "ZJJ", "extended"),
    Planned(4, "ZJJ", "rehandled", "help", "昭化区", "wechat"),
    Planned(5, "ZJJ", "joint", other_unit="HBJ"),
    Planned(5, "ZJJ", "open"),
    Planned(6, "LZQ", "closed", "help"),
    Planned(6, "LZQ", "repeat"),
    Planned(7, "LZQ", "no_response", "help", "利州区", "wechat"),
    Planned(7, "LZQ", "overdue", "complaint", "利州区", "app"),
    Planned(8, "LZQ", "unsatisfied"),
    Planned(8, "HBJ", "closed", "report", "昭化区", "web"),
    Planned(9, "HBJ", "late_ack", "complaint", "昭化区"),
    Planned(9, "HBJ", "returned", other_unit="ZJJ"),
    Planned(10, "HBJ", "answered", "consultation", "利州区", "web"),
    Planned(10, "HBJ", "declined", "consultation", "昭化区"),
)

CONTENT = {
    "complaint": "小区夜间施工噪音扰民，晚上十一点后仍在作业",
    "help": "老旧小区路灯损坏多日，夜间出行不便",
    "consultation": "咨询住房公积金提取需要哪些材料",
    "report": "反映河道有企业偷排污水",
    "suggestion": "建议在学校门口增设人行横道",
    "praise": "表扬社区工作人员热心帮助",
    "appeal": "对行政处罚决定有异议申请复核",
}


@dataclass(frozen=True)
class Generated:
    """What was written: the tickets' numbers (in plan order) and how many events."""

    numbers: tuple[str, ...]
    events: int
    facts: int


def working_days(calendar: WorkingCalendar, month: str) -> list[date]:
    """The month's working days (`2026-10`), in order."""
    first = date.fromisoformat(f"{month}-01")
    days, day = [], first
    while day.month == first.month:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, minutes: int) -> datetime:
    """09:00 Shanghai of `day` plus `minutes`, as UTC."""
    local = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


class _Writer:
    """Collects tickets, events and facts; writes them with one insert per table."""

    def __init__(self, session: Session, profile: Profile, prefix: str) -> None:
        self.session, self.profile, self.prefix = session, profile, prefix
        self.calendar = WorkingCalendar.load(session)
        last = session.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1)) or 0
        self.next_id = last + 1
        self.tickets: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.facts: list[dict[str, Any]] = []

    def deadlines(self, category: str, channel: str, at: datetime) -> tuple[Any, Any]:
        found = compute_deadlines(
            self.profile,
            self.calendar,
            category=category,
            urgency="normal",
            channel=channel,
            dispatched_at=at,
        )
        return found.due_at, found.acknowledge_due_at

    def add(self, plan: Planned, story: Story, created: datetime, phone: str) -> str:
        ticket_id = self.next_id
        self.next_id += 1
        number = f"{self.prefix}{ticket_id:07d}"
        line = Timeline(plan.unit, plan.other_unit, plan.category, plan.channel, created)
        story(line, self.deadlines)
        events = line.sorted_events()
        self.tickets.append(
            {
                "id": ticket_id,
                "number": number,
                "channel": plan.channel,
                "category": plan.category,
                "urgency": "normal",
                "requester_name": "张三",
                "requester_phone": phone,
                "requester_phone_hash": sealing.phone_hash(phone),
                "confidential": False,
                "content": CONTENT[plan.category],
                "address": f"{plan.district}滨河路{ticket_id % 97 + 1}号",
                "district": plan.district,
                "created_at": created,
                "updated_at": events[-1][0],
                **line.ticket_state(),
            }
        )
        rows = [
            {
                "ticket_id": ticket_id,
                "at": at,
                "kind": kind,
                "actor_id": None,
                "actor_name": ACTOR,
                "task": None,
                "data": data,
            }
            for at, kind, data in events
        ]
        self.events.extend(rows)
        folded = fold_history(
            ticket_id,
            _Attrs(plan.category, plan.district, plan.channel),
            [_Event(e) for e in rows],
            lambda: self.calendar,
        )
        self.facts.extend(row_values(r) for r in folded)
        return number

    def flush(self) -> None:
        for model, rows in ((Ticket, self.tickets), (TicketEvent, self.events)):
            if rows:
                self.session.execute(insert(model), rows)
        if self.facts:
            self.session.execute(insert(FACTS_TABLE), self.facts)
        self.tickets, self.events, self.facts = [], [], []


@dataclass
class _Attrs:
    """The attributes of a generated ticket the facts are split by."""

    category: str
    district: str | None
    channel: str
    urgency: str = "normal"


class _Event:
    def __init__(self, row: dict[str, Any]) -> None:
        self.at, self.kind, self.data = row["at"], row["kind"], row["data"]


def generate_month(
    session: Session, profile: Profile, month: str = "2026-10", *, seed: int = 13
) -> Generated:
    """Write SMALL_MONTH into `month` under `profile` (units ZJJ, LZQ, HBJ must exist);
    the same seed and profile give the same history. Returns the numbers in plan order."""
    rng = random.Random(seed)
    writer = _Writer(session, profile, f"GEN{month.replace('-', '')}")
    days = working_days(writer.calendar, month)
    numbers = []
    for index, plan in enumerate(SMALL_MONTH):
        created = _at(days[plan.day - 1], 7 * (index % 2))
        phone = f"138{rng.randrange(10**8):08d}"
        numbers.append(writer.add(plan, STORIES[plan.story], created, phone))
    count = len(writer.events)
    facts = len(writer.facts)
    writer.flush()
    session.flush()
    return Generated(tuple(numbers), count, facts)


def generate_bulk(
    session: Session,
    profile: Profile,
    *,
    tickets: int,
    months: Sequence[str],
    units: Sequence[str],
    districts: Sequence[str] = ("利州区", "昭化区", "朝天区", "旺苍县", "青川县"),
    seed: int = 13,
    batch: int = 5000,
    progress: Any = None,
) -> Generated:
    """Write `tickets` random stories spread over `months` (seeded), in batches of `batch`
    with bulk inserts; `progress(n)` hears of each batch. For the bench and demo volumes."""
    rng = random.Random(seed)
    writer = _Writer(session, profile, "BLK")
    days = [d for m in months for d in working_days(writer.calendar, m)]
    names = sorted(STORIES)
    weights = [STORY_WEIGHTS.get(n, 1) for n in names]
    categories = ("complaint", "help", "consultation", "suggestion", "report")
    channels = ("phone", "wechat", "web", "app")
    events = facts = 0
    for i in range(tickets):
        unit = rng.choice(units)
        plan = Planned(
            day=0,
            unit=unit,
            story=rng.choices(names, weights)[0],
            category=rng.choice(categories),
            district=rng.choice(districts),
            channel=rng.choice(channels),
            other_unit=rng.choice([u for u in units if u != unit] or [unit]),
        )
        created = _at(rng.choice(days), rng.randrange(0, 480))
        writer.add(plan, STORIES[plan.story], created, f"139{rng.randrange(10**8):08d}")
        if (i + 1) % batch == 0 or i + 1 == tickets:
            events += len(writer.events)
            facts += len(writer.facts)
            writer.flush()
            if progress is not None:
                progress(batch)
    return Generated((), events, facts)


# How often each story happens in bulk (a plausible mix: most tickets close on time).
STORY_WEIGHTS = {
    "closed": 40,
    "basic": 10,
    "late_ack": 5,
    "overdue": 5,
    "returned": 4,
    "extended": 3,
    "rehandled": 3,
    "joint": 3,
    "open": 5,
    "repeat": 4,
    "no_response": 6,
    "unsatisfied": 4,
    "answered": 6,
    "declined": 2,
}
