"""How one runtime call steps a loaded workflow: check a form, run engine steps, save.

`Runtime` (processes.runtime) adds the entry points; every one of them ends in `_advance`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Conflict, Invalid
from hotline.history import record_instance_event
from hotline.models import ProcessInstance, UserTask
from hotline.policy import Profile, active_profile
from hotline.statuses import InstanceStatus
from processes import timers
from processes.engine import HotlineScriptEngine
from processes.forms import FormContext, ValidationError, validate_form
from processes.registry import CompiledProcess, SpecCache
from processes.serializer import StateSerializer
from processes.taskdata import free_form, messages, workflow_error
from processes.taskindex import sync_task_index


@dataclass
class Call:
    """One runtime call: its transaction, the locked instance, who acts, the form sent."""

    session: Session
    instance: ProcessInstance
    actor: Actor
    form: dict[str, Any] = field(default_factory=dict)
    form_task: str | None = None


class WorkflowSteps:
    """Specs, serializer and app extras, and the steps every runtime call shares."""

    def __init__(
        self, specs: SpecCache | None = None, extras: Mapping[str, Any] | None = None
    ) -> None:
        self.specs = specs or SpecCache()
        # App-level objects handlers and form rules consult, e.g. the policy profile.
        self.extras: Mapping[str, Any] = extras or {}
        self.serializer = StateSerializer()
        self.timer_listeners: list[timers.TimerListener] = []

    @property
    def profile(self) -> Profile:
        """The active policy profile (hotline.policy.active_profile); LookupError if none."""
        return active_profile(self.extras)

    def _validate(
        self,
        session: Session,
        compiled: CompiledProcess,
        record: UserTask,
        instance: ProcessInstance,
        actor: Actor,
        task: Task,
        data: dict[str, Any],
    ) -> dict[str, Any]:
        infos = compiled.forms.get(record.task_id, [])
        if not infos:
            return free_form(data)
        ctx = FormContext(
            session, instance.ticket_id, actor, variables=dict(task.data), extras=self.extras
        )
        try:
            return validate_form(compiled.process_id, record.task_id, infos, data, ctx)
        except ValidationError as exc:
            raise Invalid(
                f"the {record.task_id} form has errors", fields=messages(exc.messages)
            ) from None

    def _load(self, instance: ProcessInstance, compiled: CompiledProcess) -> BpmnWorkflow:
        return self.serializer.loads(instance.state, compiled.spec, compiled.subprocess_specs)

    def _engine(self, call: Call) -> HotlineScriptEngine:
        """The script engine for one call; Runtime builds it, since its handlers call back."""
        raise NotImplementedError

    def _advance(
        self,
        call: Call,
        compiled: CompiledProcess,
        workflow: BpmnWorkflow,
        *,
        completed: str | None,
    ) -> None:
        workflow.script_engine = self._engine(call)
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as exc:
            raise workflow_error(exc) from exc
        sync_task_index(
            call.session, call.instance, call.actor, compiled.process_id, workflow, completed
        )
        instance = call.instance
        now = clock.now()
        earliest = timers.sync_timers(call.session, instance, workflow, now)
        timers.notify_after_commit(call.session, self.timer_listeners, earliest)
        instance.state = self.serializer.dumps(workflow)
        instance.updated_at = now
        if workflow.is_completed():
            instance.status = InstanceStatus.COMPLETED
            instance.completed_at = now
            record_instance_event(
                call.session,
                instance,
                "process_completed",
                call.actor,
                data={"process": compiled.process_id},
            )
        try:
            call.session.flush()
        except StaleDataError as exc:
            raise Conflict("another request changed this ticket at the same time") from exc
