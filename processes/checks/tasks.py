"""Checks of tasks and sub-processes: service, send/receive, script, user, business rule, call."""

from __future__ import annotations

from typing import Any

from processes import expressions
from processes.checks.elements import bpmn, camunda, camunda_attributes, local_name, text
from processes.checks.walker import ProcessWalker
from processes.topics import get_handler

IMPLEMENTATION_ATTRIBUTES = ("class", "expression", "delegateExpression")
PYTHON_SCRIPT_FORMATS = frozenset({"", "python", "python3", "py"})
EXTERNAL_TOPIC_HINT = 'use camunda:type="external" with a camunda:topic that has a Python handler'


class TaskChecks(ProcessWalker):
    """`_on_<element>` checks of tasks, call activities and embedded sub-processes."""

    def _check_result_variable(self, element: Any) -> None:
        if element.get(camunda("resultVariable")):
            self.add(
                element,
                "camunda:resultVariable is not supported; assign the variable in the script "
                "or return it from the topic handler",
            )

    def _on_serviceTask(self, element: Any) -> None:
        refused = camunda_attributes(element, IMPLEMENTATION_ATTRIBUTES)
        for attribute in refused:
            self.add(element, f"camunda:{attribute} is not supported; {EXTERNAL_TOPIC_HINT}")
        connector = element.find(f"{bpmn('extensionElements')}/{camunda('connector')}")
        if connector is not None:
            connector_id = text(connector.find(camunda("connectorId")))
            what = f" ({connector_id})" if connector_id else ""
            self.add(element, f"camunda:connector{what} is not supported; {EXTERNAL_TOPIC_HINT}")
        if not refused and connector is None:
            self._check_topic(element)
        self._check_result_variable(element)

    def _check_topic(self, element: Any) -> None:
        kind, topic = element.get(camunda("type")), element.get(camunda("topic"))
        if kind != "external" or not topic:
            self.add(
                element,
                'a service task needs camunda:type="external" and a camunda:topic '
                "(Implementation: External in Camunda Modeler) with a Python handler",
            )
        elif get_handler(topic) is None:
            self.add(element, f"no handler is registered for topic {topic!r}")

    def _check_message_task(self, element: Any) -> None:
        kind = local_name(element)
        for attribute in camunda_attributes(element, (*IMPLEMENTATION_ATTRIBUTES, "type", "topic")):
            self.add(
                element,
                f"camunda:{attribute} on a {kind} is not supported: a {kind} only "
                "sends or receives its message; use a service task with a topic",
            )
        if element.find(bpmn("messageEventDefinition")) is not None:
            return  # checked as an event definition
        missing = (
            f"a {kind} needs a message: choose or create a message (messageRef) "
            "in the properties panel"
        )
        self.reference(element, "message", element.get("messageRef"), missing)

    def _on_sendTask(self, element: Any) -> None:
        self._check_message_task(element)
        self._check_result_variable(element)

    def _on_receiveTask(self, element: Any) -> None:
        self._check_message_task(element)

    def _on_scriptTask(self, element: Any) -> None:
        resource = element.get(camunda("resource"))
        script_format = (element.get("scriptFormat") or "").strip()
        script = element.find(bpmn("script"))
        if resource:
            self.add(
                element,
                f"the script is loaded from camunda:resource {resource!r}; external script "
                "resources are not supported: write the script into the diagram",
            )
        if script_format.lower() not in PYTHON_SCRIPT_FORMATS:
            self.add(
                element,
                f"scriptFormat {script_format!r} is not supported: scripts are restricted Python",
            )
        elif not resource and not text(script):
            self.add(element, "the script task has no script")
        elif script is not None and text(script):
            try:
                expressions.compile_script(script.text)
            except SyntaxError as exc:
                self.add(element, f"script is not valid Python: {exc.msg} (line {exc.lineno})")
            except expressions.UnsafeExpression as exc:
                self.add(element, f"script is not allowed: {exc}")
        self._check_result_variable(element)

    def _on_businessRuleTask(self, element: Any) -> None:
        decision = element.get(camunda("decisionRef"))
        what = f" (DMN decision {decision!r})" if decision else ""
        self.add(
            element,
            f"business rule tasks{what} are not supported: DMN decision tables cannot be "
            "deployed; use an exclusive gateway with conditions, a script task or a service "
            "task with a topic",
        )

    def _on_callActivity(self, element: Any) -> None:
        called = (element.get("calledElement") or "").strip()
        if not called:
            self.add(
                element,
                "the call activity has no called process (calledElement): "
                "set the id of a process in this file",
            )
        elif "{" in called:
            self.add(element, f"calledElement {called!r} is an expression; name a process id")
        elif called not in self.executable_ids:
            where = "is not executable" if called in self.process_ids else "is not in this file"
            self.add(
                element,
                f"calls process {called!r}, which {where}: a call activity can only call an "
                "executable process deployed in the same file",
            )
        extensions = element.find(bpmn("extensionElements"))
        mappings = [] if extensions is None else [*extensions.iter(camunda("in"), camunda("out"))]
        if any(m.get("variables") != "all" or m.get("source") or m.get("target") for m in mappings):
            self.add(
                element,
                "camunda:in/camunda:out variable mappings are not supported: the called "
                "process sees all variables of the caller and returns all of its own",
            )

    def _on_subProcess(self, element: Any) -> None:
        starts = element.findall(bpmn("startEvent"))
        ends = element.findall(bpmn("endEvent"))
        if len(starts) != 1 or not ends:
            self.add(
                element,
                "an embedded sub-process needs exactly one start event and at least one end "
                f"event inside it (found {len(starts)} start and {len(ends)} end events); "
                "a collapsed sub-process drawn without content cannot run",
            )

    _on_transaction = _on_subProcess
