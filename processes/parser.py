"""A Camunda 7 parser that keeps what the stock one drops.

The stock CamundaParser discards candidateGroups, assignee, dueDate and the
service task's type/topic, and reads form fields only when a formKey is set.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator, full_tag
from SpiffWorkflow.bpmn.specs import defaults as bpmn_defaults
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs import multiinstance_task as camunda_mi
from SpiffWorkflow.camunda.specs.user_task import Form, FormField, UserTask

ACTIVITI_NS = "http://activiti.org/bpmn"
SIMPLE_JUEL_NAME = re.compile(r"^\s*[$#]\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\s*$")
USER_TASK_ATTRIBUTES = ("candidateGroups", "candidateUsers", "assignee", "dueDate", "formKey")
SERVICE_TASK_ATTRIBUTES = ("type", "topic", "class", "expression", "delegateExpression")


def _camunda_attributes(node: Any, names: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for name in names:
        value = node.get(f"{{{CAMUNDA_MODEL_NS}}}{name}")
        if value is not None:
            found[name] = value
    return found


class TopicServiceTask(ServiceTask):
    """A `camunda:type="external"` service task run by the Python handler for its topic."""

    def __init__(self, wf_spec: Any, bpmn_id: str, topic: str | None = None, **kwargs: Any):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic

    def _execute(self, task: Any) -> bool:
        return task.workflow.script_engine.run_topic(task, self.topic)


class HotlineUserTaskParser(UserTaskParser):
    """Keeps candidate groups and friends, and reads formData with or without a formKey."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(_camunda_attributes(self.node, USER_TASK_ATTRIBUTES))
        if self.xpath(".//camunda:inputOutput"):
            extensions["inputOutput"] = True
        return extensions

    def get_form(self) -> Form:
        form = Form()
        form.key = self.attribute("formKey", "camunda")
        prefix = f"{{{CAMUNDA_MODEL_NS}}}"
        for xml_field in self.xpath(".//camunda:formData/camunda:formField"):
            is_enum = xml_field.get("type") == "enum"
            field = self.get_enum_field(xml_field) if is_enum else FormField()
            field.id = xml_field.get("id")
            field.type = xml_field.get("type")
            field.label = xml_field.get("label")
            field.default_value = xml_field.get("defaultValue")
            for child in xml_field:
                if child.tag == f"{prefix}properties":
                    for prop in child:
                        field.add_property(prop.get("id"), prop.get("value"))
                elif child.tag == f"{prefix}validation":
                    for constraint in child:
                        field.add_validation(constraint.get("name"), constraint.get("config"))
            form.add_field(field)
        return form


class HotlineServiceTaskParser(CamundaTaskParser):
    """Reads camunda:type/topic (and the unsupported class/expression, to refuse them)."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions = super().parse_extensions(node)
        extensions.update(_camunda_attributes(self.node, SERVICE_TASK_ATTRIBUTES))
        if self.xpath(".//camunda:connector"):
            extensions["connector"] = True
        if self.xpath(".//camunda:inputOutput"):
            extensions["inputOutput"] = True
        return extensions

    def create_task(self) -> TopicServiceTask:
        topic = self.node.get(f"{{{CAMUNDA_MODEL_NS}}}topic")
        return self.spec_class(self.spec, self.bpmn_id, topic=topic, **self.bpmn_attributes)


class _CollectionGuard:
    """Multi-instance tasks whose collection is missing fail with a WorkflowDataException.

    SpiffWorkflow's parallel multi-instance raises a bare TypeError ("'NoneType' object is
    not iterable") when the collection variable is not set; this names the variable and
    keeps the task, so the runtime reports it as a WorkflowError at the element.
    """

    data_input: Any

    def _update_hook(self, my_task: Any) -> Any:
        try:
            return super()._update_hook(my_task)  # type: ignore[misc]
        except (TypeError, WorkflowDataException) as exc:
            name = getattr(self.data_input, "bpmn_id", None)
            if not name:
                raise
            if name not in my_task.data or my_task.data[name] is None:
                message = f"multi-instance collection variable {name!r} is not set"
            elif isinstance(my_task.data[name], str) or not isinstance(
                my_task.data[name], Iterable
            ):
                kind = type(my_task.data[name]).__name__
                message = f"multi-instance collection variable {name!r} must be a list, not {kind}"
            else:
                raise
            raise WorkflowDataException(message, my_task) from exc


class GuardedCamundaParallelMI(_CollectionGuard, camunda_mi.ParallelMultiInstanceTask):
    """Camunda parallel multi-instance with a clear error for a missing collection."""


class GuardedCamundaSequentialMI(_CollectionGuard, camunda_mi.SequentialMultiInstanceTask):
    """Camunda sequential multi-instance with a clear error for a missing collection."""


class GuardedParallelMI(_CollectionGuard, bpmn_defaults.ParallelMultiInstanceTask):
    """BPMN (loopDataInputRef) parallel multi-instance with a clear error."""


class GuardedSequentialMI(_CollectionGuard, bpmn_defaults.SequentialMultiInstanceTask):
    """BPMN (loopDataInputRef) sequential multi-instance with a clear error."""


GUARDED_MULTI_INSTANCE = {
    camunda_mi.ParallelMultiInstanceTask: GuardedCamundaParallelMI,
    camunda_mi.SequentialMultiInstanceTask: GuardedCamundaSequentialMI,
    bpmn_defaults.ParallelMultiInstanceTask: GuardedParallelMI,
    bpmn_defaults.SequentialMultiInstanceTask: GuardedSequentialMI,
}


class HotlineParser(CamundaParser):
    """CamundaParser with the extensions the service relies on."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (HotlineUserTaskParser, UserTask),
        full_tag("serviceTask"): (HotlineServiceTaskParser, TopicServiceTask),
    }

    def get_spec(self, process_id: str, required: bool = True) -> Any:
        spec = super().get_spec(process_id, required)
        if spec is not None:
            for task_spec in spec.task_specs.values():
                guarded = GUARDED_MULTI_INSTANCE.get(type(task_spec))
                if guarded is not None:
                    task_spec.__class__ = guarded
        return spec


def normalize_document(root: Any) -> None:
    """Read what Camunda 7 reads, in place, before parsing.

    - The old Activiti namespace (Signavio and early Camunda exports) is Camunda's.
    - A multi-instance `camunda:collection="${items}"` names the variable `items`.
    - `isExecutable="1"` is as executable as "true" (xs:boolean).
    """
    camunda = f"{{{CAMUNDA_MODEL_NS}}}"
    activiti = f"{{{ACTIVITI_NS}}}"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.startswith(activiti):
            element.tag = camunda + element.tag[len(activiti) :]
        for key in [k for k in element.attrib if k.startswith(activiti)]:
            element.set(camunda + key[len(activiti) :], element.attrib.pop(key))
        if element.tag == full_tag("process") and element.get("isExecutable") == "1":
            element.set("isExecutable", "true")
        collection = element.get(f"{camunda}collection")
        if collection is not None and element.tag == full_tag("multiInstanceLoopCharacteristics"):
            match = SIMPLE_JUEL_NAME.match(collection)
            if match:
                element.set(f"{camunda}collection", match.group(1))


_validator: BpmnValidator | None = None
_validator_lock = threading.Lock()


def shared_validator() -> BpmnValidator:
    """The XSD validator is costly to build: build it once."""
    global _validator
    with _validator_lock:
        if _validator is None:
            _validator = BpmnValidator()
        return _validator


def xsd_errors(root: Any) -> list[Any]:
    """XSD errors of a BPMN document (lxml log entries with line and message), all of them."""
    validator = shared_validator()
    validator.preprocess(root)
    with _validator_lock:  # one XMLSchema object: its error log is shared state
        if validator.validator.validate(root):
            return []
        return list(validator.validator.error_log)
