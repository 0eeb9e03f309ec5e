"""Deploying small diagrams the way Camunda Modeler users draw them, and running them.

Complements tests/test_corpus.py with cases the corpus does not have: bare ISO timers and
JUEL conditions at run time, start variables, multi-instance collections. The refusals are
in tests/test_deploy_refusals.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from hotline.actors import SYSTEM, Actor
from hotline.errors import WorkflowError
from hotline.models import ProcessInstance
from processes.registry import deploy
from tests.helpers.bpmn import ROUTING, process, timer_process

ADMIN = Actor(id=None, name="admin", role="admin")


def _workflow(services, session, instance):
    compiled = services.runtime.specs.get(session, instance.definition_id)
    return services.runtime.serializer.loads(
        instance.state, compiled.spec, compiled.subprocess_specs
    )


# -- what Camunda users write works ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "after"),
    [
        ("timeDuration", "PT5M", timedelta(minutes=5)),
        ("timeDuration", " P2D ", timedelta(days=2)),
        ("timeDuration", '"PT72H"', timedelta(hours=72)),
        ("timeDate", "2026-11-24T09:00:00+08:00", timedelta(days=1)),
        ("timeDate", "${callback_at}", timedelta(hours=3)),
    ],
)
def test_camunda_timer_values_wait_until_due(services, manual_clock, kind, value, after) -> None:
    """Bare ISO values (PT5M), quoted ones, dates and ${variable} timers all schedule."""
    start = manual_clock.now()
    variables = {"callback_at": (start + timedelta(hours=3)).isoformat()}
    with services.transaction() as session:
        deploy(session, timer_process(kind, value), "timer.bpmn")
        instance = services.runtime.start(session, "p", actor=SYSTEM, variables=variables)
        workflow = _workflow(services, session, instance)
    (timer,) = workflow.get_tasks(state=TaskState.WAITING)
    assert timer.task_spec.bpmn_id == "wait"
    due = TimerEventDefinition.get_datetime(timer.internal_data["event_value"])
    assert due - start == after


@pytest.mark.parametrize(
    ("variables", "ready"),
    [
        ({"amount": 150, "urgent": False}, ["big"]),
        ({"amount": 150, "urgent": True}, ["small"]),
        ({"amount": 5, "urgent": False}, ["small"]),
    ],
)
def test_juel_condition_routes_the_gateway(services, variables, ready) -> None:
    with services.transaction() as session:
        deploy(session, ROUTING, "routing.bpmn")
        instance = services.runtime.start(session, "p", actor=SYSTEM, variables=variables)
        assert [t.task_id for t in services.runtime.ready_tasks(session, instance.id)] == ready


def test_condition_on_a_variable_nobody_set_fails_at_the_gateway(services) -> None:
    """A start without the variable a gateway needs is a WorkflowError there; nothing stored."""
    with services.transaction() as session:
        deploy(session, ROUTING, "routing.bpmn")
    with pytest.raises(WorkflowError) as failed, services.transaction() as session:
        services.runtime.start(session, "p", actor=SYSTEM, variables={"urgent": False})
    assert failed.value.fields == {"element": "amount_gateway"}
    assert "amount_gateway" in failed.value.message and "amount gt 100" in failed.value.message
    with services.transaction() as session:
        assert session.scalars(select(ProcessInstance)).all() == []


def test_multi_instance_over_a_juel_collection_runs_each_item(services) -> None:
    """camunda:collection="${units}" (Camunda 7 style) is read as the variable units."""
    xml = process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>
    <bpmn:userTask id="reply" name="Unit reply">
      <bpmn:multiInstanceLoopCharacteristics
          camunda:collection="${units}" camunda:elementVariable="unit"/>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/>
    <bpmn:endEvent id="end"/>""")
    with services.transaction() as session:
        deploy(session, xml, "units.bpmn")
        instance = services.runtime.start(
            session, "p", actor=SYSTEM, variables={"units": ["GY01", "GY02"]}
        )
        tasks = services.runtime.ready_tasks(session, instance.id)
        assert [t.task_id for t in tasks] == ["reply", "reply"]
        task_ids = [t.id for t in tasks]
    for task_id in task_ids:
        with services.transaction() as session:
            services.runtime.complete_task(session, task_id, {}, ADMIN)
    with services.transaction() as session:
        assert session.get(ProcessInstance, instance.id).status == "completed"


def test_multi_instance_without_its_collection_fails_naming_the_task(services) -> None:
    xml = process("""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>
    <bpmn:userTask id="reply" name="Unit reply">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true"
          camunda:collection="units" camunda:elementVariable="unit"/>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/>
    <bpmn:endEvent id="end"/>""")
    with services.transaction() as session:
        deploy(session, xml, "units.bpmn")
    for variables, phrase in [
        ({}, "multi-instance collection variable 'units' is not set"),
        ({"units": 3}, "multi-instance collection variable 'units' must be a list, not int"),
    ]:
        with pytest.raises(WorkflowError) as failed, services.transaction() as session:
            services.runtime.start(session, "p", actor=SYSTEM, variables=variables)
        assert failed.value.fields == {"element": "reply"}
        assert phrase in failed.value.message
