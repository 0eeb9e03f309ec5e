"""Knowledge base articles (知识库): drafts, versions, approvals."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, services, unit_of_work
from api.errors import secured
from api.paging import paged
from api.schemas.common import Shown
from api.schemas.knowledge import (
    ArticleCreateSchema,
    ArticleDetailSchema,
    ArticlePageSchema,
    ArticleQuerySchema,
    ArticleUpdateSchema,
    RetireSchema,
)
from hotline import knowledge
from hotline.models import Article, ArticleEvent, ArticleVersion

blp = Blueprint(
    "knowledge",
    __name__,
    url_prefix="/api/v1/knowledge/articles",
    description="Knowledge base articles (知识库): drafts, versions, approvals",
)


def retirement(events: list[ArticleEvent]) -> dict[str, Any] | None:
    """The latest retirement request and its outcome, read from the history."""
    asked = [i for i, e in enumerate(events) if e.kind == "retirement_requested"]
    if not asked:
        return None
    request = events[asked[-1]]
    out: dict[str, Any] = {
        "status": "in_review",
        "reason": request.data.get("reason"),
        "requested_by": request.actor_name,
        "requested_at": request.at,
    }
    for event in events[asked[-1] + 1 :]:
        if event.kind == "retirement_rejected":
            out.update(status="rejected", level=event.data.get("level"))
            out["comment"] = event.data.get("comment")
        elif event.kind == "article_retired":
            out["status"] = "approved"
    return out


def detail(session: Session, article: Article) -> Shown:
    """The article with its published version, the draft in progress, versions and history."""
    versions = knowledge.versions_of(session, article.id)
    numbers: dict[int | None, int] = {v.id: v.version for v in versions}
    published = knowledge.published_version(session, article)
    events = knowledge.article_events(session, article.id)
    return Shown(
        article,
        current=published or (versions[0] if versions else None),
        published=published,
        draft=knowledge.pending_version(session, article.id),
        versions=versions,
        events=[Shown(e, version=numbers.get(e.version_id)) for e in events],
        tasks=knowledge.open_tasks(session, article.id),
        retirement=retirement(events),
    )


def _with_current(_session: Session, row: tuple[Article, ArticleVersion]) -> Shown:
    article, version = row
    return Shown(article, current=version)


@blp.route("", methods=["POST"])
@blp.arguments(ArticleCreateSchema)
@blp.response(201, ArticleDetailSchema)
@blp.doc(**secured({"403": "not a writer of this unit", "422": "invalid fields"}))
def create(data: dict[str, Any]) -> Any:
    """Draft an article (version 1): a unit for itself, the center or an admin for any `unit`."""
    with unit_of_work() as session:
        article = knowledge.create_article(session, actor(), data)
        body = detail(session, article)
    return body, 201, {"Location": url_for("knowledge.get", article_id=article.id)}


@blp.route("", methods=["GET"])
@blp.arguments(ArticleQuerySchema, location="query")
@blp.response(200, ArticlePageSchema)
@blp.doc(**secured())
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Articles the caller sees (units: their own unit's), newest change first."""
    return paged(query, knowledge.list_articles, _with_current)


@blp.route("/<int(max=2147483647):article_id>", methods=["GET"])
@blp.response(200, ArticleDetailSchema)
@blp.doc(**secured())
def get(article_id: int) -> Shown:
    """One article: the published version, the draft in progress, all versions, history, tasks."""
    with unit_of_work() as session:
        return detail(session, knowledge.get_article(session, actor(), article_id))


@blp.route("/<int(max=2147483647):article_id>", methods=["PUT"])
@blp.arguments(ArticleUpdateSchema)
@blp.response(200, ArticleDetailSchema)
@blp.doc(**secured({"409": "a version is in review, or the article is retired"}))
def update(data: dict[str, Any], article_id: int) -> Shown:
    """Edit: the draft or rejected version in place; a published article gets a new draft."""
    with unit_of_work() as session:
        article = knowledge.update_article(session, actor(), article_id, data)
        return detail(session, article)


@blp.route("/<int(max=2147483647):article_id>/submit", methods=["POST"])
@blp.response(200, ArticleDetailSchema)
@blp.doc(**secured({"409": "nothing to submit, or already in review"}))
def submit(article_id: int) -> Shown:
    """Send the draft to review: the unit's reviewer, then the center (knowledge_publish)."""
    with unit_of_work() as session:
        article = knowledge.submit_article(session, services().runtime, actor(), article_id)
        return detail(session, article)


@blp.route("/<int(max=2147483647):article_id>/retire", methods=["POST"])
@blp.arguments(RetireSchema)
@blp.response(200, ArticleDetailSchema)
@blp.doc(**secured({"409": "not published, or a review is running"}))
def retire(data: dict[str, Any], article_id: int) -> Shown:
    """Ask to retire (下架) a published article: the unit's reviewer and the center approve."""
    with unit_of_work() as session:
        runtime = services().runtime
        article = knowledge.request_retirement(
            session, runtime, actor(), article_id, data["reason"]
        )
        return detail(session, article)
