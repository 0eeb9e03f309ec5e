"""(b) of lifecycle.py: the same lifecycles through the service layer on a SQLite file."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lifecycle_common import BPMN_DIR, CENTER, INTAKE, UNIT, UNIT_CODE, BenchError, Step, summary
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import directory
from hotline.actors import Actor
from hotline.config import Settings
from hotline.inbox import inbox  # a module global on purpose: whatif.py and breakdown.py patch it
from hotline.models import ProcessInstance, Ticket, Unit, UserTask
from hotline.schema import upgrade
from hotline.tickets import create_ticket  # patched here by breakdown.py, like inbox
from processes.registry import deploy_directory
from wiring.services import Services, build_services


@dataclass
class ServiceTimes:
    """Per-lifecycle and per-step timings of (b), in seconds, plus state sizes in bytes."""

    lifecycles: list[float] = field(default_factory=list)
    create: list[float] = field(default_factory=list)
    inbox: list[list[float]] = field(default_factory=list)
    complete: list[list[float]] = field(default_factory=list)
    commit: list[list[float]] = field(default_factory=list)
    state_bytes: list[list[int]] = field(default_factory=list)
    create_state_bytes: list[int] = field(default_factory=list)


def _instance_in(session: Session) -> ProcessInstance | None:
    """The process instance the call just saved, from the identity map (no SQL)."""
    for obj in session.identity_map.values():
        if isinstance(obj, ProcessInstance):
            return obj
    return None


def _state_bytes(instance: ProcessInstance | None) -> int:
    """Size of the saved workflow state."""
    return len(instance.state.encode()) if instance is not None else 0


class ServiceBench:
    """An upgraded SQLite file with bpmn/ deployed, one unit, a center user and a unit user."""

    def __init__(self, db_path: Path, steps: tuple[Step, ...]) -> None:
        settings = Settings(
            database_url=f"sqlite:///{db_path}",
            profile="guangyuan",
            clock="system",
            bpmn_dir=BPMN_DIR,
            var_dir=db_path.parent,
        )
        self.settings = settings
        self.services: Services = build_services(settings)
        self.steps = steps
        upgrade(self.services.engine)
        with self.services.transaction() as session:
            deploy_directory(session, settings.bpmn_dir)
            if session.get(Unit, UNIT_CODE) is None:  # --db may point at an earlier run's file
                directory.add_unit(session, UNIT_CODE, "广元市利州区住房和城乡建设局", "利州区")
                session.flush()
            tokens = {
                CENTER: directory.add_user(session, "bench center", CENTER),
                UNIT: directory.add_user(session, "bench unit", UNIT, UNIT_CODE),
            }
        with self.services.transaction() as session:
            actors = {role: directory.actor_for_token(session, t) for role, t in tokens.items()}
        self.actors: dict[str, Actor] = {r: a for r, a in actors.items() if a is not None}
        self.ticket_ids: list[int] = []

    def _inbox(self, actor: Actor, ticket_id: int) -> tuple[str, str]:
        """What GET /api/v1/tasks does (hotline.inbox.inbox, its own transaction); returns
        the id and BPMN id of the one ready task of this ticket it lists."""
        with self.services.transaction() as session:
            rows, _total = inbox(session, actor)
            mine = [
                (task.id, task.task_id) for task, _number in rows if task.ticket_id == ticket_id
            ]
        if len(mine) != 1:
            raise BenchError(f"the inbox lists {len(mine)} ready tasks of ticket {ticket_id}")
        return mine[0]

    def lifecycle(self, times: ServiceTimes | None = None) -> int:
        """One lifecycle through create_ticket and complete_task; returns the ticket id."""
        runtime = self.services.runtime
        started = time.perf_counter()
        with self.services.transaction() as session:
            intake = create_ticket(session, runtime, self.actors[CENTER], dict(INTAKE), prefix="GY")
            ticket_id = intake.ticket.id
            started_instance = _instance_in(session)
        created = time.perf_counter()
        if times is not None:
            times.create.append(created - started)
            times.create_state_bytes.append(_state_bytes(started_instance))
        for index, step in enumerate(self.steps):
            actor = self.actors[step.role]
            t0 = time.perf_counter()
            task_id, task_name = self._inbox(actor, ticket_id)
            if task_name != step.task:
                raise BenchError(
                    f"step {index}: expected {step.task}, the inbox offers {task_name}"
                )
            t1 = time.perf_counter()
            with self.services.transaction() as session:
                runtime.complete_task(session, task_id, dict(step.form), actor)
                t2 = time.perf_counter()
                instance = _instance_in(session)
            t3 = time.perf_counter()
            if times is not None:
                times.inbox[index].append(t1 - t0)
                times.complete[index].append(t2 - t1)
                times.commit[index].append(t3 - t2)
                times.state_bytes[index].append(_state_bytes(instance))
        if times is not None:
            times.lifecycles.append(time.perf_counter() - started)
        self.ticket_ids.append(ticket_id)
        return ticket_id

    def new_times(self) -> ServiceTimes:
        """Empty timing lists shaped for this path."""
        times = ServiceTimes()
        for _ in self.steps:
            times.inbox.append([])
            times.complete.append([])
            times.commit.append([])
            times.state_bytes.append([])
        return times

    def run(self, n: int, warmup: int) -> dict[str, Any]:
        """Time n lifecycles after `warmup` untimed ones, then check every ticket closed."""
        for _ in range(warmup):
            self.lifecycle()
        times = self.new_times()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            self.lifecycle(times)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        end_state = self.verify()
        inbox_total = sum(sum(t) for t in times.inbox)
        steps = []
        for i, step in enumerate(self.steps):
            total = [
                a + b + c
                for a, b, c in zip(times.inbox[i], times.complete[i], times.commit[i], strict=True)
            ]
            steps.append(
                {
                    "task": step.task,
                    **summary(total),
                    "inbox_ms": statistics.fmean(times.inbox[i]) * 1e3,
                    "complete_ms": statistics.fmean(times.complete[i]) * 1e3,
                    "commit_ms": statistics.fmean(times.commit[i]) * 1e3,
                    "state_bytes": round(statistics.fmean(times.state_bytes[i])),
                }
            )
        return {
            "seconds": elapsed,
            "lifecycles_per_s": n / elapsed,
            "ms_per_lifecycle": elapsed / n * 1e3,
            "lifecycles_per_s_without_inbox": n / (elapsed - inbox_total),
            "cpu_lifecycles_per_s": n / cpu,
            "lifecycle": summary(times.lifecycles),
            "create": {
                **summary(times.create),
                "state_bytes": round(statistics.fmean(times.create_state_bytes)),
            },
            "steps": steps,
            "end_state_bytes": end_state,
        }

    def verify(self, ticket_ids: list[int] | None = None) -> dict[str, int]:
        """Every lifecycle run so far (or these): ticket closed, instance completed, no task
        left ready. Returns the final state size (bytes of process_instances.state).
        """
        ids = self.ticket_ids if ticket_ids is None else ticket_ids
        with self.services.transaction() as session:
            rows = session.execute(
                select(Ticket.id, Ticket.status, ProcessInstance.status, ProcessInstance.state)
                .join(ProcessInstance, ProcessInstance.ticket_id == Ticket.id)
                .where(Ticket.id.in_(ids))
            ).all()
            left = session.scalars(
                select(UserTask.id).where(UserTask.ticket_id.in_(ids), UserTask.state == "ready")
            ).all()
        if len(rows) != len(ids):
            raise BenchError(f"{len(ids)} tickets started, {len(rows)} found")
        bad = Counter((t, p) for _, t, p, _ in rows if (t, p) != ("closed", "completed"))
        if bad:
            raise BenchError(f"tickets not closed/completed: {dict(bad)}")
        if left:
            raise BenchError(f"{len(left)} user tasks still ready after the lifecycles")
        sizes = [len(state.encode()) for *_, state in rows]
        return {"min": min(sizes), "mean": round(statistics.fmean(sizes)), "max": max(sizes)}

    def dispose(self) -> None:
        """Close pooled connections."""
        self.services.dispose()
