"""Checks of user tasks: who may take them (candidate groups) and by when (deadlines)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from hotline.statuses import ROLES
from processes import expressions
from processes.checks.elements import bpmn, camunda
from processes.checks.walker import ProcessWalker
from processes.forms import (
    CONSTRAINT_TYPES,
    FIELD_TYPES,
    KNOWN_CONSTRAINTS,
    FormFieldInfo,
    is_expression,
    typed_default,
)
from processes.taskdata import due_duration

# A unit code, or one `${…}` naming it; no commas, braces or blanks that would make a group
# nobody can hold once resolved.
UNIT_GROUP = re.compile(r"^(unit|unit_reviewer):([A-Za-z0-9_-]+|[$#]\{[^{},]*\})$")
WHOLE_EXPRESSION = re.compile(r"^[$#]\{[^{},]*\}$")
FORM_TYPES = (*FIELD_TYPES, "enum")
NO_DEADLINE = "none"  # camunda:property deadline=none: the owner chose no time limit
DUE_DATE_HINT = (
    "use a date (2026-12-01T17:00:00), a duration from when the task starts (P3D, PT72H) "
    "or an expression (${handle_due_at})"
)
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
        self._check_form(element)
        for attribute in ("assignee", "candidateUsers"):
            if element.get(camunda(attribute)):
                self.warn(
                    element,
                    f"camunda:{attribute} is ignored: tasks are offered to candidate groups; "
                    + GROUP_HINT,
                )
        if self.is_hotline_process:
            self._check_hotline_task(element, split_groups(groups))

    def _check_group(self, element: Any, group: str) -> None:
        if group in ROLES or WHOLE_EXPRESSION.match(group):
            return
        if UNIT_GROUP.match(group) is None:
            self.add(element, f"unknown candidate group {group!r}: nobody has it; {GROUP_HINT}")

    def _check_form(self, element: Any) -> None:
        path = f"{bpmn('extensionElements')}/{camunda('formData')}/{camunda('formField')}"
        for xml_field in element.iterfind(path):
            for problem in form_field_problems(xml_field):
                self.add(element, f"form field {xml_field.get('id')!r}: {problem}")

    def _check_due_date(self, element: Any) -> None:
        raw = element.get(camunda("dueDate"))
        due = (raw or "").strip()
        if raw is not None and not due:
            self.add(element, "camunda:dueDate is empty: " + DUE_DATE_HINT)
        elif expressions.placeholders(due) or not expressions.is_iso_literal(due):
            if due:
                self.expression(element, due, "dueDate")
        elif not (_is_iso_date(due) or _is_iso_duration(due)):
            self.add(element, f"camunda:dueDate {due!r} is not a date or duration: {DUE_DATE_HINT}")

    def _check_hotline_task(self, element: Any, groups: list[str]) -> None:
        if not groups:
            self.add(
                element,
                "a user task of the hotline needs Candidate groups (who works on it): "
                + GROUP_HINT,
            )
        has_due_date = bool((element.get(camunda("dueDate")) or "").strip())
        if has_due_date or element.get("id") in self._timed_tasks():
            return
        if (_property(element, "deadline") or "").strip().lower() == NO_DEADLINE:
            return
        self.warn(
            element,
            "the task has no deadline, so it is never late, urged or escalated: set Due Date "
            "(camunda:dueDate, e.g. ${handle_due_at}) or attach a timer boundary event; if "
            "it deliberately has none, add the extension property deadline = none",
        )


def form_field_problems(xml_field: Any) -> list[str]:
    """What is wrong with one camunda:formField: type, constraints, default."""
    kind = xml_field.get("type") or "string"
    if kind not in FORM_TYPES:
        return [f"type {kind!r} is not supported; use {', '.join(FORM_TYPES)}"]
    problems, limits, names = [], {}, set()
    for constraint in xml_field.iterfind(f"{camunda('validation')}/{camunda('constraint')}"):
        name, config = constraint.get("name") or "", (constraint.get("config") or "").strip()
        names.add(name)
        if name not in KNOWN_CONSTRAINTS:
            known = ", ".join(sorted(KNOWN_CONSTRAINTS))
            problems.append(f"constraint {name!r} is not supported; use {known}")
        elif name in CONSTRAINT_TYPES and kind not in CONSTRAINT_TYPES[name]:
            fits = " or ".join(CONSTRAINT_TYPES[name])
            problems.append(f"constraint {name!r} applies to {fits} fields, not {kind}")
        elif name in CONSTRAINT_TYPES and not re.fullmatch(r"-?\d{1,18}", config):
            problems.append(f"constraint {name!r} needs a whole number as config, not {config!r}")
        elif name in CONSTRAINT_TYPES:
            limits[name] = int(config)
    for low, high in (("minlength", "maxlength"), ("min", "max")):
        if low in limits and high in limits and limits[low] > limits[high]:
            problems.append(f"{low} {limits[low]} is above {high} {limits[high]}: no value fits")
    default = xml_field.get("defaultValue")
    if {"readonly", "required"} <= names and default is None:
        problems.append("a read-only required field needs a defaultValue: nobody can fill it")
    if problems or default is None:
        return problems
    if is_expression(default):
        for piece in expressions.placeholders(default):
            try:
                expressions.compile_expression(piece)
            except (SyntaxError, expressions.UnsafeExpression) as exc:
                problems.append(f"default {default!r} is not a valid expression: {exc}")
        return problems
    options = tuple((v.get("id"), v.get("name")) for v in xml_field.iterfind(camunda("value")))
    info = FormFieldInfo(
        xml_field.get("id"), kind, None, False, options, limits=tuple(limits.items())
    )
    try:
        typed_default(info, default)
    except ValueError as exc:
        problems.append(f"default {default!r} does not fit this {kind} field ({exc})")
    return problems


def _is_iso_duration(text: str) -> bool:
    """A plain ISO 8601 duration (P3D, PT72H); a repeating interval is no due date."""
    return due_duration(text) is not None


def _is_iso_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
