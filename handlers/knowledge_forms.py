"""Rules of the knowledge diagrams' forms that span several fields."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from hotline.fields import blank
from hotline.knowledge import retirement_running, today
from hotline.models import Article, ArticleEvent, ArticleVersion
from processes.forms import FormContext, FormRule

# Free-text answers in these forms are history, not essays.
MAX_COMMENT = 2000
# Who wrote or sent a version (or asked for a retirement) may not also approve it.
AUTHOR_EVENTS = {
    "knowledge_publish": (
        "article_drafted", "version_drafted", "version_edited", "article_submitted",
        "article_resubmitted",
    ),
    "knowledge_retire": ("retirement_requested",),
}  # fmt: skip


def _too_long(data: dict[str, Any], name: str) -> None:
    value = data.get(name)
    if isinstance(value, str) and len(value) > MAX_COMMENT:
        raise ValidationError({name: [f"at most {MAX_COMMENT} characters"]})


def refusal_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """A rejection tells the editor (or the requester) why."""
    _too_long(data, "comment")
    if data.get("approved") is False and blank(data.get("comment")):
        raise ValidationError({"comment": ["required when approved is false"]})


def outdated_needs_comment(data: dict[str, Any], ctx: FormContext) -> None:
    """An article found outdated says what is outdated, so the owner knows what to change."""
    _too_long(data, "comment")
    if data.get("still_valid") is False and blank(data.get("comment")):
        raise ValidationError({"comment": ["required when still_valid is false"]})


def revise_note(data: dict[str, Any], ctx: FormContext) -> None:
    """The revision note is short free text; no resubmission while a retirement runs."""
    _too_long(data, "note")
    article_id = ctx.variables.get("article_id")
    if data.get("resubmit") and article_id and retirement_running(ctx.session, int(article_id)):
        raise ValidationError(
            {"resubmit": ["the article's retirement is being reviewed: resubmit after it ends"]}
        )


def no_gap_in_publication(data: dict[str, Any], ctx: FormContext) -> None:
    """A version taking effect later would take the current answer offline until then."""
    if data.get("approved") is not True:
        return
    version = ctx.session.get(ArticleVersion, ctx.variables.get("version_id"))
    article = ctx.session.get(Article, ctx.variables.get("article_id"))
    if version is None or article is None or article.published_version_id is None:
        return
    if version.valid_from is not None and version.valid_from > today():
        raise ValidationError(
            {
                "approved": [
                    f"this version takes effect on {version.valid_from}; approving it now would "
                    "leave the article unpublished until then: approve it on or after that day"
                ]
            }
        )


def _authors(ctx: FormContext, process_id: str) -> set[int]:
    article_id, version_id = ctx.variables.get("article_id"), ctx.variables.get("version_id")
    query = select(ArticleEvent.actor_id).where(
        ArticleEvent.article_id == article_id,
        ArticleEvent.kind.in_(AUTHOR_EVENTS[process_id]),
        ArticleEvent.actor_id.is_not(None),
    )
    if process_id == "knowledge_publish":
        query = query.where(ArticleEvent.version_id == version_id)
    else:  # a retirement: only requests made since the last decision count
        query = query.order_by(ArticleEvent.id.desc()).limit(1)
    return set(ctx.session.scalars(query))


def four_eyes(process_id: str) -> FormRule:
    """The four-eyes rule (采集与审核分离) of `process_id`'s review tasks."""

    def rule(data: dict[str, Any], ctx: FormContext) -> None:
        """An approval comes from someone other than the version's author or submitter."""
        if data.get("approved") is True and ctx.actor.id in _authors(ctx, process_id):
            raise ValidationError(
                {
                    "approved": [
                        "you wrote, submitted or requested this yourself: another reviewer "
                        "approves it (采集与审核分离); you may still reject it"
                    ]
                }
            )

    return rule
