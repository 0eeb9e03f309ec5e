"""What a task page shows besides its form, per task: side panels and the choices of fields.

The task page (web/tasks.py) draws the form from the diagram; pages of other areas add to
it here, keyed by (process id, task key), without touching the task page:

- a *panel* renders next to the form (the triage task's possible repeats, an extension
  request's reasons, ...): `@panel("ticket", "triage")` on a function returning HTML;
- a *choice* turns a free-text field into a list to pick from (unit codes for `unit`,
  `lead_unit`, `units`): `@choices("unit")` on a function returning (value, label) pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.models import Ticket, UserTask


@dataclass(frozen=True)
class TaskView:
    """What a panel or a choice may consult about the task on the page."""

    session: Session
    actor: Actor
    task: UserTask
    process_id: str
    ticket: Ticket | None


Panel = Callable[[TaskView], Markup | None]
Choices = Callable[[TaskView], list[tuple[str, str]]]

_panels: dict[tuple[str, str], list[Panel]] = {}
_choices: dict[str, Choices] = {}
# A field whose value is several choices joined by commas (会签单位代码（逗号分隔）).
MULTIPLE: set[str] = set()


def panel(process_id: str, task_key: str) -> Callable[[Panel], Panel]:
    """Decorator: render this panel on the pages of (process, task key)."""

    def register(fn: Panel) -> Panel:
        _panels.setdefault((process_id, task_key), []).append(fn)
        return fn

    return register


def choices(field_id: str, *, multiple: bool = False) -> Callable[[Choices], Choices]:
    """Decorator: offer these (value, label) pairs for every form field `field_id`."""

    def register(fn: Choices) -> Choices:
        _choices[field_id] = fn
        if multiple:
            MULTIPLE.add(field_id)
        return fn

    return register


def panels_for(view: TaskView) -> list[Markup]:
    """The rendered panels of the task on the page (those that have something to show)."""
    found = (fn(view) for fn in _panels.get((view.process_id, view.task.task_id), []))
    return [html for html in found if html]


def choices_for(view: TaskView, field_id: str) -> list[tuple[str, str]] | None:
    """The choices offered for `field_id`, or None for a field typed in freely."""
    fn = _choices.get(field_id)
    return fn(view) if fn is not None else None


__all__ = ["MULTIPLE", "TaskView", "choices", "choices_for", "panel", "panels_for"]
