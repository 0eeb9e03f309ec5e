"""What the service checks in a diagram before it accepts a deployment.

`check_document` reads the XML of every executable process before SpiffWorkflow parses
it and refuses, element by element, what the runtime does not run (or would run
differently from Camunda 7), and every expression or script outside the whitelist of
processes.expressions. Reading the XML gives exact element ids, names and lines, finds
every problem of a diagram at once, and keeps diagrams away from SpiffWorkflow's parser
where it would fail with a bare KeyError or hang (data objects two scopes up).

`check_process` looks at the parsed specs again as a second net.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from processes import expressions
from processes.parser import TopicServiceTask
from processes.problems import BPMN_NS, CAMUNDA_NS, ZEEBE_NS, Problem, etree_tag
from processes.topics import get_handler

EXPRESSION_ATTRIBUTES = ("cardinality", "condition")
MODELER_NS = "http://camunda.org/schema/modeler/1.0"

GATEWAYS = frozenset(
    {
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
CONDITIONAL_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway"})
SCOPES = frozenset({"process", "subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = frozenset(
    {
        "task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "manualTask",
        "sendTask", "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    }
)  # fmt: skip
EVENTS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
)
FLOW_NODES = GATEWAYS | ACTIVITIES | EVENTS
# Task types whose SpiffWorkflow parser ignores camunda:collection (BPMN-only loops).
BPMN_LOOP_PARSED = frozenset({"scriptTask", "sendTask", "receiveTask", "adHocSubProcess"})
IMPLEMENTATION_ATTRIBUTES = ("class", "expression", "delegateExpression")
PYTHON_SCRIPT_FORMATS = frozenset({"", "python", "python3", "py"})
CONDITION_LANGUAGES = frozenset({"", "python", "juel", "http://www.w3.org/1999/xpath"})
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ISO_LIKE = re.compile(r"^(R\d*/)?P[0-9A-Z.,:+/-]*\d[0-9A-Z.,:+/-]*$")
CRON = re.compile(r"^\s*[0-9*?/,\-LW#A-Za-z]+(\s+[0-9*?/,\-LW#A-Za-z]+){4,6}\s*$")
TIMER_KINDS = {
    "timeDate": ("date", "2026-12-01T09:00:00+08:00"),
    "timeDuration": ("duration", "PT72H"),
    "timeCycle": ("repeating interval", "R3/PT1H"),
}
EXTERNAL_TOPIC_HINT = 'use camunda:type="external" with a camunda:topic that has a Python handler'


def bpmn(local: str) -> str:
    """Clark name of a BPMN element."""
    return f"{{{BPMN_NS}}}{local}"


def camunda(local: str) -> str:
    """Clark name of a Camunda 7 extension element or attribute."""
    return f"{{{CAMUNDA_NS}}}{local}"


def local_name(element: Any) -> str:
    """`userTask` for a bpmn:userTask; '' for comments and elements of other namespaces."""
    tag = element.tag if element is not None else None
    if not isinstance(tag, str) or not tag.startswith(f"{{{BPMN_NS}}}"):
        return ""
    return tag.split("}", 1)[1]


def describe(element: Any) -> str:
    """`bpmn:userTask 'Task_1' (Review)`, for messages that mention a second element."""
    if element is None:
        return "an element that does not exist"
    name = " ".join((element.get("name") or "").split())
    return f"{etree_tag(element.tag)} '{element.get('id')}'" + (f" ({name})" if name else "")


def executable_processes(root: Any) -> list[Any]:
    """The processes SpiffWorkflow treats as executable (isExecutable absent or "true")."""
    return [p for p in root.findall(bpmn("process")) if p.get("isExecutable", "true") == "true"]


def check_executable(filename: str, root: Any) -> list[Problem]:
    """A refusal when the file has nothing to run: no process, or none executable."""
    processes = root.findall(bpmn("process"))
    if not processes:
        return [
            Problem.at(
                filename,
                root,
                f"no executable process in {filename}: the file contains no bpmn:process",
            )
        ]
    if executable_processes(root):
        return []
    return [
        Problem.at(
            filename,
            process,
            f'no executable process in {filename}: this process has isExecutable="false"; '
            'tick "Executable" in the process properties in Camunda Modeler to deploy it',
        )
        for process in processes
    ]


def check_document(filename: str, root: Any) -> tuple[list[Problem], dict[str, list[Problem]]]:
    """Problems of the document as a whole, and of each executable process by process id."""
    index = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    general: list[Problem] = []
    platform = root.get(f"{{{MODELER_NS}}}executionPlatform") or ""
    uses_zeebe = any(
        isinstance(el.tag, str)
        and (el.tag.startswith(f"{{{ZEEBE_NS}}}") or any(ZEEBE_NS in k for k in el.attrib))
        for el in root.iter()
    )
    if platform == "Camunda Cloud" or uses_zeebe:
        general.append(
            Problem.at(
                filename,
                root,
                "the diagram was drawn for Camunda 8 (Zeebe"
                + (f", modeler:executionPlatform={platform!r}" if platform else "")
                + "); this service runs Camunda 7 diagrams: switch the execution platform to "
                "Camunda 7 in Camunda Modeler and use camunda: (not zeebe:) properties",
            )
        )
    for store in root.findall(bpmn("dataStore")):
        general.append(
            Problem.at(filename, store, "data stores are not supported; keep data in variables")
        )
    executable = executable_processes(root)
    executable_ids = {p.get("id") for p in executable}
    by_process = {}
    for process in executable:
        checker = _ProcessChecker(filename, root, process, index, executable_ids)
        by_process[process.get("id")] = sorted(checker.run(), key=lambda p: p.line or 0)
    return general, by_process


def _text(element: Any) -> str:
    return (element.text or "").strip() if element is not None else ""


def _scope(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and local_name(parent) not in SCOPES:
        parent = parent.getparent()
    return parent


def _constant(text: str) -> Any:
    try:
        return ast.literal_eval(expressions.translate(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _valid_timer(kind: str, value: str) -> bool:
    try:
        if kind == "timeDate":
            return isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime)
        if kind == "timeDuration":
            return value.upper().startswith("P") and bool(
                TimerEventDefinition.parse_iso_duration(value)
            )
        TimerEventDefinition.parse_iso_recurring_interval(value)
        return True
    except Exception:  # SpiffWorkflow raises bare Exception, ValueError, AttributeError...
        return False


class _ProcessChecker:
    """Walks one executable process (and its sub-processes) element by element."""

    def __init__(
        self,
        filename: str,
        root: Any,
        process: Any,
        index: dict[str, Any],
        executable_ids: set[str],
    ) -> None:
        self.filename = filename
        self.root = root
        self.process = process
        self.index = index
        self.executable_ids = executable_ids
        self.process_ids = {p.get("id") for p in root.findall(bpmn("process"))}
        self.refs = {
            kind: {el.get("id") for el in root.findall(bpmn(kind))}
            for kind in ("message", "signal", "error", "escalation")
        }
        self.outgoing: dict[str, list[Any]] = {}
        for flow in process.iter(bpmn("sequenceFlow")):
            self.outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        self.problems: list[Problem] = []

    def add(self, element: Any, message: str) -> None:
        """Record a problem of `element`."""
        self.problems.append(Problem.at(self.filename, element, message))

    def run(self) -> list[Problem]:
        """Every problem of the process."""
        for element in self.process.iter():
            if not isinstance(element.tag, str):
                continue
            self._check_extensions(element)
            name = local_name(element)
            if not name:
                continue
            check: Callable[[Any], None] | None = getattr(self, f"_on_{name}", None)
            if check is not None:
                check(element)
            if name in FLOW_NODES:
                self._check_outgoing(element, name)
                self._check_data_associations(element)
            if element.get("isForCompensation") == "true":
                self.add(element, "compensation handlers (isForCompensation) are not supported")
        return self.problems

    # -- expressions -----------------------------------------------------------------

    def expression(self, element: Any, text: str, what: str) -> None:
        """Record a problem if `text` is not a valid, whitelisted expression."""
        try:
            expressions.compile_expression(text)
        except SyntaxError as exc:
            self.add(element, f"{what} {text!r} is not a valid expression: {exc.msg}")
        except expressions.UnsafeExpression as exc:
            self.add(element, f"{what} {text!r} is not allowed: {exc}")

    # -- every element -----------------------------------------------------------------

    def _check_extensions(self, element: Any) -> None:
        extensions = element.find(bpmn("extensionElements"))
        if extensions is None:
            return
        seen = set()
        for child in extensions:
            if child.tag in seen:
                continue
            seen.add(child.tag)
            if child.tag == camunda("executionListener"):
                self.add(
                    element,
                    "camunda:executionListener (execution listeners) is not supported; "
                    "model the step as a service task with a topic",
                )
            elif child.tag == camunda("taskListener"):
                self.add(
                    element,
                    "camunda:taskListener (task listeners) is not supported; "
                    "model the step as a service task with a topic",
                )
            elif child.tag == camunda("inputOutput"):
                self.add(
                    element,
                    "camunda:inputOutput (input/output parameters) is not supported; "
                    "set variables in a form, a script task or a topic handler",
                )

    def _check_outgoing(self, element: Any, name: str) -> None:
        if name in GATEWAYS or name == "startEvent":
            return
        flows = self.outgoing.get(element.get("id"), [])
        if len(flows) > 1:
            ids = ", ".join(f.get("id") for f in flows)
            self.add(
                element,
                f"has {len(flows)} outgoing sequence flows ({ids}); only gateways may split "
                "the flow: add a parallel gateway (all paths) or an exclusive gateway "
                "(one path, with conditions) after it",
            )

    def _check_data_associations(self, element: Any) -> None:
        scope = _scope(element)
        parent_scope = _scope(scope) if scope is not None else None
        refs = [
            a.findtext(bpmn("sourceRef")) for a in element.findall(bpmn("dataInputAssociation"))
        ]
        refs += [
            a.findtext(bpmn("targetRef")) for a in element.findall(bpmn("dataOutputAssociation"))
        ]
        for ref in filter(None, refs):
            target = self.index.get(ref.strip())
            kind = local_name(target)
            if kind == "dataStoreReference":
                continue  # refused at the data store reference itself
            if kind != "dataObjectReference":
                self.add(
                    element,
                    f"a data association refers to {ref!r}, which is neither a data object "
                    "reference nor a data store reference in this file",
                )
                continue
            data_object = self.index.get(target.get("dataObjectRef") or "")
            owner = data_object.getparent() if data_object is not None else None
            if local_name(data_object) != "dataObject":
                self.add(
                    element,
                    f"data object reference {describe(target)} points to no data object",
                )
            elif owner is not scope and owner is not parent_scope:
                self.add(
                    element,
                    f"uses data object {describe(data_object)}, which is defined neither in "
                    "this element's (sub-)process nor in the one directly enclosing it; "
                    "define the data object there",
                )

    # -- unsupported elements ----------------------------------------------------------

    def _on_complexGateway(self, element: Any) -> None:
        self.add(
            element,
            "complex gateways are not supported; use an exclusive, inclusive or parallel gateway",
        )

    def _on_businessRuleTask(self, element: Any) -> None:
        decision = element.get(camunda("decisionRef"))
        what = f" (DMN decision {decision!r})" if decision else ""
        self.add(
            element,
            f"business rule tasks{what} are not supported: DMN decision tables cannot be "
            "deployed; use an exclusive gateway with conditions, a script task or a service "
            "task with a topic",
        )

    def _on_dataStoreReference(self, element: Any) -> None:
        users = sorted(
            {
                a.getparent().get("id")
                for a in self.process.iter(
                    bpmn("dataInputAssociation"), bpmn("dataOutputAssociation")
                )
                if element.get("id")
                in (a.findtext(bpmn("sourceRef")), a.findtext(bpmn("targetRef")))
            }
        )
        used = f" (used by {', '.join(users)})" if users else ""
        self.add(element, f"data stores are not supported{used}; keep data in variables")

    def _on_compensateEventDefinition(self, element: Any) -> None:
        self.add(element.getparent(), "compensation events are not supported")

    def _on_linkEventDefinition(self, element: Any) -> None:
        self.add(
            element.getparent(),
            "link events are not supported; connect the two parts with a sequence flow",
        )

    # -- events ------------------------------------------------------------------------

    def _check_reference(self, definition: Any, kind: str, required: bool) -> None:
        event = definition.getparent()
        ref = definition.get(f"{kind}Ref")
        if not ref:
            if required:
                self.add(
                    event,
                    f"the {kind} event has no {kind}: choose or create a {kind} "
                    f"({kind}Ref) in the properties panel",
                )
        elif ref not in self.refs[kind]:
            self.add(event, f"refers to {kind} {ref!r}, which this file does not define")

    def _on_messageEventDefinition(self, element: Any) -> None:
        self._check_reference(element, "message", required=True)
        event = element.getparent()
        for attribute in ("class", "delegateExpression", "type", "topic"):
            if element.get(camunda(attribute)):
                self.add(
                    event,
                    f"camunda:{attribute} on a message event is not supported: the event "
                    "sends its message (with camunda:expression as payload)",
                )
        payload = element.get(camunda("expression"))
        if payload:
            self.expression(event, payload, "message payload (camunda:expression)")

    def _on_signalEventDefinition(self, element: Any) -> None:
        self._check_reference(element, "signal", required=True)

    def _on_errorEventDefinition(self, element: Any) -> None:
        self._check_reference(element, "error", required=False)

    def _on_escalationEventDefinition(self, element: Any) -> None:
        self._check_reference(element, "escalation", required=False)

    def _on_timerEventDefinition(self, element: Any) -> None:
        event = element.getparent()
        specs = [c for c in element if local_name(c) in TIMER_KINDS]
        if not specs or not _text(specs[0]):
            self.add(
                event,
                "the timer has no time: set a date, a duration (e.g. PT72H) or a cycle "
                "(e.g. R3/PT1H) in the Timer section of the properties panel",
            )
            return
        kind, text = local_name(specs[0]), _text(specs[0])
        label, example = TIMER_KINDS[kind]
        if kind == "timeCycle" and CRON.match(text):
            self.add(
                event,
                f"timer cycle {text!r} is a cron expression; cron is not supported: "
                f"use an ISO 8601 repeating interval such as {example} or R/P1D",
            )
            return
        try:
            expressions.compile_expression(text)
        except SyntaxError:
            self.add(
                event,
                f"timer {label} {text!r} is neither an ISO 8601 {label} (e.g. {example}) "
                "nor a valid expression",
            )
            return
        except expressions.UnsafeExpression as exc:
            self.add(event, f"timer {label} {text!r} is not allowed: {exc}")
            return
        value = _constant(text)
        if value is None and ISO_LIKE.match(text):
            value = text  # e.g. PT5X or R3/PT5X: meant as ISO 8601, parses as Python names
        if value is not None and not (isinstance(value, str) and _valid_timer(kind, value)):
            self.add(
                event, f"timer {label} {text!r} is not a valid ISO 8601 {label} (e.g. {example})"
            )

    def _on_conditionalEventDefinition(self, element: Any) -> None:
        event = element.getparent()
        text = _text(element.find(bpmn("condition")))
        if not text:
            self.add(event, "the conditional event has no condition")
        else:
            self.expression(event, text, "event condition")

    def _on_cancelEventDefinition(self, element: Any) -> None:
        event = element.getparent()
        if local_name(event) == "boundaryEvent":
            attached = self.index.get(event.get("attachedToRef") or "")
            if local_name(attached) != "transaction":
                self.add(
                    event,
                    "a cancel boundary event can only be attached to a transaction "
                    f"sub-process, not to {describe(attached)}",
                )
        elif local_name(_scope(event)) != "transaction":
            self.add(event, "a cancel end event can only be used inside a transaction sub-process")

    def _on_boundaryEvent(self, element: Any) -> None:
        attached = self.index.get(element.get("attachedToRef") or "")
        if local_name(attached) not in ACTIVITIES:
            self.add(
                element,
                f"is attached to {element.get('attachedToRef')!r}, which is not an activity "
                "in this file",
            )
        if not any(local_name(c).endswith("EventDefinition") for c in element):
            self.add(
                element,
                "a boundary event needs an event definition (timer, message, error, ...)",
            )

    # -- flows and gateways ------------------------------------------------------------

    def _on_sequenceFlow(self, flow: Any) -> None:
        condition = flow.find(bpmn("conditionExpression"))
        if condition is None:
            return
        source = self.index.get(flow.get("sourceRef") or "")
        if local_name(source) not in CONDITIONAL_GATEWAYS:
            self.add(
                flow,
                "has a condition, but conditions are only evaluated on flows out of an "
                f"exclusive or inclusive gateway and this flow leaves {describe(source)}: "
                "put an exclusive gateway after it",
            )
            return
        text = _text(condition)
        if condition.get(camunda("resource")):
            self.add(flow, "conditions loaded from a camunda:resource are not supported")
        elif not text:
            self.add(
                flow,
                f"has an empty condition (it leaves {describe(source)}): write a condition "
                "or make it the gateway's default flow",
            )
        elif (condition.get("language") or "").strip().lower() not in CONDITION_LANGUAGES:
            self.add(
                flow,
                f"condition language {condition.get('language')!r} is not supported: "
                "write the condition as ${...} (JUEL) or as a Python expression",
            )
        else:
            self.expression(flow, text, f"condition (of the flow out of {describe(source)})")

    def _check_gateway_defaults(self, gateway: Any) -> None:
        flows = self.outgoing.get(gateway.get("id"), [])
        if len(flows) < 2:
            return
        for flow in flows:
            if flow.get("id") == gateway.get("default"):
                continue
            if flow.find(bpmn("conditionExpression")) is None:
                self.add(
                    flow,
                    f"leaves {describe(gateway)} without a condition and is not its default "
                    "flow: add a condition or make it the default flow",
                )

    def _on_exclusiveGateway(self, element: Any) -> None:
        self._check_gateway_defaults(element)

    def _on_inclusiveGateway(self, element: Any) -> None:
        self._check_gateway_defaults(element)

    # -- tasks -------------------------------------------------------------------------

    def _check_result_variable(self, element: Any) -> None:
        if element.get(camunda("resultVariable")):
            self.add(
                element,
                "camunda:resultVariable is not supported; assign the variable in the script "
                "or return it from the topic handler",
            )

    def _on_serviceTask(self, element: Any) -> None:
        refused = False
        for attribute in IMPLEMENTATION_ATTRIBUTES:
            if element.get(camunda(attribute)):
                self.add(element, f"camunda:{attribute} is not supported; {EXTERNAL_TOPIC_HINT}")
                refused = True
        connector = element.find(f"{bpmn('extensionElements')}/{camunda('connector')}")
        if connector is not None:
            connector_id = _text(connector.find(camunda("connectorId")))
            what = f" ({connector_id})" if connector_id else ""
            self.add(element, f"camunda:connector{what} is not supported; {EXTERNAL_TOPIC_HINT}")
            refused = True
        kind, topic = element.get(camunda("type")), element.get(camunda("topic"))
        if refused:
            pass
        elif kind != "external" or not topic:
            self.add(
                element,
                'a service task needs camunda:type="external" and a camunda:topic '
                "(Implementation: External in Camunda Modeler) with a Python handler",
            )
        elif get_handler(topic) is None:
            self.add(element, f"no handler is registered for topic {topic!r}")
        self._check_result_variable(element)

    def _check_message_task(self, element: Any) -> None:
        kind = local_name(element)
        for attribute in (*IMPLEMENTATION_ATTRIBUTES, "type", "topic"):
            if element.get(camunda(attribute)):
                self.add(
                    element,
                    f"camunda:{attribute} on a {kind} is not supported: a {kind} only "
                    "sends or receives its message; use a service task with a topic",
                )
        definition = element.find(bpmn("messageEventDefinition"))
        if definition is not None:
            return  # checked as an event definition
        ref = element.get("messageRef")
        if not ref:
            self.add(
                element,
                f"a {kind} needs a message: choose or create a message (messageRef) "
                "in the properties panel",
            )
        elif ref not in self.refs["message"]:
            self.add(element, f"refers to message {ref!r}, which this file does not define")

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
        elif not resource and not _text(script):
            self.add(element, "the script task has no script")
        elif script is not None and _text(script):
            try:
                expressions.compile_script(script.text)
            except SyntaxError as exc:
                self.add(element, f"script is not valid Python: {exc.msg} (line {exc.lineno})")
            except expressions.UnsafeExpression as exc:
                self.add(element, f"script is not allowed: {exc}")
        self._check_result_variable(element)

    def _on_userTask(self, element: Any) -> None:
        groups = element.get(camunda("candidateGroups")) or ""
        for piece in expressions.placeholders(groups):
            self.expression(element, piece, "candidate group expression")

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

    def _on_transaction(self, element: Any) -> None:
        self._on_subProcess(element)

    # -- loops -------------------------------------------------------------------------

    def _on_multiInstanceLoopCharacteristics(self, element: Any) -> None:
        activity = element.getparent()
        kind = local_name(activity)
        cardinality = _text(element.find(bpmn("loopCardinality")))
        collection = element.get(camunda("collection"))
        item = element.get(camunda("elementVariable"))
        loop_input = element.find(bpmn("loopDataInputRef"))
        if collection is not None and kind in BPMN_LOOP_PARSED:
            self.add(
                activity,
                f"camunda:collection is not read on a {kind}; use a task, user task, "
                "service task or sub-process for multi-instance over a collection",
            )
        elif not cardinality and not collection and loop_input is None:
            self.add(
                activity,
                "multi-instance needs a collection (camunda:collection, a list variable) "
                "or a loop cardinality",
            )
        elif collection is not None:
            if not IDENTIFIER.match(collection):
                self.add(
                    activity,
                    f"multi-instance collection {collection!r} must name a list variable "
                    "(e.g. units or ${units})",
                )
            if not item:
                self.add(
                    activity,
                    "multi-instance over a collection needs camunda:elementVariable "
                    "(the variable each instance sees)",
                )
        if item and not IDENTIFIER.match(item):
            self.add(activity, f"camunda:elementVariable {item!r} must be a variable name")
        if cardinality:
            self.expression(activity, cardinality, "loop cardinality")
        completion = _text(element.find(bpmn("completionCondition")))
        if completion:
            self.expression(activity, completion, "completion condition")

    def _on_standardLoopCharacteristics(self, element: Any) -> None:
        activity = element.getparent()
        condition = _text(element.find(bpmn("loopCondition")))
        maximum = (element.get("loopMaximum") or "").strip()
        if not condition and not maximum:
            self.add(activity, "a loop needs a loop condition or a loopMaximum")
        if maximum and not maximum.isdigit():
            self.add(activity, f"loopMaximum {maximum!r} must be a whole number")
        if condition:
            self.expression(activity, condition, "loop condition")


# -- a second net over the parsed specs ------------------------------------------------


def _problem(filename: str, task_spec: Any, message: str) -> Problem:
    kind = getattr(task_spec, "bpmn_id", None) and type(task_spec).__name__
    return Problem(
        filename,
        getattr(task_spec, "bpmn_id", None),
        getattr(task_spec, "bpmn_name", None),
        message,
        _element_type(kind),
    )


def _element_type(class_name: str | None) -> str | None:
    if not class_name:
        return None
    names = {"TopicServiceTask": "serviceTask", "UserTask": "userTask", "ScriptTask": "scriptTask"}
    return "bpmn:" + names.get(class_name, class_name[0].lower() + class_name[1:])


def _check_expression(filename: str, task_spec: Any, text: Any, what: str) -> list[Problem]:
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        expressions.compile_expression(text)
    except (SyntaxError, expressions.UnsafeExpression) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        return [_problem(filename, task_spec, f"{what} {text!r} is not allowed: {detail}")]
    return []


def _check_service_task(filename: str, task_spec: TopicServiceTask) -> list[Problem]:
    ext = task_spec.extensions or {}
    for attribute in ("class", "expression", "delegateExpression"):
        if attribute in ext:
            return [
                _problem(
                    filename,
                    task_spec,
                    f'camunda:{attribute} is not supported; use camunda:type="external" '
                    "with a camunda:topic that has a Python handler",
                )
            ]
    if ext.get("connector"):
        return [_problem(filename, task_spec, "camunda:connector is not supported")]
    if ext.get("type") != "external" or not ext.get("topic"):
        return [
            _problem(
                filename,
                task_spec,
                'a service task needs camunda:type="external" and a camunda:topic',
            )
        ]
    if get_handler(ext["topic"]) is None:
        return [
            _problem(filename, task_spec, f"no handler is registered for topic {ext['topic']!r}")
        ]
    return []


def _check_user_task(filename: str, task_spec: Any) -> list[Problem]:
    ext = task_spec.extensions or {}
    problems = []
    if ext.get("inputOutput"):
        problems.append(_problem(filename, task_spec, "camunda:inputOutput is not supported"))
    groups = ext.get("candidateGroups") or ""
    for piece in expressions.placeholders(groups):
        problems += _check_expression(filename, task_spec, piece, "candidate group expression")
    return problems


def check_task_spec(filename: str, task_spec: Any) -> list[Problem]:
    """Problems of one task spec: unsupported features and unsafe expressions."""
    problems: list[Problem] = []
    if isinstance(task_spec, TopicServiceTask):
        problems += _check_service_task(filename, task_spec)
    elif isinstance(task_spec, ScriptTask):
        try:
            expressions.compile_script(task_spec.script or "")
        except (SyntaxError, expressions.UnsafeExpression) as exc:
            detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
            problems.append(_problem(filename, task_spec, f"script is not allowed: {detail}"))
    elif isinstance(task_spec, UserTask):
        problems += _check_user_task(filename, task_spec)
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        problems += _check_expression(filename, task_spec, condition, "condition")
    event = getattr(task_spec, "event_definition", None)
    if event is not None:
        problems += _check_expression(
            filename, task_spec, getattr(event, "expression", None), "event expression"
        )
    for attribute in EXPRESSION_ATTRIBUTES:
        problems += _check_expression(
            filename, task_spec, getattr(task_spec, attribute, None), attribute
        )
    return problems


def check_process(filename: str, spec: Any, subprocess_specs: dict[str, Any]) -> list[Problem]:
    """Problems of a process and the subprocesses it calls."""
    problems: list[Problem] = []
    for process_spec in [spec, *subprocess_specs.values()]:
        if process_spec is None:
            continue
        for task_spec in process_spec.task_specs.values():
            problems += check_task_spec(filename, task_spec)
    return problems
