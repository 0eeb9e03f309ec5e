"""Pending BPMN timers: read them from a workflow, fire them in due order, index them.

The `timers` table mirrors, per instance, every timer event SpiffWorkflow is waiting on
(or has marked fired but not yet run), so the scheduler finds due work with one indexed
query instead of loading workflows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.history import record_instance_event
from hotline.models import ProcessInstance, Timer

log = logging.getLogger(__name__)

# A diagram whose firings keep creating already-due timers must not hang a scheduler.
MAX_FIRINGS_PER_CALL = 1000
FAR_FUTURE = "9999-12-31T00:00:00+00:00"

# Called after commit with the earliest new or moved due time: a scheduler's wake-up.
TimerListener = Callable[[datetime], None]


@dataclass(frozen=True)
class PendingTimer:
    """One timer event task SpiffWorkflow has not run yet."""

    task: Any
    due_at: datetime | None
    ready: bool

    @property
    def id(self) -> str:
        """The SpiffWorkflow task id, also the `timers` row id."""
        return str(self.task.id)

    @property
    def element_id(self) -> str:
        """BPMN id of the timer event."""
        return self.task.task_spec.bpmn_id


@dataclass(frozen=True)
class FiredTimer:
    """A timer that fired during one call."""

    element_id: str
    due_at: datetime | None


def is_timer(task: Any) -> bool:
    """Whether a task is a timer event (boundary, intermediate or start)."""
    definition = getattr(task.task_spec, "event_definition", None)
    return isinstance(definition, TimerEventDefinition)


def due_time(task: Any) -> datetime | None:
    """When a timer task fires, tz-aware UTC; None if SpiffWorkflow has not computed it."""
    value = task.internal_data.get("event_value")
    if value is None:
        return None
    definition = task.task_spec.event_definition
    try:
        if isinstance(definition, CycleTimerEventDefinition):
            if not isinstance(value, dict) or value.get("cycles") == 0:
                return None
            return aware(datetime.fromisoformat(value["next"]))
        if isinstance(value, datetime):
            return aware(value)
        # Parse exactly as SpiffWorkflow does, so the table and the engine agree.
        parsed = TimerEventDefinition.parse_time_or_duration(str(value))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("timer %s has an unreadable due time %r: %s", task.id, value, exc)
        return None
    return aware(parsed) if isinstance(parsed, datetime) else None


def aware(value: datetime) -> datetime:
    """A timer or due time as tz-aware UTC; a naive one is read as server-local time, as
    SpiffWorkflow reads it."""
    if value.tzinfo is None:  # SpiffWorkflow reads naive times as server-local time
        value = value.astimezone()
    return value.astimezone(UTC)


def pending_timers(workflow: BpmnWorkflow) -> list[PendingTimer]:
    """Every timer task that is waiting, or fired and waiting to run, in workflow order."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.READY):
        if is_timer(task):
            ready = task.state == TaskState.READY
            found.append(PendingTimer(task, due_time(task), ready))
    return found


def fire_in_order(
    workflow: BpmnWorkflow,
    now: datetime,
    on_fire: Callable[[FiredTimer], None] | None = None,
) -> list[FiredTimer]:
    """Fire every timer due before `now` one at a time, earliest first, running each path.

    Left alone, SpiffWorkflow fires every due timer it touches while running any path (a
    boundary split re-checks its siblings), so an interrupting deadline could cancel an
    earlier reminder that was also overdue. The other timers are held back meanwhile.
    """
    fired: list[FiredTimer] = []
    tried: set[tuple[str, Any]] = set()
    while len(fired) < MAX_FIRINGS_PER_CALL:
        pending = pending_timers(workflow)
        due = [
            p
            for p in pending
            if (p.ready or (p.due_at is not None and p.due_at < now))
            and (p.id, _marker(p.task)) not in tried
        ]
        if not due:
            break
        timer = min(due, key=lambda p: (p.due_at or now, not p.ready))
        tried.add((timer.id, _marker(timer.task)))
        held = [p.task for p in pending if p.id != timer.id and not p.ready]
        with _held_back(held):
            if _fire(timer):
                record = FiredTimer(timer.element_id, timer.due_at)
                fired.append(record)
                if on_fire is not None:
                    on_fire(record)
            _run_ready(workflow)
    return fired


@contextmanager
def _held_back(tasks: list[Any]) -> Iterator[None]:
    """Make waiting timers look due in the far future; restore those still waiting."""
    saved = [(task, task.internal_data.get("event_value")) for task in tasks]
    for task, value in saved:
        if isinstance(value, dict):  # a cycle: keep its count, move its next occurrence
            task.internal_data["event_value"] = {**value, "next": FAR_FUTURE}
        else:
            task.internal_data["event_value"] = FAR_FUTURE
    try:
        yield
    finally:
        for task, value in saved:
            if task.state != TaskState.WAITING:
                continue  # cancelled by the path that ran: nothing to restore
            if value is None:
                task.internal_data.pop("event_value", None)
            else:
                task.internal_data["event_value"] = value


def _marker(task: Any) -> Any:
    # A cycle timer fires again with a new 'next'; the same (task, next) must not loop.
    value = task.internal_data.get("event_value")
    return value.get("next") if isinstance(value, dict) else value


def _fire(timer: PendingTimer) -> bool:
    task = timer.task
    if timer.ready:
        return True
    before = _marker(task)
    task.task_spec._update(task)  # what refresh_timers does, for this one task only
    if isinstance(task.task_spec.event_definition, CycleTimerEventDefinition):
        return _marker(task) != before
    return task.state == TaskState.READY


def _run_ready(workflow: BpmnWorkflow) -> None:
    # do_engine_steps ends with refresh_timers, which would fire every other due timer
    # at once; run the ready tasks without that refresh (private API: SpiffWorkflow <3.3).
    while workflow._do_engine_steps():
        pass


def history_recorder(
    session: Session, instance: ProcessInstance, actor: Actor
) -> Callable[[FiredTimer], None]:
    """A `fire_in_order` callback appending `timer_fired` to the ticket's history."""

    def record(timer: FiredTimer) -> None:
        due = timer.due_at.isoformat() if timer.due_at else None
        record_instance_event(
            session, instance, "timer_fired", actor, task=timer.element_id, data={"due_at": due}
        )

    return record


def rearm(
    workflow: BpmnWorkflow,
    variables: dict[str, Any],
    where: Callable[[Any], bool] | None = None,
) -> int:
    """Set `variables` on every unfinished task (those `where` accepts, given) and its parent;
    re-arm date/duration timers. `where` picks e.g. one multi-instance child's tasks by its data.

    Returns how many timers will re-evaluate their expression at the next refresh.
    """
    rearmed = 0
    unfinished = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in workflow.get_tasks(state=unfinished):
        if where is not None and not where(task):
            continue
        task.data.update(variables)
        if task.parent is not None:
            # A refresh re-inherits the parent's data (parent wins): update it too, or a
            # re-armed timer would read the old value again.
            task.parent.data.update(variables)
        definition = getattr(task.task_spec, "event_definition", None)
        waiting = task.state == TaskState.WAITING
        if waiting and isinstance(
            definition, TimeDateEventDefinition | DurationTimerEventDefinition
        ):
            task.internal_data.pop("event_value", None)
            rearmed += 1
    return rearmed


def sync_timers(
    session: Session,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    now: datetime,
) -> datetime | None:
    """Make the instance's `timers` rows match its pending timers (one query).

    Returns the earliest due time that is new or moved, so a scheduler can wake for it.
    """
    wanted = {p.id: p for p in pending_timers(workflow) if p.due_at is not None}
    existing = {
        row.id: row
        for row in session.scalars(
            select(Timer)
            .where(Timer.instance_id == instance.id)
            .execution_options(populate_existing=True)
        )
    }
    changed: list[datetime] = []
    for timer_id, row in existing.items():
        pending = wanted.get(timer_id)
        if pending is None:
            session.delete(row)
        elif row.due_at != pending.due_at:
            row.due_at = pending.due_at  # type: ignore[assignment]
            row.lease_owner = None
            row.lease_until = None
            changed.append(pending.due_at)  # type: ignore[arg-type]
    for timer_id, pending in wanted.items():
        if timer_id in existing:
            continue
        session.add(
            Timer(
                id=timer_id,
                instance_id=instance.id,
                ticket_id=instance.ticket_id,
                element_id=pending.element_id,
                due_at=pending.due_at,
                created_at=now,
            )
        )
        changed.append(pending.due_at)  # type: ignore[arg-type]
    return min(changed) if changed else None


def lock_instance(session: Session, instance_id: int) -> ProcessInstance | None:
    """The instance, locked for update and freshly read."""
    # populate_existing: a caller that waited for the lock must see the winner's state.
    return session.get(ProcessInstance, instance_id, with_for_update=True, populate_existing=True)


def delete_timers(session: Session, instance_id: int) -> None:
    """Drop every row of an instance that no longer runs."""
    for row in session.scalars(select(Timer).where(Timer.instance_id == instance_id)):
        session.delete(row)
    session.flush()


def notify_after_commit(
    session: Session, listeners: Iterable[TimerListener], earliest: datetime | None
) -> None:
    """Tell `listeners` about a new earliest due time (if any) once the transaction commits.

    After commit, not before: a scheduler woken earlier would not see the row yet.
    """
    targets = list(listeners)
    if earliest is None or not targets:
        return

    def committed(_session: Session) -> None:
        for listener in targets:
            try:
                listener(earliest)
            except Exception:  # a scheduler problem must not fail the request
                log.exception("timer listener failed")

    event.listen(session, "after_commit", committed, once=True)
