"""Checks of multi-instance and standard loop characteristics."""

from __future__ import annotations

import re
from typing import Any

from processes.checks.elements import bpmn, camunda, local_name, text
from processes.checks.walker import ProcessWalker

# Task types whose SpiffWorkflow parser ignores camunda:collection (BPMN-only loops).
BPMN_LOOP_PARSED = frozenset({"scriptTask", "sendTask", "receiveTask", "adHocSubProcess"})
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class LoopChecks(ProcessWalker):
    """`_on_<element>` checks of the loop characteristics of an activity."""

    def _on_multiInstanceLoopCharacteristics(self, element: Any) -> None:
        activity = element.getparent()
        kind = local_name(activity)
        cardinality = text(element.find(bpmn("loopCardinality")))
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
        completion = text(element.find(bpmn("completionCondition")))
        if completion:
            self.expression(activity, completion, "completion condition")

    def _on_standardLoopCharacteristics(self, element: Any) -> None:
        activity = element.getparent()
        condition = text(element.find(bpmn("loopCondition")))
        maximum = (element.get("loopMaximum") or "").strip()
        if not condition and not maximum:
            self.add(activity, "a loop needs a loop condition or a loopMaximum")
        if maximum and not maximum.isdigit():
            self.add(activity, f"loopMaximum {maximum!r} must be a whole number")
        if condition:
            self.expression(activity, condition, "loop condition")
