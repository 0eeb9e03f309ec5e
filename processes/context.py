"""What a service-task handler sees while the runtime runs it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.history import record_instance_event
from hotline.models import ProcessInstance, Ticket
from hotline.policy import Profile, active_profile
from hotline.workflows import WorkflowRuntime


@dataclass
class HandlerContext:
    """What a service-task handler sees: session, ticket, profile, actor, and the last form."""

    session: Session
    instance: ProcessInstance
    actor: Actor
    task: Task
    form: dict[str, Any] = field(default_factory=dict)
    form_task: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
    runtime: WorkflowRuntime = field(kw_only=True)  # the Runtime running this handler

    @property
    def article_id(self) -> int | None:
        """The knowledge article this instance runs for, if any."""
        return self.instance.article_id

    @property
    def ticket_id(self) -> int | None:
        """The ticket this instance runs for, if any."""
        return self.instance.ticket_id

    @cached_property
    def ticket(self) -> Ticket:
        """The ticket this instance runs for, loaded once; LookupError when it has none."""
        ticket = self.session.get(Ticket, self.ticket_id) if self.ticket_id else None
        if ticket is None:
            raise LookupError(f"instance {self.instance.id} has no ticket")
        return ticket

    @property
    def profile(self) -> Profile:
        """The active policy profile (hotline.policy.active_profile)."""
        return active_profile(self.extras)

    def form_values(self, *names: str) -> dict[str, Any]:
        """The last form's values of these fields (None for a field not given)."""
        return {name: self.form.get(name) for name in names}

    @property
    def variables(self) -> dict[str, Any]:
        """The workflow data at this service task (ids and flags only)."""
        return self.task.data

    @property
    def element_id(self) -> str:
        """BPMN id of the service task being run."""
        return str(self.task.task_spec.bpmn_id)

    @property
    def workflow(self) -> BpmnWorkflow:
        """The top workflow this task runs in (its other tasks may be changed in place)."""
        return self.task.workflow.top_workflow

    def start(self, process_id: str, variables: dict[str, Any]) -> ProcessInstance:
        """Start another process for this ticket in the same transaction."""
        return self.runtime.start(
            self.session,
            process_id,
            actor=self.actor,
            ticket_id=self.ticket_id,
            variables=variables,
        )

    def send(self, instance_id: int, message: str, payload: dict[str, Any], **kw: Any) -> bool:
        """Send a BPMN message to another instance of this ticket (see Runtime.send_message)."""
        return self.runtime.send_message(
            self.session, instance_id, message, payload, actor=self.actor, **kw
        )

    def update_variables(self, instance_id: int, values: dict[str, Any]) -> None:
        """Change workflow data of another instance of this ticket (its timers re-arm)."""
        self.runtime.update_variables(self.session, instance_id, values, self.actor)

    def cancel(self, instance_id: int, reason: str) -> None:
        """Cancel another running instance of this ticket."""
        self.runtime.cancel(self.session, instance_id, self.actor, reason)

    def emit(self, kind: str, **data: Any) -> None:
        """Append a domain event (e.g. `ticket_dispatched`) to the ticket's history."""
        record_instance_event(
            self.session, self.instance, kind, self.actor, task=self.element_id, data=data
        )
