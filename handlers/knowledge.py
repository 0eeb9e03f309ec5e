"""Service-task handlers of knowledge_publish.bpmn and knowledge_retire.bpmn.

Both diagrams run for one article (ProcessInstance.article_id) and carry only ids in
their data: `article_id`, `version_id` (the version under review, or the published one
being retired) and `unit`. Comments stay in the forms and reach the history here.
"""

from __future__ import annotations

from typing import Any

from hotline import clock, knowledge, search
from hotline.history import record_article_event
from hotline.models import Article, ArticleVersion
from hotline.policy.knowledge import Period, knowledge_of, review_months
from hotline.statuses import ArticleStatus, VersionStatus
from processes.context import HandlerContext

LEVELS = {"unit_review": "unit", "center_review": "center"}


def _article(ctx: HandlerContext) -> Article:
    article = ctx.session.get(Article, ctx.article_id)
    if article is None:
        raise LookupError(f"instance {ctx.instance.id} has no article")
    return article


def _version(ctx: HandlerContext) -> ArticleVersion:
    version = ctx.session.get(ArticleVersion, ctx.variables["version_id"])
    if version is None or version.article_id != ctx.article_id:
        raise LookupError(
            f"instance {ctx.instance.id} has no version {ctx.variables['version_id']}"
        )
    return version


def _emit(ctx: HandlerContext, version: ArticleVersion | None, kind: str, **data: Any) -> None:
    """Append to the article's history, naming the version concerned."""
    if version is not None:
        data = {"version": version.version, **data}
    record_article_event(
        ctx.session,
        _article(ctx).id,
        kind,
        ctx.actor,
        task=ctx.element_id,
        data=data,
        version_id=version.id if version is not None else None,
    )


def _review_reminder(version: ArticleVersion) -> dict[str, Any]:
    """The review reminder's timer data for a version with a review date."""
    if version.review_at is None:
        raise LookupError(f"version {version.id} has no review date")
    return {"review_remind_at": knowledge.remind_at(version.review_at)}


def _level(ctx: HandlerContext) -> str:
    return LEVELS.get(ctx.form_task or "", ctx.form_task or "")


def _unpublished_status(article: Article, status: ArticleStatus) -> None:
    # A published article keeps its status (and its visible version) while a new one is worked on.
    if article.status != ArticleStatus.PUBLISHED:
        article.status = status
    article.updated_at = clock.now()


# -- knowledge_publish ------------------------------------------------------------------------


def publish(ctx: HandlerContext) -> dict[str, Any]:
    """发布: the version goes live, the previous one is superseded, the index follows."""
    article = _article(ctx)
    version = _version(ctx)
    previous = knowledge.published_version(ctx.session, article)
    if previous is not None and previous.id != version.id:
        previous.status = VersionStatus.SUPERSEDED
        _emit(ctx, previous, "version_superseded", by_version=version.version)
    rules = knowledge_of(ctx.profile)
    knowledge.mark_published(article, version, review_months(ctx.profile))
    ctx.session.flush()
    _emit(ctx, version, "article_published", review_at=version.review_at)
    _check_policy_push(ctx, version, rules.new_policy)
    # The superseded version's instance waits for its review date: it ends now.
    knowledge.end_publication(
        ctx.session, ctx.runtime, ctx.actor, article.id, "superseded", keep=ctx.instance.id
    )
    search.reindex_article(ctx.session, article.id)
    return _review_reminder(version)


def _check_policy_push(ctx: HandlerContext, version: ArticleVersion, rule: Period | None) -> None:
    """A new policy (type policy) live later than the profile allows is recorded late
    (puyang 附件 四(一): 新政策、新规定…一周内完成更新并推送…每超过一天扣1分)."""
    if rule is None or version.type != "policy":
        return
    due = knowledge.policy_push_due(version, rule.amount)
    now = clock.now()
    if now <= due:
        return
    days_late = -((due - now).days)  # every started day counts (每超过一天)
    _emit(
        ctx,
        version,
        "policy_pushed_late",
        due_at=due.isoformat(),
        days_late=days_late,
        rule=rule.origin.source,
    )


def reject(ctx: HandlerContext) -> None:
    """审核退回: back to the editor with the reviewer's comment."""
    article = _article(ctx)
    version = _version(ctx)
    version.status = VersionStatus.REJECTED
    version.comment = ctx.form.get("comment")
    _unpublished_status(article, ArticleStatus.DRAFT)
    _emit(ctx, version, "article_rejected", level=_level(ctx), comment=version.comment)


def resubmit(ctx: HandlerContext) -> None:
    """重新提交: the revised version goes to the unit's reviewer again."""
    article = _article(ctx)
    version = _version(ctx)
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = clock.now()
    _unpublished_status(article, ArticleStatus.IN_REVIEW)
    _emit(ctx, version, "article_resubmitted", note=ctx.form.get("note"))


def withdraw(ctx: HandlerContext) -> None:
    """撤回: the rejected version becomes a plain draft again; submit starts over."""
    article = _article(ctx)
    version = _version(ctx)
    version.status = VersionStatus.DRAFT
    _unpublished_status(article, ArticleStatus.DRAFT)
    _emit(ctx, version, "submission_withdrawn", note=ctx.form.get("note"))


def remind_review(ctx: HandlerContext) -> None:
    """复核提醒: the review date has come; the unit's `review_article` task follows."""
    article = _article(ctx)
    version = _version(ctx)
    _emit(ctx, version, "article_review_due", unit=article.unit_code, review_at=version.review_at)


def record_review(ctx: HandlerContext) -> dict[str, Any]:
    """Still valid: next review after the profile's period ([knowledge.review], default 12
    months). Outdated: recorded, and brought up again in 30 days."""
    version = _version(ctx)
    comment = ctx.form.get("comment")
    if ctx.variables.get("still_valid"):
        months = review_months(ctx.profile)
        version.review_at = knowledge.months_after(knowledge.today(), months)
        _emit(ctx, version, "article_review_confirmed", next_review_at=version.review_at)
        return _review_reminder(version)
    follow_up = knowledge.follow_up_at()
    # The owner must edit (a new version) or ask to retire; until then it is raised again.
    _emit(ctx, version, "article_outdated", comment=comment, follow_up_at=follow_up)
    return {"review_remind_at": follow_up}


# -- knowledge_retire -------------------------------------------------------------------------


def retire(ctx: HandlerContext) -> None:
    """下架: the article and its published version retire; drafts in progress are dropped."""
    article = _article(ctx)
    # The version live now, which may be newer than the one the request was made for.
    version = knowledge.published_version(ctx.session, article) or _version(ctx)
    now = clock.now()
    version.status = VersionStatus.RETIRED
    pending = knowledge.pending_version(ctx.session, article.id)
    if pending is not None:
        pending.status = VersionStatus.RETIRED
    article.status = ArticleStatus.RETIRED
    article.retired_at = now
    article.published_version_id = None
    article.updated_at = now
    ctx.session.flush()
    _emit(ctx, version, "article_retired", dropped_version=pending.version if pending else None)
    knowledge.end_publication(
        ctx.session, ctx.runtime, ctx.actor, article.id, "retired", keep=ctx.instance.id
    )
    search.reindex_article(ctx.session, article.id)


def retire_rejected(ctx: HandlerContext) -> None:
    """驳回下架: the article stays published; the requester reads the comment in the history."""
    version = _version(ctx)
    _emit(ctx, version, "retirement_rejected", level=_level(ctx), comment=ctx.form.get("comment"))
