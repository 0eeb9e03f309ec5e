"""What a service-task handler sees while the runtime runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.history import record_instance_event
from hotline.models import ProcessInstance


@dataclass
class HandlerContext:
    """What a service-task handler sees: session, ticket, actor, and the last form."""

    session: Session
    instance: ProcessInstance
    actor: Actor
    task: Any
    form: dict[str, Any] = field(default_factory=dict)
    form_task: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
    runtime: Any = None  # the Runtime running this handler

    @property
    def article_id(self) -> int | None:
        """The knowledge article this instance runs for, if any."""
        return self.instance.article_id

    @property
    def ticket_id(self) -> int | None:
        """The ticket this instance runs for, if any."""
        return self.instance.ticket_id

    @property
    def variables(self) -> dict[str, Any]:
        """The workflow data at this service task (ids and flags only)."""
        return self.task.data

    @property
    def element_id(self) -> str:
        """BPMN id of the service task being run."""
        return self.task.task_spec.bpmn_id

    def start(self, process_id: str, variables: dict[str, Any]) -> ProcessInstance:
        """Start another process for this ticket in the same transaction."""
        assert self.runtime is not None
        return self.runtime.start(
            self.session,
            process_id,
            actor=self.actor,
            ticket_id=self.ticket_id,
            variables=variables,
        )

    def send(self, instance_id: int, message: str, payload: dict[str, Any], **kw: Any) -> bool:
        """Send a BPMN message to another instance of this ticket (see Runtime.send_message)."""
        assert self.runtime is not None
        return self.runtime.send_message(
            self.session, instance_id, message, payload, actor=self.actor, **kw
        )

    def emit(self, kind: str, **data: Any) -> None:
        """Append a domain event (e.g. `ticket_dispatched`) to the ticket's history."""
        record_instance_event(
            self.session, self.instance, kind, self.actor, task=self.element_id, data=data
        )
