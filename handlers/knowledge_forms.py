"""Rules of the knowledge diagrams' forms that span several fields."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from processes.forms import FormContext, form_rule

# Free-text answers in these forms are history, not essays.
MAX_COMMENT = 2000


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_long(data: dict[str, Any], name: str) -> None:
    value = data.get(name)
    if isinstance(value, str) and len(value) > MAX_COMMENT:
        raise ValidationError({name: [f"at most {MAX_COMMENT} characters"]})


@form_rule("knowledge_publish", "unit_review")
@form_rule("knowledge_publish", "center_review")
@form_rule("knowledge_retire", "unit_review")
@form_rule("knowledge_retire", "center_review")
def refusal_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """A rejection tells the editor (or the requester) why."""
    _too_long(data, "comment")
    if data.get("approved") is False and _blank(data.get("comment")):
        raise ValidationError({"comment": ["required when approved is false"]})


@form_rule("knowledge_publish", "review_article")
def outdated_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """An article found outdated says what is outdated, so the owner knows what to change."""
    _too_long(data, "comment")
    if data.get("still_valid") is False and _blank(data.get("comment")):
        raise ValidationError({"comment": ["required when still_valid is false"]})


@form_rule("knowledge_publish", "revise")
def revise_note(data: dict[str, Any], ctx: FormContext) -> None:
    """The revision note is short free text."""
    _too_long(data, "note")
