"""The process diagram of a ticket as it stands: which deployed version each of its instances
runs, which elements ran how often, which run now and which sequence flows were taken.

Read from the instance's SpiffWorkflow task tree: it keeps every task it ran (loops never
prune it), gateways, service tasks, events and subprocess steps included, so one load of
the saved state answers all of it. `user_tasks` and the ticket's events know user tasks and
handler steps only.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.errors import NotFound
from hotline.models import ProcessDefinition, ProcessInstance, Ticket
from hotline.statuses import InstanceStatus
from processes.runtime import Runtime

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Tasks that are where the instance is now: a user task waiting, a subprocess running, a
# receive task or intermediate event waiting for its message or time.
ACTIVE_STATES = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR
# Element types by BPMN tag, for the steps of the text alternative.
TYPE_LABELS = {
    "startEvent": "开始事件",
    "endEvent": "结束事件",
    "userTask": "人工任务",
    "serviceTask": "自动任务",
    "receiveTask": "接收任务",
    "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关",
    "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关",
    "boundaryEvent": "边界事件",
    "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件",
    "subProcess": "子流程",
    "callActivity": "调用活动",
    "task": "任务",
    "scriptTask": "脚本任务",
    "businessRuleTask": "业务规则任务",
    "manualTask": "手工任务",
    "sendTask": "发送任务",
}
# Process names in Chinese for the instance picker when a diagram has none.
PROCESS_LABELS = {
    "ticket": "工单办理",
    "joint": "会签办理",
    "supervision": "督办",
    "milestone": "办理节点",
}
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False}


@dataclass(frozen=True)
class Element:
    """A flow element of a deployed diagram: its BPMN tag and name."""

    id: str
    tag: str
    name: str | None

    @property
    def label(self) -> str:
        """Its name, or its kind in Chinese when it has none (a plain gateway)."""
        return self.name or TYPE_LABELS.get(self.tag, self.tag)


@dataclass(frozen=True)
class Shape:
    """What a deployed version's XML says beyond the spec: its elements and flows."""

    elements: dict[str, Element]
    flows: dict[tuple[str, str], list[str]]  # (source id, target id) → sequence flow ids


@dataclass
class DiagramState:
    """How far one instance went: runs per element, what is active, the flows taken."""

    instance_id: int
    runs: Counter[str] = field(default_factory=Counter)
    active: list[str] = field(default_factory=list)
    flows: Counter[str] = field(default_factory=Counter)
    order: list[str] = field(default_factory=list)  # elements in the order first reached

    def as_json(self, shape: Shape) -> dict[str, Any]:
        """The JSON diagram.js reads: per element its runs and whether it is active."""
        return {
            "instance": self.instance_id,
            "elements": {
                element: {"runs": count, "active": element in self.active}
                for element, count in self.runs.items()
            },
            "active": self.active,
            "flows": dict(self.flows),
            "steps": steps(self, shape),
        }


def steps(state: DiagramState, shape: Shape) -> list[dict[str, Any]]:
    """The elements that ran, in the order first reached, for the text alternative."""
    found = []
    for element in state.order:
        known = shape.elements.get(element)
        found.append(
            {
                "id": element,
                "name": known.label if known else element,
                "kind": TYPE_LABELS.get(known.tag, "") if known else "",
                "runs": state.runs[element],
                "active": element in state.active,
            }
        )
    return found


# -- which instances, which version ----------------------------------------------------------


@dataclass(frozen=True)
class InstanceRow:
    """One process instance of a ticket, with the version it runs."""

    instance: ProcessInstance
    definition: ProcessDefinition

    @property
    def label(self) -> str:
        """ "工单办理 v1（运行中）" for the picker."""
        process = self.definition.process_id
        name = PROCESS_LABELS.get(process) or self.definition.name or process
        status = {"running": "运行中", "completed": "已结束", "cancelled": "已取消"}
        shown = status.get(self.instance.status, self.instance.status)
        return f"{name} 第{self.definition.version}版（{shown}）"


def ticket_instances(session: Session, ticket: Ticket) -> list[InstanceRow]:
    """The ticket's process instances, oldest first, each with its deployed version."""
    rows = session.execute(
        select(ProcessInstance, ProcessDefinition)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(ProcessInstance.ticket_id == ticket.id)
        .order_by(ProcessInstance.id)
    ).all()
    return [InstanceRow(row[0], row[1]) for row in rows]


def pick(rows: list[InstanceRow], instance_id: int | None) -> InstanceRow:
    """The instance asked for (it must be the ticket's), else the ticket process's first
    one; NotFound when the ticket has none or the id is not one of its instances."""
    if instance_id is not None:
        for row in rows:
            if row.instance.id == instance_id:
                return row
        raise NotFound(f"process instance {instance_id} is not one of this ticket's")
    for row in rows:
        if row.definition.process_id == "ticket":
            return row
    if rows:
        return rows[0]
    raise NotFound("this ticket has no process instance")


# -- the deployed XML's elements and flows, parsed once per version ----------------------------

_shapes: dict[int, Shape] = {}
_shapes_lock = threading.Lock()


def shape_of(definition: ProcessDefinition) -> Shape:
    """Elements and sequence flows of a deployed version (cached: versions never change)."""
    found = _shapes.get(definition.id)
    if found is not None:
        return found
    root = etree.fromstring(definition.xml.encode("utf-8"), parser=etree.XMLParser(**_SAFE))
    elements: dict[str, Element] = {}
    flows: dict[tuple[str, str], list[str]] = {}
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        tag = etree.QName(node).localname
        ident = node.get("id")
        if ident is None:
            continue
        if tag == "sequenceFlow":
            key = (node.get("sourceRef") or "", node.get("targetRef") or "")
            flows.setdefault(key, []).append(ident)
        elif tag in TYPE_LABELS:
            elements[ident] = Element(ident, tag, node.get("name"))
    shape = Shape(elements, flows)
    with _shapes_lock:
        _shapes[definition.id] = shape
    return shape


# -- the task tree ---------------------------------------------------------------------------


def _element(task: Any) -> str | None:
    """The BPMN element a task runs, or None for the engine's own plumbing (Start, splits,
    joins) and for a multi-instance activity's parent, whose children count instead."""
    spec = task.task_spec
    bpmn_id = getattr(spec, "bpmn_id", None)
    if bpmn_id is None:
        return None
    if isinstance(getattr(spec, "task_spec", None), str) and hasattr(spec, "merge_child"):
        return None  # the multi-instance parent: each child is one run
    return str(bpmn_id)


def _ran(task: Any) -> bool:
    """Whether the task ran or runs: completed, active, or reached and then interrupted."""
    if _is_boundary(task):
        return task.state == TaskState.COMPLETED  # armed but unfired is not on the path
    if task.state & (TaskState.COMPLETED | ACTIVE_STATES):
        return True
    # A task an interrupting event or a message cut short was reached: its predecessor
    # completed. (Predicted tasks of a cancelled branch were never reached.)
    parent = task.parent
    return (
        task.state == TaskState.CANCELLED
        and parent is not None
        and (parent.state == TaskState.COMPLETED)
    )


def _is_boundary(task: Any) -> bool:
    return type(task.task_spec).__name__ == "BoundaryEvent"


def _came_from(task: Any) -> str | None:
    """The element run just before `task` in its own (sub)process, skipping plumbing."""
    parent = task.parent
    while parent is not None:
        element = _element(parent)
        if element is not None:
            return element
        parent = parent.parent
    return None


def diagram_state(runtime: Runtime, session: Session, row: InstanceRow) -> DiagramState:
    """Runs, active elements and taken flows of one instance, from its saved task tree."""
    instance = row.instance
    state = DiagramState(instance.id)
    if not instance.state:
        return state
    compiled = runtime.specs.get(session, instance.definition_id)
    workflow = runtime.serializer.loads(instance.state, compiled.spec, compiled.subprocess_specs)
    flows = shape_of(row.definition).flows
    running = instance.status == InstanceStatus.RUNNING
    for task in workflow.get_tasks():
        element = _element(task)
        if element is None or not _ran(task):
            continue
        if element not in state.runs:
            state.order.append(element)
        state.runs[element] += 1
        if running and task.state & ACTIVE_STATES and element not in state.active:
            state.active.append(element)
        source = _came_from(task)
        for flow in flows.get((source, element), []) if source else []:
            state.flows[flow] += 1
    return state
