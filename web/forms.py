"""A task's form on a page: drawn from the diagram's form fields, posted back as the API's data.

`draw` turns the diagram's `FormFieldInfo`s (labels, types, options, required, limits,
defaults) into what `_form.html` renders; `parse` turns the posted strings into the typed
data `runtime.complete_task` takes — the very data a JSON client would send — so the same
code validates both. A field left empty is left out, so the diagram's defaults and required
checks apply exactly as they do on the API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from processes.forms import FormFieldInfo, is_expression
from web.field_messages import field_message
from web.task_panels import MULTIPLE, TaskView, choices_for

# Shanghai has kept UTC+8 since 1991; a date typed on a page is Shanghai time.
SHANGHAI_OFFSET = "+08:00"
LOCAL_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


@dataclass
class FieldView:
    """One form field as the template draws it."""

    id: str  # the posted name: the diagram's field id
    html_id: str
    label: str
    widget: str  # text | textarea | number | select | checkboxes | boolean | datetime
    required: bool
    value: str = ""  # what the input shows (the posted text after an error)
    values: list[str] = field(default_factory=list)  # checked boxes of a multiple field
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hint: str = ""
    readonly: bool = False
    attrs: dict[str, int] = field(default_factory=dict)  # minlength/maxlength/min/max

    @property
    def error_id(self) -> str:
        """The id of the element holding this field's messages (aria-describedby)."""
        return f"{self.html_id}-error"

    @property
    def hint_id(self) -> str:
        """The id of the element holding this field's hint."""
        return f"{self.html_id}-hint"

    @property
    def described_by(self) -> str:
        """aria-describedby: the hint and, after an error, the messages."""
        ids = [self.hint_id] if self.hint else []
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


def label_of(info: FormFieldInfo) -> str:
    """The field's label as the diagram gives it (its id when the diagram gives none)."""
    return info.label or info.id


def labels(infos: list[FormFieldInfo]) -> dict[str, str]:
    """Field id → label, for the messages that name other fields."""
    return {info.id: label_of(info) for info in infos}


def options(infos: list[FormFieldInfo]) -> dict[str, dict[str, str]]:
    """Field id → {option id → option name} of the enum fields."""
    return {info.id: dict(info.options) for info in infos if info.options}


def _widget(info: FormFieldInfo, picks: list[tuple[str, str]] | None) -> str:
    if info.type == "enum":
        return "select"
    if info.type == "boolean":
        return "boolean"
    if info.type == "long":
        return "number"
    if info.type == "date":
        return "datetime"
    if picks is not None:
        return "checkboxes" if info.id in MULTIPLE else "select"
    return "textarea" if info.content else "text"


def _hint(info: FormFieldInfo) -> str:
    parts = []
    limits = dict(info.limits)
    if "minlength" in limits and "maxlength" in limits:
        parts.append(f"{limits['minlength']}–{limits['maxlength']} 个字")
    elif "maxlength" in limits:
        parts.append(f"最多 {limits['maxlength']} 个字")
    elif "minlength" in limits:
        parts.append(f"至少 {limits['minlength']} 个字")
    if "min" in limits or "max" in limits:
        parts.append(f"取值 {limits.get('min', '')}–{limits.get('max', '')}")
    if info.default is not None and is_expression(info.default):
        parts.append("不填则按流程默认值")
    if info.type == "date":
        parts.append("北京时间")
    return "；".join(parts)


def _shown_default(info: FormFieldInfo) -> str:
    if info.default is None or is_expression(info.default):
        return ""
    return info.default.strip().lower() if info.type == "boolean" else info.default


def draw(
    infos: list[FormFieldInfo],
    view: TaskView | None,
    posted: MultiDict[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[FieldView]:
    """The fields to render: the diagram's, with the pick-lists of `web.task_panels`, the
    user's input kept after an error (`posted`) and the Chinese messages (`errors`)."""
    out = []
    for info in infos:
        picks = choices_for(view, info.id) if view is not None and info.type == "string" else None
        widget = _widget(info, picks)
        choices = list(info.options) if info.type == "enum" else list(picks or [])
        if posted is None:
            value = _shown_default(info)
            values = [v for v in value.split(",") if v]
        else:
            value = posted.get(info.id, "")
            values = posted.getlist(info.id)
        limits = {k: v for k, v in info.limits}
        out.append(
            FieldView(
                id=info.id,
                html_id=f"f-{info.id}",
                label=label_of(info),
                widget=widget,
                required=info.required,
                value=value,
                values=values,
                options=choices,
                errors=list((errors or {}).get(info.id, [])),
                hint=_hint(info),
                readonly=info.readonly,
                attrs=limits,
            )
        )
    return out


def _typed(info: FormFieldInfo, raw: list[str]) -> tuple[bool, Any]:
    """(whether sent, the value) of one posted field."""
    if info.id in MULTIPLE and info.type == "string" and len(raw) != 1:
        texts = [r.strip() for r in raw if r.strip()]
        return (True, ",".join(texts)) if texts else (False, None)
    text = raw[0] if raw else ""
    if not text.strip():
        return False, None  # left empty: the diagram's default and required checks apply
    if info.type == "long":
        stripped = text.strip()
        # Not a number: sent as typed, so the schema's own message says so.
        return True, int(stripped) if re.fullmatch(r"[+-]?\d{1,18}", stripped) else stripped
    if info.type == "boolean":
        lowered = text.strip().lower()
        return True, {"true": True, "false": False}.get(lowered, text)
    if info.type == "date":
        stripped = text.strip()
        return True, stripped + SHANGHAI_OFFSET if LOCAL_DATETIME.match(stripped) else stripped
    return True, text


def parse(infos: list[FormFieldInfo], posted: MultiDict[str, str]) -> dict[str, Any]:
    """The typed data a JSON client would send for this posted form (read-only fields and
    fields left empty left out)."""
    data: dict[str, Any] = {}
    for info in infos:
        if info.readonly:
            continue
        sent, value = _typed(info, posted.getlist(info.id))
        if sent:
            data[info.id] = value
    return data


def chinese_errors(
    infos: list[FormFieldInfo], fields: Mapping[str, Any]
) -> tuple[dict[str, list[str]], list[str]]:
    """The API's per-field messages in Chinese: (field id → messages, messages of the whole
    form or of fields the page does not show)."""
    names = labels(infos)
    picks = options(infos)
    per_field: dict[str, list[str]] = {}
    general: list[str] = []
    for name, found in fields.items():
        texts = found if isinstance(found, list) else [found]
        chinese = [field_message(name, str(t), names, picks) for t in texts]
        if name in names:
            per_field[name] = chinese
        else:
            general.extend(chinese if name == "_schema" else [f"{name}：{m}" for m in chinese])
    return per_field, general


__all__ = ["FieldView", "chinese_errors", "draw", "label_of", "labels", "parse"]
