"""The article under review, next to the form of a knowledge review task on the task page.

Publishing tasks show the version submitted and, when the article is already published,
what it changes in the live text; retirement and periodic reviews show the live text and
the reason given; a knowledge question shows the center's question and the unit's articles
that may answer it. Registered with web.task_panels; imported by web.knowledge.
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from hotline import access, knowledge
from hotline.knowledge import PUBLISH_PROCESS, RETIRE_PROCESS
from hotline.knowledge_questions import QUESTION_PROCESS
from hotline.models import Article, ArticleVersion, KnowledgeQuestion, Unit
from hotline.statuses import ArticleStatus, VersionStatus
from web.knowledge_pages import (
    FIELD_LABELS,
    TYPE_LABELS,
    VERSION_STATUS_LABELS,
    local_time,
    text_diff,
)
from web.task_panels import TaskView, panel

# Fields besides question and answer whose change a reviewer is told of.
OTHER_FIELDS = ("type", "keywords", "region", "valid_from", "valid_until", "review_at")


def _article(view: TaskView) -> Article | None:
    if view.task.article_id is None:
        return None
    found = view.session.get(Article, view.task.article_id)
    # The task page only shows tasks offered to the user; the article's scope still applies.
    return found if found is not None and access.sees_article(view.actor, found) else None


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "，".join(str(v) for v in value) or "（无）"
    return "（无）" if value in (None, "") else str(value)


def _changes(before: ArticleVersion, after: ArticleVersion) -> list[tuple[str, str, str]]:
    """(label, before, after) of the other fields that differ."""
    out = []
    for name in OTHER_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            if name == "type":
                old, new = TYPE_LABELS.get(old, old), TYPE_LABELS.get(new, new)
            out.append((FIELD_LABELS[name], _shown(old), _shown(new)))
    return out


def submitted_version(view: TaskView) -> Markup | None:
    """The version in review (or sent back), with its changes against the published one."""
    article = _article(view)
    if article is None:
        return None
    version = knowledge.pending_version(view.session, article.id)
    live = knowledge.published_version(view.session, article)
    if version is None:
        version, live = live, None
    if version is None:
        return None
    diff = None
    if live is not None:
        diff = {
            "question": text_diff(live.question, version.question),
            "answer": text_diff(live.answer, version.answer),
            "others": _changes(live, version),
            "live_version": live.version,
        }
    return _render(view, article, version, diff=diff, heading="待审条目")


def live_version(view: TaskView) -> Markup | None:
    """The published text, with the reason of the retirement being asked."""
    article = _article(view)
    if article is None:
        return None
    version = knowledge.published_version(view.session, article)
    if version is None:
        return None
    reason = None
    if view.process_id == RETIRE_PROCESS:
        asked = [
            e
            for e in knowledge.article_events(view.session, article.id)
            if e.kind == "retirement_requested"
        ]
        reason = asked[-1].data.get("reason") if asked else None
    heading = "申请下架的条目" if view.process_id == RETIRE_PROCESS else "待复核条目"
    return _render(view, article, version, reason=reason, heading=heading)


def _question(view: TaskView) -> KnowledgeQuestion | None:
    return view.session.scalars(
        select(KnowledgeQuestion).where(KnowledgeQuestion.instance_id == view.task.instance_id)
    ).first()


@panel(QUESTION_PROCESS, "answer_question")
def asked_question(view: TaskView) -> Markup | None:
    """The center's question, its due time, and where to write the answering article."""
    question = _question(view)
    if question is None:
        return None
    return Markup(
        render_template(
            "knowledge/question_panel.html",
            question=question,
            due=local_time(question.due_at),
            articles=answering_articles(view, question),
        )
    )


ANSWERING_LIMIT = 50  # newest first: a unit answers with a recent article


def answering_articles(view: TaskView, question: KnowledgeQuestion) -> list[tuple[int, str, str]]:
    """(id, question, state) of the articles that may answer the question
    (hotline.knowledge_questions.answer_refusal: the unit's own, not retired, published or
    submitted), newest first."""
    other = aliased(ArticleVersion)
    in_review = exists().where(
        other.article_id == Article.id, other.status == VersionStatus.IN_REVIEW
    )
    shown = ArticleVersion.id == Article.published_version_id
    rows = view.session.execute(
        select(Article.id, Article.status, ArticleVersion.question)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(Article.unit_code == question.unit_code)
        .where(Article.status != ArticleStatus.RETIRED)
        .where(
            or_(
                Article.status == ArticleStatus.PUBLISHED,
                in_review,
            )
        )
        .where(or_(shown, ArticleVersion.status == VersionStatus.IN_REVIEW))
        .order_by(Article.updated_at.desc(), Article.id.desc(), ArticleVersion.version.desc())
        .limit(ANSWERING_LIMIT * 2)
    ).all()
    out: dict[int, tuple[int, str, str]] = {}
    for article_id, status, text in rows:
        state = "已发布" if status == ArticleStatus.PUBLISHED else "审核中"
        out.setdefault(article_id, (article_id, text, state))
    return list(out.values())[:ANSWERING_LIMIT]


def _render(view: TaskView, article: Article, version: ArticleVersion, **context: object) -> Markup:
    unit = view.session.get(Unit, article.unit_code)
    return Markup(
        render_template(
            "knowledge/panel.html",
            article=article,
            version=version,
            unit_name=unit.name if unit else article.unit_code,
            types=TYPE_LABELS,
            version_statuses=VERSION_STATUS_LABELS,
            **context,
        )
    )


for _task in ("unit_review", "center_review", "revise"):
    panel(PUBLISH_PROCESS, _task)(submitted_version)
panel(PUBLISH_PROCESS, "review_article")(live_version)
for _task in ("unit_review", "center_review"):
    panel(RETIRE_PROCESS, _task)(live_version)
