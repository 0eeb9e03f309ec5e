"""A second net: the same refusals, looked for again in the specs SpiffWorkflow parsed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from processes import expressions
from processes.checks.tasks import EXTERNAL_TOPIC_HINT, IMPLEMENTATION_ATTRIBUTES
from processes.parser import TopicServiceTask
from processes.problems import Problem
from processes.topics import get_handler

EXPRESSION_ATTRIBUTES = ("cardinality", "condition")
# Spec classes whose BPMN element name is not the class name with a lower-case first letter.
ELEMENT_NAMES = {
    "TopicServiceTask": "serviceTask",
    "UserTask": "userTask",
    "ScriptTask": "scriptTask",
}


def _problem(filename: str, task_spec: Any, message: str) -> Problem:
    kind = getattr(task_spec, "bpmn_id", None) and type(task_spec).__name__
    return Problem(
        filename,
        getattr(task_spec, "bpmn_id", None),
        getattr(task_spec, "bpmn_name", None),
        message,
        _element_type(kind),
    )


def _element_type(class_name: str | None) -> str | None:
    if not class_name:
        return None
    return "bpmn:" + ELEMENT_NAMES.get(class_name, class_name[0].lower() + class_name[1:])


def _check_compiles(
    filename: str, task_spec: Any, compile_source: Callable[[str], Any], source: str, label: str
) -> list[Problem]:
    try:
        compile_source(source)
    except (SyntaxError, expressions.UnsafeExpression) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        return [_problem(filename, task_spec, f"{label} is not allowed: {detail}")]
    return []


def _check_expression(filename: str, task_spec: Any, text: Any, what: str) -> list[Problem]:
    if not isinstance(text, str) or not text.strip():
        return []
    return _check_compiles(
        filename, task_spec, expressions.compile_expression, text, f"{what} {text!r}"
    )


def _check_service_task(filename: str, task_spec: TopicServiceTask) -> list[Problem]:
    ext = task_spec.extensions or {}
    for attribute in IMPLEMENTATION_ATTRIBUTES:
        if attribute in ext:
            message = f"camunda:{attribute} is not supported; {EXTERNAL_TOPIC_HINT}"
            return [_problem(filename, task_spec, message)]
    if ext.get("connector"):
        return [_problem(filename, task_spec, "camunda:connector is not supported")]
    if ext.get("type") != "external" or not ext.get("topic"):
        message = 'a service task needs camunda:type="external" and a camunda:topic'
        return [_problem(filename, task_spec, message)]
    if get_handler(ext["topic"]) is None:
        message = f"no handler is registered for topic {ext['topic']!r}"
        return [_problem(filename, task_spec, message)]
    return []


def _check_user_task(filename: str, task_spec: Any) -> list[Problem]:
    ext = task_spec.extensions or {}
    problems = []
    if ext.get("inputOutput"):
        problems.append(_problem(filename, task_spec, "camunda:inputOutput is not supported"))
    groups = ext.get("candidateGroups") or ""
    for piece in expressions.placeholders(groups):
        problems += _check_expression(filename, task_spec, piece, "candidate group expression")
    return problems


def check_task_spec(filename: str, task_spec: Any) -> list[Problem]:
    """Problems of one task spec: unsupported features and unsafe expressions."""
    problems: list[Problem] = []
    if isinstance(task_spec, TopicServiceTask):
        problems += _check_service_task(filename, task_spec)
    elif isinstance(task_spec, ScriptTask):
        problems += _check_compiles(
            filename, task_spec, expressions.compile_script, task_spec.script or "", "script"
        )
    elif isinstance(task_spec, UserTask):
        problems += _check_user_task(filename, task_spec)
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        problems += _check_expression(filename, task_spec, condition, "condition")
    event = getattr(task_spec, "event_definition", None)
    if event is not None:
        problems += _check_expression(
            filename, task_spec, getattr(event, "expression", None), "event expression"
        )
    for attribute in EXPRESSION_ATTRIBUTES:
        problems += _check_expression(
            filename, task_spec, getattr(task_spec, attribute, None), attribute
        )
    return problems


def check_process(filename: str, spec: Any, subprocess_specs: dict[str, Any]) -> list[Problem]:
    """Problems of a process and the subprocesses it calls."""
    problems: list[Problem] = []
    for process_spec in [spec, *subprocess_specs.values()]:
        if process_spec is None:
            continue
        for task_spec in process_spec.task_specs.values():
            problems += check_task_spec(filename, task_spec)
    return problems
