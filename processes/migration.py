"""Move running instances from one deployed version of a process to another, where safe.

An instance may move when every task it has reached (ready, waiting, started, finished)
exists in the target version with the same BPMN id and type, and no task it has started or
finished changed in a way that matters (form fields, handler topic, event). Tasks it has
not reached yet are dropped from the saved tree and predicted again from the target spec.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Invalid, NotFound
from hotline.history import record_instance_event
from hotline.models import Article, ProcessDefinition, ProcessInstance, Ticket
from hotline.statuses import InstanceStatus
from processes import timers
from processes.migration_state import check_state, rebuild
from processes.registry import CompiledProcess, SpecCache
from processes.serializer import StateSerializer
from processes.taskdata import candidate_group
from processes.taskindex import ready_tasks, sync_task_index

log = logging.getLogger(__name__)


@dataclass
class InstanceOutcome:
    """What migration did, or would do, with one running instance."""

    instance_id: int
    ticket_id: int | None
    ticket_number: str | None
    moved: bool
    reasons: list[dict[str, str]] = field(default_factory=list)


@dataclass
class MigrationReport:
    """The outcome for every running instance of the source version."""

    process_id: str
    from_version: int
    to_version: int
    dry_run: bool
    instances: list[InstanceOutcome]

    @property
    def moved(self) -> int:
        """How many instances moved (or would move, in a dry run)."""
        return sum(1 for outcome in self.instances if outcome.moved)

    @property
    def refused(self) -> int:
        """How many instances cannot move."""
        return len(self.instances) - self.moved


def _definition(
    session: Session, process_id: str, version: int, field_name: str
) -> ProcessDefinition:
    found = session.scalars(
        select(ProcessDefinition).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
        )
    ).first()
    if found is None:
        raise Invalid(
            f"process {process_id!r} has no version {version}",
            fields={field_name: [f"process {process_id!r} has no version {version}"]},
        )
    return found


def migrate(
    session: Session,
    specs: SpecCache,
    serializer: StateSerializer,
    process_id: str,
    from_version: int,
    to_version: int,
    *,
    actor: Actor,
    dry_run: bool = False,
) -> MigrationReport:
    """Move every running instance of `from_version` that can safely run on `to_version`.

    Specs are parsed once for the whole call; instances are locked in one query. A dry run
    stores nothing. Raises NotFound for an undeployed process, Invalid for unknown versions.
    """
    if (
        session.scalars(
            select(ProcessDefinition.id).where(ProcessDefinition.process_id == process_id).limit(1)
        ).first()
        is None
    ):
        raise NotFound(f"process {process_id!r} is not deployed")
    source_def = _definition(session, process_id, from_version, "from_version")
    target_def = _definition(session, process_id, to_version, "to_version")
    if from_version == to_version:
        raise Invalid(
            "from_version and to_version are the same",
            fields={"to_version": ["must differ from from_version"]},
        )
    source = specs.get(session, source_def.id)
    target = specs.get(session, target_def.id)
    query = (
        select(ProcessInstance, Ticket.number)
        .outerjoin(Ticket, Ticket.id == ProcessInstance.ticket_id)
        .where(
            ProcessInstance.definition_id == source_def.id,
            ProcessInstance.status == InstanceStatus.RUNNING,
        )
        .order_by(ProcessInstance.id)
    )
    if not dry_run:
        _lock_subjects(session, source_def.id)
        query = query.with_for_update(of=ProcessInstance).execution_options(populate_existing=True)
    outcomes = []
    now = clock.now()
    for instance, number in session.execute(query):
        outcome = InstanceOutcome(instance.id, instance.ticket_id, number, moved=False)
        outcomes.append(outcome)
        dct = json.loads(instance.state)
        outcome.reasons = check_state(dct, source, target)
        if outcome.reasons:
            continue
        try:
            workflow = rebuild(serializer, dct, target)
        except Exception:  # SpiffWorkflow refuses trees it cannot rebuild
            log.exception("instance %s cannot be rebuilt on version %s", instance.id, to_version)
            outcome.reasons = [
                {
                    "element_id": "",
                    "message": "its saved state does not fit the target version's diagram",
                }
            ]
            continue
        outcome.moved = True
        if dry_run:
            continue
        _apply(session, serializer, instance, workflow, target, actor, now, from_version)
    if not dry_run:
        session.flush()
    return MigrationReport(process_id, from_version, to_version, dry_run, outcomes)


def _lock_subjects(session: Session, definition_id: int) -> None:
    """Lock the tickets and articles of the running instances first, in id order, as every
    other call locks a subject before its instance: migrating never deadlocks with them."""
    running = (
        ProcessInstance.definition_id == definition_id,
        ProcessInstance.status == InstanceStatus.RUNNING,
    )
    for model, column in (
        (Ticket, ProcessInstance.ticket_id),
        (Article, ProcessInstance.article_id),
    ):
        ids = select(column).where(*running, column.is_not(None))
        session.execute(
            select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update()
        )


def _apply(
    session: Session,
    serializer: StateSerializer,
    instance: ProcessInstance,
    workflow: Any,
    target: CompiledProcess,
    actor: Actor,
    now: Any,
    from_version: int,
) -> None:
    instance.definition_id = target.definition_id
    instance.state = serializer.dumps(workflow)
    instance.updated_at = now
    sync_task_index(session, instance, actor, target.process_id, workflow, None)
    # The inbox shows the target's names and groups for tasks that are still open.
    by_id = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for record in ready_tasks(session, instance.id):
        task = by_id.get(record.id)
        if task is not None:
            record.name = task.task_spec.bpmn_name
            record.candidate_group = candidate_group(task.task_spec, task.data)
    timers.sync_timers(session, instance, workflow, now)
    record_instance_event(
        session,
        instance,
        "process_migrated",
        actor,
        data={
            "process": target.process_id,
            "from_version": from_version,
            "to_version": target.version,
        },
    )
