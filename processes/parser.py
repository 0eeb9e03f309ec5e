"""A Camunda 7 parser that keeps what the stock one drops.

The stock CamundaParser discards candidateGroups, assignee, dueDate and the
service task's type/topic, and reads form fields only when a formKey is set.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator, full_tag
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.user_task import Form, FormField, UserTask

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


class HotlineParser(CamundaParser):
    """CamundaParser with the extensions the service relies on."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (HotlineUserTaskParser, UserTask),
        full_tag("serviceTask"): (HotlineServiceTaskParser, TopicServiceTask),
    }


_validator: BpmnValidator | None = None


def shared_validator() -> BpmnValidator:
    """The XSD validator is costly to build: build it once."""
    global _validator
    if _validator is None:
        _validator = BpmnValidator()
    return _validator
