"""Deployment problems, each naming the file and the BPMN element a process owner must fix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-f]+>")


@dataclass(frozen=True)
class Problem:
    """One reason a diagram cannot be deployed."""

    file: str
    element_id: str | None
    element_name: str | None
    message: str
    element_type: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.element_id:
            kind = f"{self.element_type} " if self.element_type else ""
            named = f" ({self.element_name})" if self.element_name else ""
            where += f": {kind}'{self.element_id}'{named}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """JSON shape used by the API and CLI."""
        return {
            "file": self.file,
            "element_id": self.element_id,
            "element_name": self.element_name,
            "element_type": self.element_type,
            "message": self.message,
        }

    @classmethod
    def from_validation(cls, filename: str, exc: Any, element: Any = None) -> Problem:
        """From SpiffWorkflow's ValidationException (its text names no element)."""
        element_id = getattr(exc, "id", None) or None
        name = getattr(exc, "name", None) or None
        tag = getattr(exc, "tag", None) or None
        if element is not None and not element_id:
            element_id = element.get("id")
            name = element.get("name")
            tag = etree_tag(element.tag)
        message = clean_message(str(exc.args[0] if exc.args else exc))
        line = getattr(exc, "line_number", None)
        if line:
            message += f" (line {line})"
        return cls(filename, element_id, name, message, tag)

    @classmethod
    def from_exception(cls, filename: str, exc: Exception) -> Problem:
        """From an unexpected parser error, without memory addresses."""
        text = clean_message(str(exc)) or type(exc).__name__
        if isinstance(exc, KeyError) and "decisionRef" in text:
            text = "business rule task without camunda:decisionRef: DMN decisions are not supported"
        return cls(filename, None, None, f"the diagram could not be parsed: {text}")


def etree_tag(tag: str) -> str:
    """`{ns}userTask` → `bpmn:userTask`."""
    return "bpmn:" + tag.split("}", 1)[-1] if "}" in tag else tag


def clean_message(text: str) -> str:
    """Drop Python object reprs with memory addresses from a message."""
    return _ADDRESS.sub("an element", text).strip()


class DeploymentRefused(Exception):
    """A diagram was refused; nothing of it was stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
