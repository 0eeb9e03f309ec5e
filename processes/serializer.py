"""Instance state without the spec: the spec is cached per deployed version instead."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG


class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Writes the task tree and data only; restores against spec objects it is handed."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Dump and load workflow state; the spec never enters the JSON."""

    def __init__(self) -> None:
        registry = BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG)
        StateOnlyWorkflowConverter(BpmnWorkflow, registry)
        self._inner = BpmnWorkflowSerializer(registry)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """JSON of the task tree, data and pending events."""
        dct = self._inner.to_dict(workflow)
        dct[self._inner.VERSION_KEY] = self._inner.VERSION
        return json.dumps(dct, cls=self._inner._encoder_cls, separators=(",", ":"))

    def loads(self, state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
        """Rebuild a workflow from its state and the cached spec of its version."""
        dct = json.loads(state)
        self._inner.migrate(dct)
        dct["spec"] = spec
        dct["subprocess_specs"] = subprocess_specs
        return self._inner.from_dict(dct)
