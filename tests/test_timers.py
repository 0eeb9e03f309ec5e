"""The `timers` index and the runtime's timer entry points, on tests/data/timers.bpmn.

The diagram: user task `work` with a non-interrupting reminder `remind` (${remind_at})
and an interrupting deadline `expire` (${due_at}), each leading to a service task whose
topic is registered in tests/helpers/timers.py. The clock is the manual one; nothing sleeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from sqlalchemy import select

from hotline import clock
from hotline.actors import SYSTEM, Actor
from hotline.errors import Conflict, Invalid
from hotline.models import ProcessInstance, UserTask
from processes.timers import due_time
from tests.helpers import timers
from tests.helpers.timers import (
    PROCESS,
    START,
    Recorder,
    at,
    events,
    fire,
    instance_status,
    start_instance,
    timer_rows,
)
from wiring.services import Services

# The timer fixtures, under their own names so pytest finds them here.
recorder = timers.recorder
timer_settings = timers.timer_settings
timer_services = timers.timer_services

CENTER = Actor(id=None, name="test-center", role="center")


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
