"""The document-level checks, and the walk over each executable process, element by element."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from processes.checks.data import DataChecks, data_store_refusal
from processes.checks.elements import FLOW_NODES, bpmn, camunda, local_name
from processes.checks.events import EventChecks
from processes.checks.flows import FlowChecks
from processes.checks.layout import layout_warnings
from processes.checks.loops import LoopChecks
from processes.checks.tasks import TaskChecks
from processes.checks.usertasks import UserTaskChecks
from processes.problems import ZEEBE_NS, Problem

MODELER_NS = "http://camunda.org/schema/modeler/1.0"
# Extension elements refused on any element, with what to model instead.
UNSUPPORTED_EXTENSIONS = {
    camunda("executionListener"): (
        "camunda:executionListener (execution listeners) is not supported; "
        "model the step as a service task with a topic"
    ),
    camunda("taskListener"): (
        "camunda:taskListener (task listeners) is not supported; "
        "model the step as a service task with a topic"
    ),
    camunda("inputOutput"): (
        "camunda:inputOutput (input/output parameters) is not supported; "
        "set variables in a form, a script task or a topic handler"
    ),
}


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
        general.append(Problem.at(filename, store, data_store_refusal()))
    executable = executable_processes(root)
    executable_ids = {p.get("id") for p in executable}
    by_process = {}
    for process in executable:
        checker = ProcessChecker(filename, root, process, index, executable_ids)
        by_process[process.get("id")] = sorted(checker.run(), key=lambda p: p.line or 0)
    general.extend(layout_warnings(filename, root, executable))
    return general, by_process


class ProcessChecker(EventChecks, TaskChecks, UserTaskChecks, LoopChecks, FlowChecks, DataChecks):
    """Walks one executable process (and its sub-processes) element by element."""

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
                self.check_outgoing(element, name)
                self.check_data_associations(element)
            if element.get("isForCompensation") == "true":
                self.add(element, "compensation handlers (isForCompensation) are not supported")
        return self.problems

    def _check_extensions(self, element: Any) -> None:
        extensions = element.find(bpmn("extensionElements"))
        if extensions is None:
            return
        refused = dict.fromkeys(c.tag for c in extensions if c.tag in UNSUPPORTED_EXTENSIONS)
        for tag in refused:
            self.add(element, UNSUPPORTED_EXTENSIONS[tag])
