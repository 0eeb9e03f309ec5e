"""The state every element check of one executable process shares, and how it records problems."""

from __future__ import annotations

from typing import Any

from processes import expressions
from processes.checks.elements import bpmn
from processes.problems import WARNING, Problem

# The processes the service starts itself; their user tasks must say who and by when.
HOTLINE_PROCESS_IDS = frozenset(
    {
        "ticket",
        "joint",
        "supervision",
        "knowledge_publish",
        "knowledge_retire",
        "knowledge_question",
        "assessment_appeal",
    }
)


class ProcessWalker:
    """What is known about one executable process; the mixins of the checks build on it."""

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
        """Record an error of `element`: the file is refused."""
        self.problems.append(Problem.at(self.filename, element, message))

    def warn(self, element: Any, message: str) -> None:
        """Record a warning about `element`: the file still deploys."""
        self.problems.append(Problem.at(self.filename, element, message, WARNING))

    @property
    def is_hotline_process(self) -> bool:
        """Whether this is one of the processes the hotline itself starts (stricter checks)."""
        return self.process.get("id") in HOTLINE_PROCESS_IDS

    def expression(self, element: Any, text: str, what: str) -> None:
        """Record a problem if `text` is not a valid, whitelisted expression."""
        shown = repr(text if len(text) <= 200 else text[:200] + "…")
        try:
            expressions.compile_expression(text)
        except SyntaxError as exc:
            self.add(element, f"{what} {shown} is not a valid expression: {exc.msg}")
        except expressions.UnsafeExpression as exc:
            self.add(element, f"{what} {shown} is not allowed: {str(exc)[:300]}")

    def reference(self, element: Any, kind: str, ref: str | None, missing: str | None) -> None:
        """Record `missing` if `ref` is empty, or a problem if this file defines no such `kind`."""
        if not ref:
            if missing:
                self.add(element, missing)
        elif ref not in self.refs[kind]:
            self.add(element, f"refers to {kind} {ref!r}, which this file does not define")
