"""timers.py setup, run in a child process: a SQLite file with N pending timers."""

from __future__ import annotations

import multiprocessing
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from timers_common import PROCESS_ID, T0, BenchError, due_datetime, settings_for

from hotline import clock
from hotline.actors import SYSTEM
from hotline.models import ProcessInstance, Timer, UserTask
from hotline.schema import upgrade
from processes.registry import deploy
from wiring.services import build_services

CLONE_CHUNK = 2000
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_bench_timer" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench_timer" name="bench timer" isExecutable="true">
    <bpmn:startEvent id="start" name="start">
      <bpmn:outgoing>flow_start_work</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="work" name="work" camunda:candidateGroups="center">
      <bpmn:incoming>flow_start_work</bpmn:incoming>
      <bpmn:outgoing>flow_work_end_done</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end_done" name="done">
      <bpmn:incoming>flow_work_end_done</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:boundaryEvent id="expire" name="expire" attachedToRef="work">
      <bpmn:outgoing>flow_expire_end_expired</bpmn:outgoing>
      <bpmn:timerEventDefinition id="expire_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${due_at}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end_expired" name="expired">
      <bpmn:incoming>flow_expire_end_expired</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_work" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="flow_work_end_done" sourceRef="work" targetRef="end_done" />
    <bpmn:sequenceFlow id="flow_expire_end_expired" sourceRef="expire" targetRef="end_expired" />
  </bpmn:process>
</bpmn:definitions>
"""


def _clone_rows(
    template: dict[str, dict[str, Any]], instance_id: int, due: datetime, old_due: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Rows of one clone: fresh task UUIDs throughout the state, the new due time."""
    mapping: dict[str, str] = {}

    def fresh(match: re.Match[str]) -> str:
        return mapping.setdefault(match.group(0), str(uuid.uuid4()))

    state = UUID_RE.sub(fresh, template["instance"]["state"]).replace(old_due, due.isoformat())
    instance = {**template["instance"], "id": instance_id, "state": state}
    timer = {
        **template["timer"],
        "id": mapping[template["timer"]["id"]],
        "instance_id": instance_id,
        "due_at": due,
    }
    task = {**template["task"], "id": mapping[template["task"]["id"]], "instance_id": instance_id}
    return instance, timer, task


def load(db_path: Path, n: int, seed: int, rate: float) -> dict[str, Any]:
    """Create the database with n pending timers; timings of the two ways of making them."""
    clock.set_clock(clock.ManualClock(T0))
    services = build_services(settings_for(db_path))
    upgrade(services.engine)
    with services.transaction() as session:
        deploy(session, DIAGRAM, f"{PROCESS_ID}.bpmn")
    seed = min(seed, n)
    started = time.perf_counter()
    first_id = 0
    for index in range(seed):
        with services.transaction() as session:
            instance = services.runtime.start(
                session,
                PROCESS_ID,
                actor=SYSTEM,
                variables={"due_at": due_datetime(index, rate).isoformat()},
            )
            if index == 0:
                first_id = instance.id
            elif instance.id != first_id + index:
                raise BenchError(f"instance ids are not consecutive at {instance.id}")
    seeded = time.perf_counter() - started

    started = time.perf_counter()
    with services.transaction() as session:
        template = {
            "instance": dict(
                session.execute(
                    select(ProcessInstance.__table__).where(ProcessInstance.id == first_id)
                )
                .one()
                ._mapping
            ),
            "timer": dict(
                session.execute(select(Timer.__table__).where(Timer.instance_id == first_id))
                .one()
                ._mapping
            ),
            "task": dict(
                session.execute(select(UserTask.__table__).where(UserTask.instance_id == first_id))
                .one()
                ._mapping
            ),
        }
    old_due = due_datetime(0, rate).isoformat()
    if template["instance"]["state"].count(old_due) != 2:  # workflow data + timer event_value
        raise BenchError("the template's state does not hold its due time where expected")
    for chunk_start in range(seed, n, CLONE_CHUNK):
        rows: tuple[list[dict[str, Any]], ...] = ([], [], [])
        for index in range(chunk_start, min(n, chunk_start + CLONE_CHUNK)):
            clone = _clone_rows(template, first_id + index, due_datetime(index, rate), old_due)
            for bucket, row in zip(rows, clone, strict=True):
                bucket.append(row)
        with services.transaction() as session:
            session.execute(insert(ProcessInstance.__table__), rows[0])
            session.execute(insert(Timer.__table__), rows[1])
            session.execute(insert(UserTask.__table__), rows[2])
    cloned = time.perf_counter() - started
    with services.transaction() as session:
        pending = session.scalar(select(func.count()).select_from(Timer))
    services.dispose()
    if pending != n:
        raise BenchError(f"{pending} timers pending after loading, expected {n}")
    return {
        "first_id": first_id,
        "seeded": seed,
        "seed_seconds": seeded,
        "starts_per_s": seed / seeded if seeded else 0.0,
        "cloned": n - seed,
        "clone_seconds": cloned,
        "clones_per_s": (n - seed) / cloned if cloned and n > seed else 0.0,
    }


def load_in_child(db_path: Path, n: int, seed: int, rate: float) -> dict[str, Any]:
    """Run `load` in a fresh process and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(load, (db_path, n, seed, rate))
