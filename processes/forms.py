"""User-task forms: fields from the diagram's camunda:formData, rules from handlers/.

The diagram gives each field its type, label, options and `required` constraint; a
handler may add rules that span fields (e.g. `basis` required when `outcome` is done).
Fields carrying the property `content=true` are kept out of workflow data: they go to
the ticket's history and to the handlers, so loops do not grow the workflow state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from hotline.fields import StrictBoolean, Text
from processes import expressions

FIELD_TYPES: dict[str, Callable[..., fields.Field]] = {
    "string": Text,
    "long": lambda **kw: fields.Integer(strict=True, **kw),
    "boolean": StrictBoolean,
    "date": fields.DateTime,
}


# Camunda 7's built-in constraints besides `required` and `readonly`, and the types they fit.
LENGTH_CONSTRAINTS = ("minlength", "maxlength")
RANGE_CONSTRAINTS = ("min", "max")
CONSTRAINT_TYPES = {
    "minlength": ("string",),
    "maxlength": ("string",),
    "min": ("long",),
    "max": ("long",),
}
KNOWN_CONSTRAINTS = frozenset({"required", "readonly", *LENGTH_CONSTRAINTS, *RANGE_CONSTRAINTS})


@dataclass(frozen=True)
class FormFieldInfo:
    """One field of a user task's form, as the diagram declares it."""

    id: str
    type: str
    label: str | None
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    content: bool = False
    default: str | None = None
    limits: tuple[tuple[str, int], ...] = ()  # (minlength|maxlength|min|max, value)
    readonly: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON shape used by the API: what a UI needs to draw and pre-check the field."""
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "content": self.content,
            "readonly": self.readonly,
        }
        if self.options:
            out["options"] = [{"id": oid, "name": name} for oid, name in self.options]
        if self.default is not None:
            out["default"] = self.default
            # Shown as the API takes it back (1, true); a default refused at deploy stays text.
            with contextlib.suppress(ValueError):
                if not is_expression(self.default):
                    out["default"] = typed_default(self, self.default)
        out.update(self.limits)
        return out


@dataclass
class FormContext:
    """What a form rule may consult: the session and the ticket behind the task."""

    session: Any
    ticket_id: int | None
    actor: Any
    variables: dict[str, Any] = field(default_factory=dict)
    extras: Any = field(default_factory=dict)


FormRule = Callable[[dict[str, Any], FormContext], None]
_rules: dict[tuple[str, str, bool], list[FormRule]] = {}


def form_rule(
    process_id: str, task_id: str, *, before_schema: bool = False
) -> Callable[[FormRule], FormRule]:
    """Decorator: add a rule for one user task; it raises ValidationError({field: [msg]}).

    Rules run on the schema's output, or on the raw data with `before_schema=True`
    (to give a better message than the generic type or choice check would).
    """

    def register(fn: FormRule) -> FormRule:
        _rules.setdefault((process_id, task_id, before_schema), []).append(fn)
        return fn

    return register


def form_fields(task_spec: Any) -> list[FormFieldInfo]:
    """The declared fields of a user task (empty when it has no form)."""
    form = getattr(task_spec, "form", None)
    out = []
    for f in getattr(form, "fields", []) or []:
        options = tuple((o.id, o.name) for o in getattr(f, "options", []) or [])
        names = {v.name for v in f.validation}
        limits = tuple(
            (v.name, int(v.config))  # the deploy checks made sure these are integers
            for v in f.validation
            if v.name in CONSTRAINT_TYPES and v.config is not None
        )
        out.append(
            FormFieldInfo(
                id=f.id,
                type=f.type or "string",
                label=f.label,
                # camunda:constraint name="required" has no config: test by name.
                required="required" in names,
                options=options,
                content=str(f.get_property("content")).lower() == "true",
                default=f.default_value,
                limits=limits,
                readonly="readonly" in names,
            )
        )
    return out


def build_schema(infos: list[FormFieldInfo]) -> Schema:
    """A marshmallow schema for the declared fields; unknown fields are refused."""
    return _schema_for(tuple(infos))


@lru_cache(maxsize=512)
def _schema_for(infos: tuple[FormFieldInfo, ...]) -> Schema:
    # Building a Schema class is costly; one per distinct form is plenty.
    declared: dict[str, fields.Field] = {}
    for info in infos:
        # Optional fields may be sent as null; required ones may not.
        kwargs: dict[str, Any] = {"required": info.required, "allow_none": not info.required}
        limits = dict(info.limits)
        checks: list[Any] = []
        if "minlength" in limits or "maxlength" in limits:
            checks.append(validate.Length(min=limits.get("minlength"), max=limits.get("maxlength")))
        if "min" in limits or "max" in limits:
            checks.append(validate.Range(min=limits.get("min"), max=limits.get("max")))
        if info.type == "enum":
            checks.append(validate.OneOf([oid for oid, _ in info.options]))
            declared[info.id] = Text(validate=checks, **kwargs)
        else:
            make = FIELD_TYPES.get(info.type, FIELD_TYPES["string"])
            declared[info.id] = make(validate=checks, **kwargs)
    return Schema.from_dict(declared, name="TaskForm")(unknown=RAISE)


def typed_default(info: FormFieldInfo, text: str) -> Any:
    """A literal camunda:defaultValue as the field's type, as the API accepts it; ValueError
    when it does not fit the field's type, values or limits."""
    value: Any = text
    if info.type == "long":
        if not text.strip().lstrip("+-").isdigit():
            raise ValueError(f"{text!r} is not a whole number")
        value = int(text)
    elif info.type == "boolean":
        if text.strip().lower() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        value = text.strip().lower() == "true"
    errors = build_schema([replace(info, required=False)]).validate({info.id: value})
    if errors:
        raise ValueError("; ".join(str(m) for m in errors.get(info.id, [errors])))
    return value


def is_expression(text: str) -> bool:
    """Whether a default is evaluated (`${…}` somewhere in it) rather than taken literally."""
    return bool(expressions.placeholders(text))


def _default_value(info: FormFieldInfo, variables: dict[str, Any]) -> Any:
    text = info.default or ""
    if not is_expression(text):
        try:
            return typed_default(info, text)
        except ValueError as exc:  # only a version deployed before defaults were checked
            message = f"the diagram's default is unusable: {exc}"
            raise ValidationError({info.id: [message]}) from None
    try:
        if expressions.PLACEHOLDER.fullmatch(text.strip()):
            value = expressions.evaluate(text, variables)  # typed, like Camunda's
        else:
            value = expressions.substitute(text, variables)  # text around it: a string
    except Exception as exc:  # an undefined variable: the diagram's default is wrong
        message = f"no value was sent and the default {text!r} failed: {exc}"
        raise ValidationError({info.id: [message]}) from None
    if value is None and info.required:
        raise ValidationError({info.id: [f"no value was sent and the default {text!r} is empty"]})
    return value


def with_defaults(
    infos: list[FormFieldInfo], data: dict[str, Any], variables: dict[str, Any]
) -> dict[str, Any]:
    """`data` with each left-out field that has a camunda:defaultValue filled in (a `${…}`
    default is evaluated against the task's variables), and read-only fields refused."""
    readonly = [i.id for i in infos if i.readonly and i.id in data]
    if readonly:
        raise ValidationError({name: ["this field is read-only"] for name in readonly})
    filled = dict(data)
    for info in infos:
        if info.id not in filled and info.default is not None:
            filled[info.id] = _default_value(info, variables)
    return filled


def validate_form(
    process_id: str,
    task_id: str,
    infos: list[FormFieldInfo],
    data: dict[str, Any],
    ctx: FormContext,
) -> dict[str, Any]:
    """Check submitted data against the diagram's form and the handlers' rules."""
    data = with_defaults(infos, data, ctx.variables)
    for rule in _rules.get((process_id, task_id, True), []):
        rule(data, ctx)
    loaded = build_schema(infos).load(data)
    for rule in _rules.get((process_id, task_id, False), []):
        rule(loaded, ctx)
    return loaded


def split_variables(
    infos: list[FormFieldInfo], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate workflow variables from content kept in the ticket's history."""
    content_ids = {i.id for i in infos if i.content}
    variables = {k: v for k, v in data.items() if k not in content_ids}
    content = {k: v for k, v in data.items() if k in content_ids}
    for info in infos:
        # Variables the form declares but the user left out are reset, so a loop never
        # sees a stale answer from an earlier round; a read-only field only shows one.
        if not info.content and not info.readonly and info.id not in variables:
            variables[info.id] = None
    return variables, content


__all__ = [
    "FormContext",
    "FormFieldInfo",
    "ValidationError",
    "build_schema",
    "form_fields",
    "form_rule",
    "split_variables",
    "validate_form",
]
