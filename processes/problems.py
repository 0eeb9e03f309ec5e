"""Deployment problems, each naming the file and the BPMN element a process owner must fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
NAMESPACE_PREFIXES = {
    BPMN_NS: "bpmn",
    CAMUNDA_NS: "camunda",
    ZEEBE_NS: "zeebe",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "dmn",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "dmn",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "dmn",
}

ERROR = "error"
WARNING = "warning"

_LXML_ELEMENT = re.compile(r"<Element \{([^}]*)\}([\w.-]+) at 0x[0-9a-fA-F]+>")
_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")
_BARE_ADDRESS = re.compile(r"\s*\bat 0x[0-9a-fA-F]+\b|\b0x[0-9a-fA-F]{6,}\b")
_CLARK = re.compile(r"\{([^}]*)\}([\w.-]+)")


@dataclass(frozen=True)
class Problem:
    """One thing a process owner should fix: an error refuses the file, a warning does not."""

    file: str
    element_id: str | None
    element_name: str | None
    message: str
    element_type: str | None = None
    line: int | None = None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        """Whether this problem refuses the deployment."""
        return self.severity == ERROR

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
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
            "line": self.line,
            "message": self.message,
            "severity": self.severity,
        }

    @classmethod
    def at(cls, filename: str, element: Any, message: str, severity: str = ERROR) -> Problem:
        """A problem of one XML element: its id, name, type and line come from the element."""
        if element is None:
            return cls(filename, None, None, clean_message(message), severity=severity)
        return cls(
            filename,
            element.get("id") or None,
            element_name(element),
            clean_message(message),
            etree_tag(element.tag),
            element.sourceline or None,
            severity,
        )

    @classmethod
    def from_validation(
        cls, filename: str, exc: Any, element: Any = None, message: str | None = None
    ) -> Problem:
        """From SpiffWorkflow's ValidationException (its text names no element)."""
        message = clean_message(message or str(exc.args[0] if exc.args else exc))
        line = getattr(exc, "line_number", None) or None
        if element is not None:
            problem = cls.at(filename, element, message)
            return problem if problem.line or not line else _with_line(problem, line)
        element_id = getattr(exc, "id", None) or None
        name = " ".join((getattr(exc, "name", None) or "").split()) or None
        tag = getattr(exc, "tag", None) or None
        return cls(
            filename, element_id, name, message, tag, line if isinstance(line, int) else None
        )

    @classmethod
    def from_exception(cls, filename: str, exc: Exception, element: Any = None) -> Problem:
        """From an unexpected parser error, without memory addresses."""
        text = clean_message(str(exc).strip("'\"")) or "no reason given"
        if isinstance(exc, KeyError) and "decisionRef" in text:
            text = "business rule task without camunda:decisionRef: DMN decisions are not supported"
            return cls.at(filename, element, text)
        # Python's exception class names mean nothing to a process owner: the text only.
        message = f"SpiffWorkflow could not read this element: {text}"
        return cls.at(filename, element, message)


def _with_line(problem: Problem, line: int) -> Problem:
    return replace(problem, line=line)


def element_name(element: Any) -> str | None:
    """The element's name with line breaks folded (Modeler names often contain newlines)."""
    name = element.get("name")
    return (" ".join(name.split()) or None) if name else None


def etree_tag(tag: Any) -> str | None:
    """`{bpmn-ns}userTask` → `bpmn:userTask` (camunda:, zeebe:, dmn: likewise)."""
    if not isinstance(tag, str):
        return None
    if not tag.startswith("{"):
        return tag
    namespace, local = tag[1:].split("}", 1)
    prefix = NAMESPACE_PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else local


def clean_message(text: str) -> str:
    """Drop Python object reprs with memory addresses and namespace URIs from a message."""
    text = _LXML_ELEMENT.sub(lambda m: etree_tag(f"{{{m.group(1)}}}{m.group(2)}") or "", text)
    text = _ADDRESS.sub("an element", text)
    text = _BARE_ADDRESS.sub("", text)
    text = _CLARK.sub(lambda m: etree_tag(f"{{{m.group(1)}}}{m.group(2)}") or m.group(2), text)
    return text.strip()


class DeploymentRefused(Exception):
    """A diagram was refused; nothing of it was stored.

    `problems` are the errors that refused it; `warnings` what else the owner should fix.
    """

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.warnings = list(warnings or [])

    @property
    def report(self) -> list[Problem]:
        """Errors first, then warnings: everything a process owner sees in a refusal."""
        return [*self.problems, *self.warnings]
