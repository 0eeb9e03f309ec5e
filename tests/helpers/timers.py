"""Timers in tests: tests/data/timers.bpmn, the handlers of its two service-task topics
(registered here, once), what they recorded (Recorder) and the fixtures over that diagram.

The diagram: user task `work` with a non-interrupting reminder `remind` (${remind_at})
and an interrupting deadline `expire` (${due_at}), each leading to a service task whose
topic is registered here. Test modules import the fixtures by name so pytest finds them
there; `recorder` is autouse in every module that imports it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hotline import clock
from hotline.actors import SYSTEM
from hotline.config import Settings
from hotline.models import ProcessInstance, Ticket, TicketEvent, Timer
from processes.registry import deploy
from processes.runtime import Runtime
from processes.topics import topic
from tests.helpers.clock import START
from wiring.services import Services, build_services

DATA = Path(__file__).resolve().parent.parent / "data"
PROCESS = "timers_test"


class Crash(BaseException):
    """A process dying mid-transaction: not an Exception, so nothing catches it."""


class Recorder:
    """What the test handlers saw, and failures to inject into them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int | None, datetime]] = []
        self.fail: dict[str, int] = {}
        self.crash: dict[str, int] = {}
        self.spawn: list[dict[str, Any]] = []
        self.fired = threading.Event()
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget everything (one test's state must not leak into the next)."""
        with self._lock:
            self.calls.clear()
            self.fail.clear()
            self.crash.clear()
            self.spawn.clear()
            self.fired.clear()

    def handle(self, name: str, ctx: Any) -> None:
        """Record the call; raise if a failure was injected for this topic."""
        with self._lock:
            self.calls.append((name, ctx.ticket_id, clock.now()))
            if self.crash.get(name, 0) > 0:
                self.crash[name] -= 1
                raise Crash(name)
            if self.fail.get(name, 0) > 0:
                self.fail[name] -= 1
                raise RuntimeError(f"injected failure in {name}")
            spawn = self.spawn.pop(0) if self.spawn and name == "remind" else None
        ctx.emit(f"test_{name}")
        if spawn is not None:  # a firing that creates more timers
            Runtime().start(ctx.session, PROCESS, actor=SYSTEM, variables=spawn)
        self.fired.set()

    def names(self) -> list[tuple[str, int | None]]:
        """(handler, ticket id) in call order."""
        return [(name, ticket) for name, ticket, _ in self.calls]


def _remind(ctx: Any) -> dict[str, Any]:
    RECORDER.handle("remind", ctx)
    return {"reminded": True}


def _expire(ctx: Any) -> dict[str, Any]:
    RECORDER.handle("expire", ctx)
    return {"expired": True}


RECORDER = Recorder()
topic("test.timers.remind")(_remind)
topic("test.timers.expire")(_expire)


@pytest.fixture(autouse=True)
def recorder() -> Iterator[Recorder]:
    """The handlers' record, empty for each test."""
    RECORDER.reset()
    yield RECORDER
    RECORDER.reset()


@pytest.fixture
def timer_settings(settings: Settings) -> Settings:
    """Settings whose diagrams are tests/data (the ticket diagram is not needed here)."""
    return dataclasses.replace(settings, bpmn_dir=DATA)


@pytest.fixture
def timer_services(timer_settings: Settings, manual_clock: clock.ManualClock) -> Iterator[Services]:
    """Services over a fresh database with the timers test diagram deployed."""
    built = build_services(timer_settings)
    with built.transaction() as session:
        deploy(session, (DATA / "timers.bpmn").read_bytes(), "timers.bpmn")
    yield built
    built.dispose()


def at(hours: float) -> datetime:
    """The test start time plus `hours`."""
    return START + timedelta(hours=hours)


def start_instance(
    services: Services, remind: datetime, due: datetime, *, ticket: bool = True
) -> tuple[int, int | None]:
    """Start one instance (with a ticket of its own); (instance id, ticket id)."""
    with services.transaction() as session:
        ticket_id = new_ticket(session) if ticket else None
        instance = services.runtime.start(
            session,
            PROCESS,
            actor=SYSTEM,
            ticket_id=ticket_id,
            variables={"remind_at": remind.isoformat(), "due_at": due.isoformat()},
        )
        return instance.id, ticket_id


def new_ticket(session: Any) -> int:
    """A minimal ticket row, so handlers can record history."""
    count = session.scalar(select(func.count()).select_from(Ticket)) or 0
    now = clock.now()
    ticket = Ticket(
        number=f"TT{count + 1:06d}",
        channel="phone",
        category="complaint",
        urgency="normal",
        requester_name="测试",
        requester_phone="13800000000",
        content="定时器测试",
        status="handling",
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket.id


def timer_rows(services: Services, instance_id: int | None = None) -> list[Timer]:
    """Rows of the `timers` table, due order."""
    with services.transaction() as session:
        query = select(Timer).order_by(Timer.due_at, Timer.id)
        if instance_id is not None:
            query = query.where(Timer.instance_id == instance_id)
        return list(session.scalars(query))


def events(services: Services, kind: str) -> list[TicketEvent]:
    """History events of one kind, in order."""
    with services.transaction() as session:
        query = select(TicketEvent).where(TicketEvent.kind == kind).order_by(TicketEvent.id)
        return list(session.scalars(query))


def fire(services: Services, instance_id: int) -> int:
    """Runtime.fire_timers in its own transaction."""
    with services.transaction() as session:
        return services.runtime.fire_timers(session, instance_id)


def instance_status(services: Services, instance_id: int) -> str:
    """running / completed."""
    with services.transaction() as session:
        return session.get(ProcessInstance, instance_id).status
