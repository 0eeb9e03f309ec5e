"""What the runtime reads off a task: candidate group, due date, free-form data, errors."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException

from hotline import clock
from hotline.errors import Invalid, WorkflowError
from processes import expressions, timers

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def candidate_group(spec: Any, data: dict[str, Any]) -> str | None:
    """camunda:candidateGroups with its `${...}` resolved, e.g. `unit:${unit}` → `unit:ZJJ`."""
    template = (getattr(spec, "extensions", None) or {}).get("candidateGroups")
    if not template:
        return None
    try:
        return expressions.substitute(template, data)
    except Exception as exc:  # an undefined variable in the diagram's expression
        raise WorkflowError(
            f"candidateGroups {template!r} of {spec.bpmn_id} could not be resolved: {exc}",
            fields={"element": spec.bpmn_id},
        ) from exc


def due_duration(text: str) -> timedelta | None:
    """`P3D`, `PT72H` as a timedelta; None for anything else (a repeating interval too)."""
    if not text.startswith("P"):
        return None
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text)
        return TimerEventDefinition.get_timedelta_from_start(parsed, clock.now())
    except (ValueError, TypeError, AttributeError):
        return None


def due_date(spec: Any, data: dict[str, Any]) -> datetime | None:
    """The task's camunda:dueDate, as Camunda 7 reads it: an expression (`${handle_due_at}`)
    or a literal; a date, or a duration counted from now (the task becoming ready)."""
    expression = ((getattr(spec, "extensions", None) or {}).get("dueDate") or "").strip()
    if not expression:
        return None
    try:
        value: Any = expression
        if expressions.placeholders(expression) or not expressions.is_iso_literal(expression):
            value = expressions.evaluate(expression, data)
        if isinstance(value, datetime):
            due = value
        elif (duration := due_duration(str(value))) is not None:
            due = clock.now() + duration
        else:
            due = datetime.fromisoformat(str(value))
    except Exception as exc:  # an undefined variable or not a date
        raise WorkflowError(
            f"dueDate {expression!r} of {spec.bpmn_id} is not a date: {exc}",
            fields={"element": spec.bpmn_id},
        ) from None
    return timers.aware(due)


def free_form(data: dict[str, Any]) -> dict[str, Any]:
    """Tasks without a declared form accept plain variables only."""
    bad = {
        key: ["must be a plain identifier (letters, digits, _), not starting with _"]
        for key in data
        if not IDENTIFIER.match(key)
    }
    bad.update(
        {
            key: ["must be a string, number, boolean or null"]
            for key, value in data.items()
            if key not in bad and not isinstance(value, str | int | float | bool | type(None))
        }
    )
    if bad:
        raise Invalid("the task data has errors", fields=bad)
    return dict(data)


def messages(messages: Any) -> dict[str, Any]:
    """Marshmallow's messages as a per-field dict."""
    if isinstance(messages, dict):
        return messages
    return {"_schema": messages}


def workflow_error(exc: SpiffWorkflowException) -> WorkflowError:
    """A SpiffWorkflow failure as a WorkflowError naming the BPMN element and the cause."""
    task = getattr(exc, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    message = f"the workflow failed at {element or 'an element'}: {exc}"
    # SpiffWorkflow's text often hides the real cause (e.g. an undefined variable).
    cause = getattr(exc, "exception", None) or exc.__cause__
    if cause is not None and str(cause) not in message:
        message += f" ({cause})"
    return WorkflowError(message, fields={"element": element} if element else {})
