"""Checks of user tasks: who may take them (candidate groups) and by when (deadlines)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from hotline.actors import ROLES
from processes import expressions
from processes.checks.elements import bpmn, camunda
from processes.checks.walker import ProcessWalker

UNIT_GROUP = re.compile(r"^(unit|unit_reviewer):(\S+)$")
WHOLE_EXPRESSION = re.compile(r"^[$#]\{.*\}$", re.DOTALL)
NO_DEADLINE = "none"  # camunda:property deadline=none: the owner chose no time limit
GROUP_HINT = (
    f"use a role ({', '.join(ROLES)}), unit:<unit code> or unit_reviewer:<unit code>, "
    "e.g. unit:${unit} for the ticket's unit"
)


def split_groups(text: str) -> list[str]:
    """Comma-separated candidate groups, keeping commas inside `${…}` together."""
    pieces, depth, current = [], 0, ""
    for char in text:
        depth += char == "{"
        depth -= char == "}" and depth > 0
        if char == "," and depth == 0:
            pieces.append(current.strip())
            current = ""
        else:
            current += char
    pieces.append(current.strip())
    return [p for p in pieces if p]


def _property(element: Any, name: str) -> str | None:
    for prop in element.iterfind(
        f"{bpmn('extensionElements')}/{camunda('properties')}/{camunda('property')}"
    ):
        if prop.get("name") == name:
            return prop.get("value")
    return None


class UserTaskChecks(ProcessWalker):
    """`_on_userTask`: candidate groups, dueDate, and the hotline's own rules."""

    _timed: set[str] | None = None

    def _timed_tasks(self) -> set[str]:
        """Ids of activities with a timer boundary event attached."""
        if self._timed is None:
            self._timed = {
                event.get("attachedToRef")
                for event in self.process.iter(bpmn("boundaryEvent"))
                if event.find(bpmn("timerEventDefinition")) is not None
            }
        return self._timed

    def _on_userTask(self, element: Any) -> None:
        groups = (element.get(camunda("candidateGroups")) or "").strip()
        for piece in expressions.placeholders(groups):
            self.expression(element, piece, "candidate group expression")
        for group in split_groups(groups):
            self._check_group(element, group)
        self._check_due_date(element)
        for attribute in ("assignee", "candidateUsers"):
            if element.get(camunda(attribute)):
                self.warn(
                    element,
                    f"camunda:{attribute} is ignored: tasks are offered to candidate groups; "
                    + GROUP_HINT,
                )
        if self.is_hotline_process:
            self._check_hotline_task(element, groups)

    def _check_group(self, element: Any, group: str) -> None:
        if group in ROLES or WHOLE_EXPRESSION.match(group):
            return
        if UNIT_GROUP.match(group) is None:
            self.add(element, f"unknown candidate group {group!r}: nobody has it; {GROUP_HINT}")

    def _check_due_date(self, element: Any) -> None:
        due = (element.get(camunda("dueDate")) or "").strip()
        if not due or (WHOLE_EXPRESSION.match(due) is None and _is_iso_date(due)):
            return
        self.expression(element, due, "dueDate")

    def _check_hotline_task(self, element: Any, groups: str) -> None:
        if not groups:
            self.add(
                element,
                "a user task of the hotline needs Candidate groups (who works on it): "
                + GROUP_HINT,
            )
        if element.get(camunda("dueDate")) or element.get("id") in self._timed_tasks():
            return
        if (_property(element, "deadline") or "").strip().lower() == NO_DEADLINE:
            return
        self.warn(
            element,
            "the task has no deadline, so it is never late, urged or escalated: set Due Date "
            "(camunda:dueDate, e.g. ${handle_due_at}) or attach a timer boundary event; if "
            "it deliberately has none, add the extension property deadline = none",
        )


def _is_iso_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
