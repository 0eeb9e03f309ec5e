"""Start and advance process instances: one locked instance, one transaction, per call.

Every way in (API call, timer, message) goes through `_advance`, which runs engine
steps, syncs the user-task index, appends history and saves the state.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import SYSTEM, Actor
from hotline.errors import Conflict, Forbidden, NotFound, WorkflowError
from hotline.history import record_instance_event
from hotline.instances import lock_subject
from hotline.models import ProcessDefinition, ProcessInstance, Ticket, UserTask
from hotline.statuses import InstanceStatus, UserTaskState
from processes import messaging, timers
from processes.context import HandlerContext
from processes.engine import HotlineScriptEngine
from processes.forms import split_variables
from processes.steps import Call, WorkflowSteps
from processes.taskdata import free_form, workflow_error
from processes.taskindex import ready_tasks
from processes.topics import get_handler


class Runtime(WorkflowSteps):
    """The one way to start and advance workflows (implements hotline's WorkflowRuntime)."""

    # -- entry points -------------------------------------------------------------------

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
        try:
            compiled = self.specs.latest(session, process_id)
        except KeyError as exc:
            raise NotFound(f"process {process_id!r} is not deployed") from exc
        now = clock.now()
        instance = ProcessInstance(
            definition_id=compiled.definition_id,
            ticket_id=ticket_id,
            article_id=article_id,
            status=InstanceStatus.RUNNING,
            state="",
            created_at=now,
            updated_at=now,
        )
        session.add(instance)
        session.flush()
        workflow = BpmnWorkflow(compiled.spec, compiled.subprocess_specs)
        workflow.task_tree.data.update(variables or {})
        call = Call(session, instance, actor)
        with self._entry(session, instance.id):
            self._advance(call, compiled, workflow, completed=None)
        return instance

    def complete_task(
        self, session: Session, task_id: str, data: dict[str, Any], actor: Actor
    ) -> UserTask:
        """Complete a ready user task with form data; 403/404/409/422 as DomainErrors."""
        record = self._task_record(session, task_id)
        ticket = session.get(Ticket, record.ticket_id) if record.ticket_id is not None else None
        secret = ticket is not None and ticket.confidential
        if not access.may_claim(actor, record.candidate_group, secret):
            raise Forbidden(
                f"task {task_id} ({record.task_id}) is offered to "
                f"{record.candidate_group or 'center'!r}, not to you"
            )
        lock_subject(session, record.ticket_id, record.article_id)
        instance = session.get(ProcessInstance, record.instance_id, with_for_update=True)
        session.refresh(record)
        if (
            record.state != UserTaskState.READY
            or instance is None
            or instance.status != InstanceStatus.RUNNING
        ):
            raise Conflict(f"task {task_id} ({record.task_id}) is no longer ready: {record.state}")
        compiled = self.specs.get(session, instance.definition_id)
        workflow = self._load(instance, compiled)
        task = workflow.get_task_from_id(UUID(task_id))
        if task is None or task.state != TaskState.READY:
            raise Conflict(f"task {task_id} ({record.task_id}) is no longer ready")
        loaded = self._validate(session, compiled, record, instance, actor, task, data)
        infos = compiled.forms.get(record.task_id, [])
        variables, _content = split_variables(infos, loaded)
        record_instance_event(
            session, instance, "task_completed", actor, task=record.task_id, data=loaded
        )
        task.data.update(variables)
        call = Call(session, instance, actor, form=loaded, form_task=record.task_id)
        workflow.script_engine = self._engine(call)
        # One entry for run and advance: a message to this instance waits until it is saved.
        with self._entry(session, instance.id):
            try:
                task.run()
            except SpiffWorkflowException as exc:
                raise workflow_error(exc) from exc
            record.state = UserTaskState.COMPLETED
            record.completed_at = clock.now()
            record.completed_by = actor.id
            self._advance(call, compiled, workflow, completed=record.id)
        return record

    def fire_timers(self, session: Session, instance_id: int, actor: Actor = SYSTEM) -> int:
        """Fire the instance's due timers in due order and run their paths; how many fired."""
        instance = self._lock(session, instance_id)
        if instance is None or instance.status != InstanceStatus.RUNNING:
            timers.delete_timers(session, instance_id)  # leftovers of a finished instance
            return 0
        compiled = self.specs.get(session, instance.definition_id)
        workflow = self._load(instance, compiled)
        call = Call(session, instance, actor)
        workflow.script_engine = self._engine(call)
        recorder = timers.history_recorder(session, instance, actor)
        with self._entry(session, instance.id):
            try:
                count = len(timers.fire_in_order(workflow, clock.now(), on_fire=recorder))
            except SpiffWorkflowException as exc:
                raise workflow_error(exc) from exc
            self._advance(call, compiled, workflow, completed=None)
        return count

    def update_variables(
        self, session: Session, instance_id: int, variables: dict[str, Any], actor: Actor
    ) -> None:
        """Set variables on unfinished tasks, re-arming date/duration timers (moves a due time)."""
        variables = free_form(variables)  # workflow data holds plain values only
        instance = self._lock(session, instance_id)
        if instance is None:
            raise NotFound(f"process instance {instance_id} not found")
        if instance.status != InstanceStatus.RUNNING:
            raise Conflict(f"process instance {instance_id} is {instance.status}, not running")
        compiled = self.specs.get(session, instance.definition_id)
        workflow = self._load(instance, compiled)
        timers.rearm(workflow, variables)
        with self._entry(session, instance.id):
            self._advance(Call(session, instance, actor), compiled, workflow, completed=None)

    def send_message(
        self,
        session: Session,
        instance_id: int,
        message: str,
        payload: dict[str, Any] | None = None,
        *,
        actor: Actor = SYSTEM,
        required: bool = True,
    ) -> bool:
        """Deliver BPMN message `message` to a running instance and run what follows.

        The payload lands in the catching task's data under the message's name. An
        instance busy in this very call gets it once that call is done (same transaction).
        Returns False when the instance is not running or not waiting and not `required`;
        raises Conflict when it is `required`.
        """
        payload = free_form(payload or {})
        if messaging.is_busy(session, instance_id):
            messaging.defer(session, instance_id, message, payload, actor, required)
            return True
        instance = self._lock(session, instance_id)
        if instance is None or instance.status != InstanceStatus.RUNNING:
            if required:
                raise Conflict(f"process instance {instance_id} is not running")
            return False
        compiled = self.specs.get(session, instance.definition_id)
        workflow = self._load(instance, compiled)
        event = messaging.event_for(workflow, message, payload)
        if event is None:
            if required:
                raise Conflict(f"{compiled.process_id} is not waiting for message {message!r} now")
            return False
        call = Call(session, instance, actor)
        workflow.script_engine = self._engine(call)
        with self._entry(session, instance.id):
            try:
                workflow.send_event(event)
            except SpiffWorkflowException as exc:
                raise workflow_error(exc) from exc
            record_instance_event(
                session,
                instance,
                "message_received",
                actor,
                data={"process": compiled.process_id, "message": message},
            )
            self._advance(call, compiled, workflow, completed=None)
        return True

    def cancel(self, session: Session, instance_id: int, actor: Actor, reason: str) -> None:
        """Stop a running instance: its ready tasks are cancelled and its timers dropped."""
        if messaging.is_busy(session, instance_id):
            raise WorkflowError(f"process instance {instance_id} cannot cancel itself")
        instance = self._lock(session, instance_id)
        if instance is None or instance.status != InstanceStatus.RUNNING:
            return
        now = clock.now()
        for record in self.ready_tasks(session, instance_id):
            record.state = UserTaskState.CANCELLED
            record.completed_at = now
        timers.delete_timers(session, instance_id)
        instance.status = InstanceStatus.CANCELLED
        instance.completed_at = now
        instance.updated_at = now
        process_id = session.get_one(ProcessDefinition, instance.definition_id).process_id
        record_instance_event(
            session,
            instance,
            "process_cancelled",
            actor,
            data={"process": process_id, "reason": reason},
        )
        session.flush()

    def ready_tasks(self, session: Session, instance_id: int) -> list[UserTask]:
        """Ready user tasks of one instance, from the index."""
        return ready_tasks(session, instance_id)

    # -- internals ---------------------------------------------------------------------

    def _engine(self, call: Call) -> HotlineScriptEngine:
        def run_topic(task: Any, topic: str | None) -> bool:
            handler = get_handler(topic or "")
            if handler is None:
                raise WorkflowError(
                    f"no handler is registered for topic {topic!r}",
                    fields={"element": task.task_spec.bpmn_id},
                )
            ctx = HandlerContext(
                call.session,
                call.instance,
                call.actor,
                task,
                call.form,
                call.form_task,
                self.extras,
                runtime=self,
            )
            result = handler(ctx)
            if result:
                task.data.update(result)
            return True

        return HotlineScriptEngine(run_topic=run_topic)

    def _lock(self, session: Session, instance_id: int) -> ProcessInstance | None:
        found = session.get(ProcessInstance, instance_id)
        if found is not None:
            lock_subject(session, found.ticket_id, found.article_id)
        return timers.lock_instance(session, instance_id)

    @contextmanager
    def _entry(self, session: Session, instance_id: int) -> Iterator[None]:
        # Messages to an instance that is mid-step wait until the outermost call is done.
        with messaging.busy(session, instance_id) as outermost:
            yield
        if outermost:
            for pending in messaging.drain(session):
                self.send_message(
                    session,
                    pending.instance_id,
                    pending.message,
                    pending.payload,
                    actor=pending.actor,
                    required=pending.required,
                )

    def _task_record(self, session: Session, task_id: str) -> UserTask:
        try:
            UUID(task_id)
        except ValueError:
            raise NotFound(f"task {task_id!r} not found") from None
        record = session.get(UserTask, task_id)
        if record is None:
            raise NotFound(f"task {task_id} not found")
        return record
