"""The user-task index: inboxes read it and never load a workflow."""

from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.history import record_instance_event
from hotline.instances import ready_user_tasks
from hotline.models import ProcessInstance, UserTask
from hotline.statuses import UserTaskState
from processes.taskdata import candidate_group, due_date


def ready_tasks(session: Session, instance_id: int) -> list[UserTask]:
    """Ready user tasks of one instance, from the index."""
    return ready_user_tasks(session, UserTask.instance_id == instance_id)


def sync_task_index(
    session: Session,
    instance: ProcessInstance,
    actor: Actor,
    process_id: str,
    workflow: BpmnWorkflow,
    completed: str | None,
) -> None:
    """Mirror the workflow's ready manual tasks into `user_tasks`; gone ones are cancelled."""
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    known = {r.id: r for r in ready_tasks(session, instance.id)} if instance.id else {}
    now = clock.now()
    for task_id, record in known.items():
        if task_id not in ready and task_id != completed:
            record.state = UserTaskState.CANCELLED
            record.completed_at = now
    for task_id, task in ready.items():
        if task_id in known:
            # A moved deadline (update_variables) moves the task's due time too.
            known[task_id].due_at = due_date(task.task_spec, task.data)
            continue
        spec = task.task_spec
        record = UserTask(
            id=task_id,
            instance_id=instance.id,
            ticket_id=instance.ticket_id,
            article_id=instance.article_id,
            process_id=process_id,
            task_id=spec.bpmn_id,
            name=spec.bpmn_name,
            candidate_group=candidate_group(spec, task.data),
            due_at=due_date(spec, task.data),
            state=UserTaskState.READY,
            created_at=now,
        )
        session.add(record)
        record_instance_event(
            session,
            instance,
            "task_created",
            actor,
            task=spec.bpmn_id,
            data={"task_id": task_id, "candidate_group": record.candidate_group},
        )
