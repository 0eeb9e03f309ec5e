"""Move running instances from one deployed version of a process to another, where safe.

An instance may move when every task it has reached (ready, waiting, started, finished)
exists in the target version with the same BPMN id and type, and no task it has started or
finished changed in a way that matters (form fields, handler topic, event). Tasks it has
not reached yet are dropped from the saved tree and predicted again from the target spec.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Invalid, NotFound
from hotline.history import record_instance_event
from hotline.models import Article, ProcessDefinition, ProcessInstance, Ticket
from hotline.statuses import InstanceStatus
from processes import timers
from processes.engine import HotlineScriptEngine
from processes.registry import CompiledProcess, SpecCache
from processes.serializer import StateSerializer
from processes.taskdata import candidate_group
from processes.taskindex import ready_tasks, sync_task_index

log = logging.getLogger(__name__)

# Reached but not started: the target's version of these may differ in form or label.
NOT_STARTED = TaskState.READY | TaskState.WAITING
# Started or finished: these must be unchanged apart from names and layout.
STARTED = TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR
# Not reached: dropped and predicted again from the target spec.
UNREACHED = TaskState.FUTURE | TaskState.PREDICTED_MASK


@dataclass
class InstanceOutcome:
    """What migration did, or would do, with one running instance."""

    instance_id: int
    ticket_id: int | None
    ticket_number: str | None
    moved: bool
    reasons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class MigrationReport:
    """The outcome for every running instance of the source version."""

    process_id: str
    from_version: int
    to_version: int
    dry_run: bool
    instances: list[InstanceOutcome]

    @property
    def moved(self) -> int:
        """How many instances moved (or would move, in a dry run)."""
        return sum(1 for outcome in self.instances if outcome.moved)

    @property
    def refused(self) -> int:
        """How many instances cannot move."""
        return len(self.instances) - self.moved


def _definition(
    session: Session, process_id: str, version: int, field_name: str
) -> ProcessDefinition:
    found = session.scalars(
        select(ProcessDefinition).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
        )
    ).first()
    if found is None:
        raise Invalid(
            f"process {process_id!r} has no version {version}",
            fields={field_name: [f"process {process_id!r} has no version {version}"]},
        )
    return found


def _event_key(spec: Any) -> tuple[Any, ...] | None:
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return None
    return (
        type(definition).__name__,
        getattr(definition, "name", None),
        getattr(definition, "expression", None),
    )


def _form_key(compiled: CompiledProcess, name: str) -> tuple[Any, ...]:
    # Labels and defaults do not change what a finished form recorded.
    return tuple(
        (f.id, f.type, f.required, tuple(o for o, _ in f.options), f.content)
        for f in compiled.forms.get(name, [])
    )


def _change(
    name: str, old: Any, new: Any, source: CompiledProcess, target: CompiledProcess, started: bool
) -> str | None:
    """Why the reached task `name` cannot move to the target, or None when it can."""
    if new is None:
        return "removed or renamed in the target version"
    if type(old).__name__ != type(new).__name__:
        return f"changed type from {type(old).__name__} to {type(new).__name__}"
    if _event_key(old) != _event_key(new):
        return "its event (message or timer) changed"
    if not started:
        return None
    if getattr(old, "topic", None) != getattr(new, "topic", None):
        return "its handler topic changed after the task ran"
    if _form_key(source, name) != _form_key(target, name):
        return "its form fields changed after the task was completed"
    return None


def _find_spec(compiled: CompiledProcess, name: str) -> Any:
    try:
        return compiled.task_spec(name)
    except KeyError:
        return None


def _tree_tasks(dct: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(dct["tasks"].values())
    for sub in dct.get("subprocesses", {}).values():
        found.extend(sub["tasks"].values())
    return found


def check_state(
    dct: dict[str, Any], source: CompiledProcess, target: CompiledProcess
) -> list[dict[str, str]]:
    """Reasons (element id + message) the saved state cannot run on the target version."""
    reasons: list[dict[str, str]] = []
    seen: set[str] = set()
    for task in _tree_tasks(dct):
        state = task["state"]
        if state & UNREACHED:
            continue
        name = task["task_spec"]
        old = _find_spec(source, name)
        new = _find_spec(target, name)
        if state == TaskState.CANCELLED:
            continue  # a cancelled branch (e.g. a boundary event) is pruned when it is gone
        if old is None or name in seen:
            continue
        seen.add(name)
        why = _change(name, old, new, source, target, bool(state & STARTED))
        bpmn_id = getattr(old, "bpmn_id", None)
        if why and bpmn_id:
            reasons.append({"element_id": bpmn_id, "message": f"{bpmn_id}: {why}"})
        elif why and new is None:
            # Internal specs (boundary splits/joins) of a reached element that is gone.
            reasons.append({"element_id": name, "message": f"{name}: {why}"})
    for tasks in _task_maps(dct):
        reasons.extend(_first_boundary_events(tasks, target))
    return reasons


def _task_maps(dct: dict[str, Any]) -> list[dict[str, Any]]:
    return [dct["tasks"], *(sub["tasks"] for sub in dct.get("subprocesses", {}).values())]


def _first_boundary_events(tasks: dict[str, Any], target: CompiledProcess) -> list[dict[str, str]]:
    """Tasks the instance is at that the target gives their first boundary event: SpiffWorkflow
    puts a split in front of such a task, and a tree that entered it without one cannot run."""
    reasons = []
    for task in tasks.values():
        if not task["state"] & (TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            continue
        split = f"{task['task_spec']}.BoundaryEventSplit"
        parent = tasks.get(task.get("parent") or "")
        if _find_spec(target, split) is None or (parent and parent["task_spec"] == split):
            continue
        bpmn_id = task["task_spec"]
        reasons.append(
            {
                "element_id": bpmn_id,
                "message": f"{bpmn_id}: the target version attaches its first boundary event "
                "to this task, which the instance is already at; migrate it once it has "
                "passed the task",
            }
        )
    return reasons


def _prune(tasks: dict[str, Any], target: CompiledProcess) -> tuple[set[str], set[str]]:
    """Drop unreached tasks and cancelled ones the target lacks: their ids, and the ids of
    the remaining tasks that lost children (their successors are predicted again)."""
    drop = {
        task_id
        for task_id, task in tasks.items()
        if task["state"] & UNREACHED
        or (task["state"] == TaskState.CANCELLED and _find_spec(target, task["task_spec"]) is None)
    }
    # Descendants go with their parent.
    stack = list(drop)
    while stack:
        for child in tasks[stack.pop()]["children"]:
            if child not in drop and child in tasks:
                drop.add(child)
                stack.append(child)
    lost = {tasks[task_id].get("parent") for task_id in drop} - drop - {None}
    for task_id in drop:
        tasks.pop(task_id)
    for task in tasks.values():
        task["children"] = [c for c in task["children"] if c not in drop]
    return drop, {str(task_id) for task_id in lost}


def rebuild(serializer: StateSerializer, dct: dict[str, Any], target: CompiledProcess) -> Any:
    """The workflow of the saved state on the target spec, with unreached tasks re-predicted."""
    dropped: set[str] = set()
    lost: set[str] = set()
    for tasks in _task_maps(dct):
        gone, orphaned = _prune(tasks, target)
        dropped |= gone
        lost |= orphaned
    if dct.get("last_task") in dropped:
        dct["last_task"] = None
    workflow = serializer.loads(json.dumps(dct), target.spec, target.subprocess_specs)
    workflow.script_engine = HotlineScriptEngine()  # evaluates new timers; runs no handler
    for wf in [workflow, *workflow.subprocesses.values()]:
        _attach_new_boundary_events(wf)
        for task in list(wf.get_tasks(state=TaskState.DEFINITE_MASK)):
            if not task.children:
                task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
            elif str(task.id) in lost:
                _predict_successors(task)
    return workflow


def _predict_successors(task: Any) -> None:
    """Give a running task that keeps children of its own (a multi-instance's instances) back
    the successors pruned from the tree, predicted from the target spec."""
    present = {child.task_spec for child in task.children}
    for spec in task.task_spec.outputs:
        if spec not in present:
            child = task._add_child(spec, TaskState.FUTURE)
            spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)


def _attach_new_boundary_events(workflow: Any) -> None:
    """Boundary events the target adds to a task the instance is at start waiting now
    (a new `PT2H` reminder counts from the migration), as if the task had just begun."""
    for split in workflow.get_tasks(state=TaskState.COMPLETED):
        if not isinstance(split.task_spec, BoundaryEventSplit):
            continue
        present = {child.task_spec for child in split.children}
        main = [c for c in split.children if not isinstance(c.task_spec, BoundaryEvent)]
        if not main or not main[0].has_state(TaskState.READY | TaskState.STARTED):
            continue
        for spec in split.task_spec.outputs:
            if spec not in present:
                event = split._add_child(spec, TaskState.WAITING)
                event.set_data(**main[0].data)
                if isinstance(spec.event_definition, TimerEventDefinition):
                    spec.event_definition.has_fired(event)  # computes its due time from now


def migrate(
    session: Session,
    specs: SpecCache,
    serializer: StateSerializer,
    process_id: str,
    from_version: int,
    to_version: int,
    *,
    actor: Actor,
    dry_run: bool = False,
) -> MigrationReport:
    """Move every running instance of `from_version` that can safely run on `to_version`.

    Specs are parsed once for the whole call; instances are locked in one query. A dry run
    stores nothing. Raises NotFound for an undeployed process, Invalid for unknown versions.
    """
    if (
        session.scalars(
            select(ProcessDefinition.id).where(ProcessDefinition.process_id == process_id).limit(1)
        ).first()
        is None
    ):
        raise NotFound(f"process {process_id!r} is not deployed")
    source_def = _definition(session, process_id, from_version, "from_version")
    target_def = _definition(session, process_id, to_version, "to_version")
    if from_version == to_version:
        raise Invalid(
            "from_version and to_version are the same",
            fields={"to_version": ["must differ from from_version"]},
        )
    source = specs.get(session, source_def.id)
    target = specs.get(session, target_def.id)
    query = (
        select(ProcessInstance, Ticket.number)
        .outerjoin(Ticket, Ticket.id == ProcessInstance.ticket_id)
        .where(
            ProcessInstance.definition_id == source_def.id,
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
        .order_by(ProcessInstance.id)
    )
    if not dry_run:
        _lock_subjects(session, source_def.id)
        query = query.with_for_update(of=ProcessInstance).execution_options(populate_existing=True)
    outcomes = []
    now = clock.now()
    for instance, number in session.execute(query):
        outcome = InstanceOutcome(instance.id, instance.ticket_id, number, moved=False)
        outcomes.append(outcome)
        dct = json.loads(instance.state)
        outcome.reasons = check_state(dct, source, target)
        if outcome.reasons:
            continue
        try:
            workflow = rebuild(serializer, dct, target)
        except Exception:  # SpiffWorkflow refuses trees it cannot rebuild
            log.exception("instance %s cannot be rebuilt on version %s", instance.id, to_version)
            outcome.reasons = [
                {
                    "element_id": "",
                    "message": "its saved state does not fit the target version's diagram",
                }
            ]
            continue
        outcome.moved = True
        if dry_run:
            continue
        _apply(session, serializer, instance, workflow, target, actor, now, from_version)
    if not dry_run:
        session.flush()
    return MigrationReport(process_id, from_version, to_version, dry_run, outcomes)


def _lock_subjects(session: Session, definition_id: int) -> None:
    """Lock the tickets and articles of the running instances first, in id order, as every
    other call locks a subject before its instance: migrating never deadlocks with them."""
    running = (
        ProcessInstance.definition_id == definition_id,
        ProcessInstance.status == InstanceStatus.RUNNING,
    )
    for model, column in (
        (Ticket, ProcessInstance.ticket_id),
        (Article, ProcessInstance.article_id),
    ):
        ids = select(column).where(*running, column.is_not(None))
        session.execute(
            select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update()
        )


def _apply(
    session: Session,
    serializer: StateSerializer,
    instance: ProcessInstance,
    workflow: Any,
    target: CompiledProcess,
    actor: Actor,
    now: Any,
    from_version: int,
) -> None:
    instance.definition_id = target.definition_id
    instance.state = serializer.dumps(workflow)
    instance.updated_at = now
    sync_task_index(session, instance, actor, target.process_id, workflow, None)
    # The inbox shows the target's names and groups for tasks that are still open.
    by_id = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for record in ready_tasks(session, instance.id):
        task = by_id.get(record.id)
        if task is not None:
            record.name = task.task_spec.bpmn_name
            record.candidate_group = candidate_group(task.task_spec, task.data)
    timers.sync_timers(session, instance, workflow, now)
    record_instance_event(
        session,
        instance,
        "process_migrated",
        actor,
        data={
            "process": target.process_id,
            "from_version": from_version,
            "to_version": target.version,
        },
    )
