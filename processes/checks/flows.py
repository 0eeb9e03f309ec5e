"""Checks of sequence flows and gateways: where the flow splits, conditions, default flows."""

from __future__ import annotations

from typing import Any

from processes.checks.elements import (
    CONDITIONAL_GATEWAYS,
    GATEWAYS,
    bpmn,
    camunda,
    describe,
    local_name,
    text,
)
from processes.checks.walker import ProcessWalker

CONDITION_LANGUAGES = frozenset({"", "python", "juel", "http://www.w3.org/1999/xpath"})


class FlowChecks(ProcessWalker):
    """`_on_<element>` checks of sequence flows and gateways, and of splits at other nodes."""

    def check_outgoing(self, element: Any, name: str) -> None:
        """Record a problem if a flow node other than a gateway or start event splits the flow."""
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
        expression = text(condition)
        if condition.get(camunda("resource")):
            self.add(flow, "conditions loaded from a camunda:resource are not supported")
        elif not expression:
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
            self.expression(flow, expression, f"condition (of the flow out of {describe(source)})")

    def _on_exclusiveGateway(self, gateway: Any) -> None:
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

    _on_inclusiveGateway = _on_exclusiveGateway

    def _on_complexGateway(self, element: Any) -> None:
        self.add(
            element,
            "complex gateways are not supported; use an exclusive, inclusive or parallel gateway",
        )
