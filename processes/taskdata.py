"""What the runtime reads off a task: candidate group, due date, free-form data, errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException

from hotline.errors import Invalid, WorkflowError
from processes import expressions

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


def due_date(spec: Any, data: dict[str, Any]) -> datetime | None:
    """The task's camunda:dueDate (e.g. `${handle_due_at}`), evaluated against its data."""
    expression = (getattr(spec, "extensions", None) or {}).get("dueDate")
    if not expression:
        return None
    try:
        literal = datetime.fromisoformat(expression.strip())  # Camunda 7 takes a plain date too
    except ValueError:
        literal = None
    try:
        value = literal or expressions.evaluate(expression, data)
        due = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except Exception as exc:  # an undefined variable or not a date
        raise WorkflowError(
            f"dueDate {expression!r} of {spec.bpmn_id} is not a date: {exc}",
            fields={"element": spec.bpmn_id},
        ) from exc
    return due if due.tzinfo is not None else due.replace(tzinfo=UTC)


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
