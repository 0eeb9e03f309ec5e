"""Knowledge article reads (versions, history, lists) as `hotline.access` allows them.

Split from `hotline.knowledge`, which re-exports these names.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline import access
from hotline.actors import Actor
from hotline.errors import Conflict, Forbidden, NotFound
from hotline.instances import instances_of, ready_user_tasks
from hotline.models import (
    Article,
    ArticleEvent,
    ArticleVersion,
    ProcessInstance,
    UserTask,
)
from hotline.paging import count_rows, paginate, where_given
from hotline.statuses import (
    UNPUBLISHED_VERSION_STATUSES,
    ArticleStatus,
    InstanceStatus,
)

PUBLISH_PROCESS = "knowledge_publish"
RETIRE_PROCESS = "knowledge_retire"
# meizhou 第十八条: 常见问题, 办事流程, 政策法规, 机构信息
TYPES = ("faq", "procedure", "policy", "organization")
CONTENT_FIELDS = (
    "question", "answer", "type", "keywords", "region", "valid_from", "valid_until", "review_at",
)  # fmt: skip
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40
KEYWORD_SEPARATORS = re.compile(r"[,，、;；\n]+")
# A reviewed article that its unit found outdated is brought up again after this many days.
OUTDATED_FOLLOW_UP = timedelta(days=30)


# -- one article, as access allows -------------------------------------------------------------


def get_article(session: Session, actor: Actor, article_id: int, *, lock: bool = False) -> Article:
    """One article the actor may see (404 for other units' articles)."""
    access.check_knowledge_reader(actor)
    article = session.get(Article, article_id, with_for_update=lock, populate_existing=lock)
    if article is None or not access.sees_article(actor, article):
        raise NotFound(f"article {article_id} not found")
    return article


def _writable(session: Session, actor: Actor, article_id: int) -> Article:
    article = get_article(session, actor, article_id, lock=True)
    if not access.may_write_article(actor, article):
        raise Forbidden(f"article {article_id} belongs to unit {article.unit_code}")
    if article.status == ArticleStatus.RETIRED:
        raise Conflict(f"article {article_id} is retired")
    if retirement_running(session, article.id):
        raise Conflict(f"article {article_id} has a retirement request in review")
    return article


# -- reads -------------------------------------------------------------------------------------


def versions_of(session: Session, article_id: int) -> list[ArticleVersion]:
    """Every version, newest first."""
    return list(
        session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.version.desc())
        )
    )


def pending_version(session: Session, article_id: int) -> ArticleVersion | None:
    """The one unpublished version (draft, in_review or rejected), if any."""
    return session.scalars(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article_id,
            ArticleVersion.status.in_(UNPUBLISHED_VERSION_STATUSES),
        )
    ).first()


def published_version(session: Session, article: Article) -> ArticleVersion | None:
    """The version the public and the operators see."""
    if article.published_version_id is None:
        return None
    return session.get(ArticleVersion, article.published_version_id)


def article_events(session: Session, article_id: int) -> list[ArticleEvent]:
    """The article's history, oldest first."""
    return list(
        session.scalars(
            select(ArticleEvent)
            .where(ArticleEvent.article_id == article_id)
            .order_by(ArticleEvent.at, ArticleEvent.id)
        )
    )


def open_tasks(session: Session, article_id: int) -> list[UserTask]:
    """Ready user tasks on this article, from the task index."""
    return ready_user_tasks(session, UserTask.article_id == article_id)


def article_instances(
    session: Session,
    article_id: int,
    process_id: str,
    status: InstanceStatus | None = InstanceStatus.RUNNING,
) -> list[ProcessInstance]:
    """An article's instances of one process, oldest first (running ones by default)."""
    return instances_of(session, None, process_id, status, article_id=article_id)


def retirement_running(session: Session, article_id: int) -> bool:
    """Whether a retirement request is in review."""
    return bool(article_instances(session, article_id, RETIRE_PROCESS))


def list_articles(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    unit: str | None = None,
    type: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[tuple[Article, ArticleVersion]], int]:
    """Articles the actor sees, newest change first, each with its shown version.

    The shown version is the published one, else the newest; `type` filters on it.
    """
    access.check_knowledge_reader(actor)
    newest = (
        select(ArticleVersion.article_id, func.max(ArticleVersion.id).label("version_id"))
        .group_by(ArticleVersion.article_id)
        .subquery()
    )
    shown = func.coalesce(Article.published_version_id, newest.c.version_id)
    query = (
        select(Article, ArticleVersion)
        .join(newest, newest.c.article_id == Article.id)
        .join(ArticleVersion, ArticleVersion.id == shown)
    )
    query = query.where(access.article_scope(actor))
    query = where_given(
        query, (Article.status, status), (Article.unit_code, unit), (ArticleVersion.type, type)
    )
    total = count_rows(session, query)
    rows = session.execute(
        paginate(query.order_by(Article.updated_at.desc(), Article.id.desc()), page, per_page)
    ).all()
    return [(article, version) for article, version in rows], total
