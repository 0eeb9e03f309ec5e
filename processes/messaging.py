"""BPMN messages between a ticket's process instances, inside one transaction.

An instance being stepped cannot take a message in the middle of its own step, so a
message to it waits in the session's outbox until the outermost runtime call finishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessageEventDefinition,
)
from sqlalchemy.orm import Session

from hotline.actors import Actor

BUSY = "hotline_busy_instances"
OUTBOX = "hotline_outbox"


@dataclass(frozen=True)
class PendingMessage:
    """A message waiting for its target instance to finish the current step."""

    instance_id: int
    message: str
    payload: dict[str, Any]
    actor: Actor
    required: bool


def is_busy(session: Session, instance_id: int) -> bool:
    """Whether the instance is being stepped in this session right now."""
    return instance_id in session.info.get(BUSY, [])


@contextmanager
def busy(session: Session, instance_id: int) -> Iterator[bool]:
    """Mark the instance busy; yields whether this is the outermost runtime call."""
    stack: list[int] = session.info.setdefault(BUSY, [])
    outermost = not stack
    stack.append(instance_id)
    try:
        yield outermost
    except BaseException:
        if outermost:
            session.info.pop(OUTBOX, None)  # the transaction rolls back: nothing to send
        raise
    finally:
        stack.pop()


def defer(
    session: Session,
    instance_id: int,
    message: str,
    payload: dict[str, Any],
    actor: Actor,
    required: bool,
) -> None:
    """Queue a message for delivery when the outermost call finishes."""
    outbox: list[PendingMessage] = session.info.setdefault(OUTBOX, [])
    outbox.append(PendingMessage(instance_id, message, payload, actor, required))


def drain(session: Session) -> Iterator[PendingMessage]:
    """Pop queued messages in order, including ones queued while delivering."""
    outbox: list[PendingMessage] = session.info.setdefault(OUTBOX, [])
    while outbox:
        yield outbox.pop(0)


def event_for(workflow: BpmnWorkflow, message: str, payload: dict[str, Any]) -> BpmnEvent | None:
    """An event the workflow's waiting catch for `message` accepts, or None if none waits."""
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, MessageEventDefinition) or definition.name != message:
            continue
        if isinstance(definition, CamundaMessageEventDefinition):
            wrapped = {"payload": payload, "result_var": message}
            return BpmnEvent(CamundaMessageEventDefinition(message), wrapped)
        return BpmnEvent(MessageEventDefinition(message), payload)
    return None
