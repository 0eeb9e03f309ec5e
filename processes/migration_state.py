"""Whether an instance's saved task tree fits another version, and rebuilding it there.

The tree-level half of instance migration (processes.migration): which reached tasks block a
move and why, and the tree pruned of unreached tasks, predicted again from the target spec.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

from processes.engine import HotlineScriptEngine
from processes.registry import CompiledProcess
from processes.serializer import StateSerializer

# Reached but not started: the target's version of these may differ in form or label.
NOT_STARTED = TaskState.READY | TaskState.WAITING
# Started or finished: these must be unchanged apart from names and layout.
STARTED = TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR
# Not reached: dropped and predicted again from the target spec.
UNREACHED = TaskState.FUTURE | TaskState.PREDICTED_MASK


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
