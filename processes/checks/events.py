"""Checks of events and their definitions: references, message payloads, timers, cancel."""

from __future__ import annotations

import ast
import re
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from processes import expressions
from processes.checks.elements import (
    ACTIVITIES,
    bpmn,
    camunda,
    camunda_attributes,
    describe,
    local_name,
    scope,
    text,
)
from processes.checks.walker import ProcessWalker

ISO_LIKE = re.compile(r"^(R\d*/)?P[0-9A-Z.,:+/-]*\d[0-9A-Z.,:+/-]*$")
CRON = re.compile(r"^\s*[0-9*?/,\-LW#A-Za-z]+(\s+[0-9*?/,\-LW#A-Za-z]+){4,6}\s*$")
# camunda: attributes a message event does not read: it only sends or receives its message.
MESSAGE_EVENT_REFUSED = ("class", "delegateExpression", "type", "topic")
TIMER_KINDS = {
    "timeDate": ("date", "2026-12-01T09:00:00+08:00"),
    "timeDuration": ("duration", "PT72H"),
    "timeCycle": ("repeating interval", "R3/PT1H"),
}


def _constant(source: str) -> Any:
    try:
        return ast.literal_eval(expressions.translate(source))
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


class EventChecks(ProcessWalker):
    """`_on_<element>` checks of events and event definitions."""

    def _check_definition_reference(self, definition: Any, kind: str, required: bool) -> None:
        missing = (
            f"the {kind} event has no {kind}: choose or create a {kind} "
            f"({kind}Ref) in the properties panel"
        )
        ref = definition.get(f"{kind}Ref")
        self.reference(definition.getparent(), kind, ref, missing if required else None)

    def _on_messageEventDefinition(self, element: Any) -> None:
        self._check_definition_reference(element, "message", required=True)
        event = element.getparent()
        for attribute in camunda_attributes(element, MESSAGE_EVENT_REFUSED):
            self.add(
                event,
                f"camunda:{attribute} on a message event is not supported: the event "
                "sends its message (with camunda:expression as payload)",
            )
        payload = element.get(camunda("expression"))
        if payload:
            self.expression(event, payload, "message payload (camunda:expression)")

    def _on_signalEventDefinition(self, element: Any) -> None:
        self._check_definition_reference(element, "signal", required=True)

    def _on_errorEventDefinition(self, element: Any) -> None:
        self._check_definition_reference(element, "error", required=False)

    def _on_escalationEventDefinition(self, element: Any) -> None:
        self._check_definition_reference(element, "escalation", required=False)

    def _on_timerEventDefinition(self, element: Any) -> None:
        event = element.getparent()
        specs = [c for c in element if local_name(c) in TIMER_KINDS]
        if not specs or not text(specs[0]):
            self.add(
                event,
                "the timer has no time: set a date, a duration (e.g. PT72H) or a cycle "
                "(e.g. R3/PT1H) in the Timer section of the properties panel",
            )
            return
        kind, source = local_name(specs[0]), text(specs[0])
        label, example = TIMER_KINDS[kind]
        if kind == "timeCycle" and CRON.match(source):
            self.add(
                event,
                f"timer cycle {source!r} is a cron expression; cron is not supported: "
                f"use an ISO 8601 repeating interval such as {example} or R/P1D",
            )
            return
        try:
            expressions.compile_expression(source)
        except SyntaxError:
            self.add(
                event,
                f"timer {label} {source!r} is neither an ISO 8601 {label} (e.g. {example}) "
                "nor a valid expression",
            )
            return
        except expressions.UnsafeExpression as exc:
            self.add(event, f"timer {label} {source!r} is not allowed: {exc}")
            return
        value = _constant(source)
        if value is None and ISO_LIKE.match(source):
            value = source  # e.g. PT5X or R3/PT5X: meant as ISO 8601, parses as Python names
        if value is not None and not (isinstance(value, str) and _valid_timer(kind, value)):
            self.add(
                event,
                f"timer {label} {source!r} is not a valid ISO 8601 {label} (e.g. {example})",
            )

    def _on_conditionalEventDefinition(self, element: Any) -> None:
        event = element.getparent()
        condition = text(element.find(bpmn("condition")))
        if not condition:
            self.add(event, "the conditional event has no condition")
        else:
            self.expression(event, condition, "event condition")

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
        elif local_name(scope(event)) != "transaction":
            self.add(event, "a cancel end event can only be used inside a transaction sub-process")

    def _on_compensateEventDefinition(self, element: Any) -> None:
        self.add(element.getparent(), "compensation events are not supported")

    def _on_linkEventDefinition(self, element: Any) -> None:
        self.add(
            element.getparent(),
            "link events are not supported; connect the two parts with a sequence flow",
        )

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
