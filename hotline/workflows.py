"""What the domain core asks of the workflow runtime: the core's side of the interface.

`processes.runtime.Runtime` implements `WorkflowRuntime`; the core never imports it, so
tickets, knowledge and escalation start and message workflows without knowing the engine.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.models import ProcessInstance, UserTask
from hotline.policy import Profile


class WorkflowRuntime(Protocol):
    """Start, message, complete and cancel process instances in the caller's transaction."""

    @property
    def profile(self) -> Profile:
        """The active policy profile this service runs (hotline.policy.active_profile)."""
        ...

    def start(
        self,
        session: Session,
        process_id: str,
        *,
        actor: Actor,
        ticket_id: int | None = None,
        variables: dict[str, Any] | None = None,
        article_id: int | None = None,
    ) -> ProcessInstance:
        """Start the newest version of a process for a ticket or an article; run to a wait."""
        ...

    def complete_task(
        self, session: Session, task_id: str, data: dict[str, Any], actor: Actor
    ) -> UserTask:
        """Complete a ready user task with form data."""
        ...

    def send_message(
        self,
        session: Session,
        instance_id: int,
        message: str,
        payload: dict[str, Any] | None = None,
        *,
        actor: Actor = ...,
        required: bool = True,
    ) -> bool:
        """Deliver a BPMN message to a running instance; False if it waits for none."""
        ...

    def update_variables(
        self, session: Session, instance_id: int, variables: dict[str, Any], actor: Actor
    ) -> None:
        """Set variables on unfinished tasks, re-arming timers that read them."""
        ...

    def cancel(self, session: Session, instance_id: int, actor: Actor, reason: str) -> None:
        """Stop a running instance: its ready tasks are cancelled and its timers dropped."""
        ...
