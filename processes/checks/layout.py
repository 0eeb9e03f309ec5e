"""Diagram layout (BPMN DI): the engine runs without it, but Camunda Modeler cannot show it."""

from __future__ import annotations

from typing import Any

from processes.checks.elements import FLOW_NODES, local_name
from processes.problems import WARNING, Problem

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
MAX_LAYOUT_WARNINGS = 20
DRAWN = FLOW_NODES | {"sequenceFlow"}


def layout_warnings(filename: str, root: Any, processes: list[Any]) -> list[Problem]:
    """A warning per flow node or sequence flow of `processes` that has no shape or edge."""
    drawn = {
        di.get("bpmnElement")
        for di in root.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge")
    }
    if root.find(f"{{{BPMNDI_NS}}}BPMNDiagram") is None:
        return [
            Problem.at(
                filename,
                root,
                "the file has no diagram layout (bpmndi:BPMNDiagram): it runs, but Camunda "
                "Modeler shows an empty canvas; lay it out in a modeler and save it again",
                WARNING,
            )
        ]
    missing = [
        element
        for process in processes
        for element in process.iter()
        if local_name(element) in DRAWN and element.get("id") not in drawn
    ]
    warnings = [
        Problem.at(
            filename,
            element,
            "has no diagram layout (no BPMNShape or BPMNEdge): Camunda Modeler will not "
            "show it; draw it again in the modeler",
            WARNING,
        )
        for element in missing[:MAX_LAYOUT_WARNINGS]
    ]
    if len(missing) > MAX_LAYOUT_WARNINGS:
        more = len(missing) - MAX_LAYOUT_WARNINGS
        warnings.append(
            Problem.at(filename, root, f"{more} more elements have no diagram layout", WARNING)
        )
    return warnings
