"""The BPMN vocabulary of the checks and small helpers for reading lxml elements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from processes.problems import BPMN_NS, CAMUNDA_NS, etree_tag

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


def text(element: Any) -> str:
    """The stripped text of `element`; '' when it is missing or empty."""
    return (element.text or "").strip() if element is not None else ""


def scope(element: Any) -> Any:
    """The process or sub-process that directly contains `element`, or None."""
    parent = element.getparent()
    while parent is not None and local_name(parent) not in SCOPES:
        parent = parent.getparent()
    return parent


def camunda_attributes(element: Any, names: Iterable[str]) -> list[str]:
    """Those of `names` that `element` sets as non-empty camunda: attributes, in order."""
    return [name for name in names if element.get(camunda(name))]
