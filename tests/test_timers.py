"""The `timers` index and the runtime's timer entry points, on tests/data/timers.bpmn.

The diagram: user task `work` with a non-interrupting reminder `remind` (${remind_at})
and an interrupting deadline `expire` (${due_at}), each leading to a service task whose
topic is registered here. The clock is the manual one; nothing sleeps.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from sqlalchemy import func, select

from hotline import clock
from hotline.actors import SYSTEM, Actor
from hotline.config import Settings
from hotline.errors import Conflict, Invalid
from hotline.models import ProcessInstance, Ticket, TicketEvent, Timer, UserTask
from processes.registry import deploy
from processes.runtime import Runtime
from processes.timers import due_time
from processes.topics import get_handler, topic
from wiring.services import Services, build_services

DATA = Path(__file__).resolve().parent / "data"
PROCESS = "timers_test"
CENTER = Actor(id=None, name="test-center", role="center")
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # the manual clock's start (conftest)


class _Crash(BaseException):
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


# pytest imports this file as `test_timers`, the other test modules as `tests.test_timers`:
# the second copy must share the first one's handlers, recorder and crash type.
_first: Any = get_handler("test.timers.remind")
if _first is None:
    RECORDER, Crash = Recorder(), _Crash
    _remind.shared = (RECORDER, Crash)  # type: ignore[attr-defined]
    topic("test.timers.remind")(_remind)
    topic("test.timers.expire")(_expire)
else:
    RECORDER, Crash = _first.shared


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


# -- the index ------------------------------------------------------------------------------


def test_rows_appear_for_waiting_timers(timer_services: Services) -> None:
    instance_id, ticket_id = start_instance(timer_services, at(2), at(8))
    rows = timer_rows(timer_services)
    assert [(r.element_id, r.due_at) for r in rows] == [("remind", at(2)), ("expire", at(8))]
    assert all(r.instance_id == instance_id and r.ticket_id == ticket_id for r in rows)
    assert all(r.due_at.tzinfo is not None and r.created_at == START for r in rows)
    with timer_services.transaction() as session:
        instance = session.get(ProcessInstance, instance_id)
        compiled = timer_services.runtime.specs.get(session, instance.definition_id)
        workflow = timer_services.runtime._load(instance, compiled)
    # The row id is SpiffWorkflow's task id of the waiting timer event.
    waiting = {str(t.id): t.task_spec.bpmn_id for t in workflow.get_tasks() if t.id}
    assert all(waiting[r.id] == r.element_id for r in rows)


def test_rows_disappear_when_the_task_completes(timer_services: Services) -> None:
    instance_id, _ = start_instance(timer_services, at(2), at(8))
    with timer_services.transaction() as session:
        task = timer_services.runtime.ready_tasks(session, instance_id)[0]
        timer_services.runtime.complete_task(session, task.id, {}, CENTER)
    assert timer_rows(timer_services) == []
    assert instance_status(timer_services, instance_id) == "completed"


def test_offset_due_times_are_stored_in_utc(timer_services: Services) -> None:
    shanghai = at(2).astimezone(clock.SHANGHAI)
    start_instance(timer_services, shanghai, at(8))
    assert timer_rows(timer_services)[0].due_at == at(2)


# -- fire_timers ----------------------------------------------------------------------------


def test_fire_timers_fires_only_what_is_due(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    instance_id, ticket_id = start_instance(timer_services, at(2), at(8))
    assert fire(timer_services, instance_id) == 0
    manual_clock.set(at(3))
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("remind", ticket_id)]
    assert [r.element_id for r in timer_rows(timer_services)] == ["expire"]
    fired = events(timer_services, "timer_fired")
    assert [(e.task, e.data["due_at"], e.actor_name) for e in fired] == [
        ("remind", at(2).isoformat(), "system")
    ]
    assert len(events(timer_services, "test_remind")) == 1
    assert fire(timer_services, instance_id) == 0  # fired once, not again

    manual_clock.set(at(9))
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("remind", ticket_id), ("expire", ticket_id)]
    assert timer_rows(timer_services) == []
    assert instance_status(timer_services, instance_id) == "completed"
    with timer_services.transaction() as session:
        task = session.scalars(select(UserTask).where(UserTask.instance_id == instance_id)).one()
        assert task.state == "cancelled"  # the interrupting deadline took `work` away


def test_a_timer_fires_only_after_its_due_time(
    timer_services: Services, manual_clock: clock.ManualClock
) -> None:
    """SpiffWorkflow fires a date timer once due < now; at exactly due it still waits."""
    instance_id, _ = start_instance(timer_services, at(2), at(8))
    manual_clock.set(at(2))
    assert fire(timer_services, instance_id) == 0
    manual_clock.set(at(2) + timedelta(microseconds=1))
    assert fire(timer_services, instance_id) == 1


def test_timers_due_together_fire_in_due_order(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    """The reminder fires before the deadline that cancels it, though both are overdue."""
    instance_id, ticket_id = start_instance(timer_services, at(2), at(8))
    manual_clock.set(at(24))
    assert fire(timer_services, instance_id) == 2
    assert recorder.names() == [("remind", ticket_id), ("expire", ticket_id)]
    assert [e.task for e in events(timer_services, "timer_fired")] == ["remind", "expire"]


def test_an_earlier_interrupting_deadline_cancels_the_later_reminder(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    instance_id, ticket_id = start_instance(timer_services, at(8), at(2))
    manual_clock.set(at(24))
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("expire", ticket_id)]
    assert timer_rows(timer_services) == []


def test_fire_timers_on_a_finished_instance_drops_leftover_rows(
    timer_services: Services,
) -> None:
    instance_id, _ = start_instance(timer_services, at(2), at(8))
    with timer_services.transaction() as session:
        session.get(ProcessInstance, instance_id).status = "completed"
    assert fire(timer_services, instance_id) == 0
    assert timer_rows(timer_services) == []


# -- update_variables -----------------------------------------------------------------------


def update(services: Services, instance_id: int, **variables: Any) -> None:
    """Runtime.update_variables in its own transaction."""
    with services.transaction() as session:
        services.runtime.update_variables(session, instance_id, variables, SYSTEM)


def test_update_variables_moves_a_pending_due_time(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    instance_id, ticket_id = start_instance(timer_services, at(2), at(8))
    update(timer_services, instance_id, due_at=at(30).isoformat(), extended=True)
    assert [(r.element_id, r.due_at) for r in timer_rows(timer_services)] == [
        ("remind", at(2)),
        ("expire", at(30)),
    ]
    manual_clock.set(at(9))  # past the old due time: nothing to fire for it
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("remind", ticket_id)]
    manual_clock.set(at(31))
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("remind", ticket_id), ("expire", ticket_id)]


def test_update_variables_can_move_a_due_time_earlier(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    instance_id, ticket_id = start_instance(timer_services, at(20), at(40))
    update(timer_services, instance_id, remind_at=at(1).isoformat())
    assert timer_rows(timer_services)[0].due_at == at(1)
    manual_clock.set(at(1.5))
    assert fire(timer_services, instance_id) == 1
    assert recorder.names() == [("remind", ticket_id)]


def test_update_variables_reaches_the_ready_task(timer_services: Services) -> None:
    instance_id, _ = start_instance(timer_services, at(2), at(8))
    update(timer_services, instance_id, note_id=7)
    with timer_services.transaction() as session:
        instance = session.get(ProcessInstance, instance_id)
        compiled = timer_services.runtime.specs.get(session, instance.definition_id)
        workflow = timer_services.runtime._load(instance, compiled)
    unfinished = [t for t in workflow.get_tasks() if t.state in (8, 16)]  # WAITING, READY
    assert unfinished and all(t.data["note_id"] == 7 for t in unfinished)


def test_update_variables_refuses_bad_names_and_finished_instances(
    timer_services: Services,
) -> None:
    instance_id, _ = start_instance(timer_services, at(2), at(8))
    with pytest.raises(Invalid), timer_services.transaction() as session:
        timer_services.runtime.update_variables(session, instance_id, {"__x": 1}, SYSTEM)
    with timer_services.transaction() as session:
        task = timer_services.runtime.ready_tasks(session, instance_id)[0]
        timer_services.runtime.complete_task(session, task.id, {}, CENTER)
    with pytest.raises(Conflict), timer_services.transaction() as session:
        timer_services.runtime.update_variables(session, instance_id, {"x": 1}, SYSTEM)


# -- listeners and parsing --------------------------------------------------------------------


def test_listeners_hear_of_new_timers_after_commit_only(timer_services: Services) -> None:
    heard: list[datetime] = []
    timer_services.runtime.timer_listeners.append(heard.append)
    start_instance(timer_services, at(2), at(8))
    assert heard == [at(2)]
    with pytest.raises(RuntimeError), timer_services.transaction() as session:
        timer_services.runtime.start(
            session,
            PROCESS,
            actor=SYSTEM,
            variables={"remind_at": at(1).isoformat(), "due_at": at(3).isoformat()},
        )
        raise RuntimeError("roll back")
    assert heard == [at(2)]


def test_cycle_timers_are_due_at_their_next_occurrence() -> None:
    definition = CycleTimerEventDefinition("c", "'R3/PT1H'")
    task = SimpleNamespace(
        id="t",
        task_spec=SimpleNamespace(event_definition=definition),
        internal_data={"event_value": {"cycles": 2, "next": at(1).isoformat(), "duration": 3600}},
    )
    assert due_time(task) == at(1)
    task.internal_data["event_value"]["cycles"] = 0
    assert due_time(task) is None
