"""Knowledge articles (知识库): drafts, versions, submission and retirement requests.

An article's content lives in versions. At most one version is unpublished at a time
(draft, in_review or rejected); the published one stays visible until a newer version
passes both reviews in `knowledge_publish`, and retirement runs `knowledge_retire`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.directory import active_unit
from hotline.errors import Conflict, Forbidden, Invalid
from hotline.history import record_article_event
from hotline.knowledge_access import (  # noqa: F401  (re-exported)  # noqa: F401
    CONTENT_FIELDS,
    KEYWORD_SEPARATORS,
    MAX_KEYWORD_LENGTH,
    MAX_KEYWORDS,
    OUTDATED_FOLLOW_UP,
    PUBLISH_PROCESS,
    RETIRE_PROCESS,
    TYPES,
    _writable,
    article_events,
    article_instances,
    get_article,
    list_articles,
    open_tasks,
    pending_version,
    published_version,
    retirement_running,
    versions_of,
)
from hotline.models import (
    Article,
    ArticleVersion,
)
from hotline.statuses import ArticleStatus, VersionStatus
from hotline.workflows import WorkflowRuntime

# -- values ---------------------------------------------------------------------------------


def parse_keywords(value: Any) -> list[str]:
    """Keywords from a list or a text such as "社保, 医保、养老"; order kept, no repeats."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = KEYWORD_SEPARATORS.split(value)
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError("must be a list of strings or a comma-separated text")
    words = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError("every keyword must be a string")
        word = item.strip()
        if "\x00" in word:
            raise ValueError("must not contain NUL characters")
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValueError(f"a keyword has at most {MAX_KEYWORD_LENGTH} characters: {word!r}")
        if word:
            words.append(word)
    unique = list(dict.fromkeys(words))
    if len(unique) > MAX_KEYWORDS:
        raise ValueError(f"at most {MAX_KEYWORDS} keywords, got {len(unique)}")
    return unique


def today() -> date:
    """Today in Asia/Shanghai by the service clock."""
    return clock.now().astimezone(clock.SHANGHAI).date()


def months_after(day: date, months: int) -> date:
    """The same day `months` on (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def one_year_after(day: date) -> date:
    """The same day a year on (29 February becomes 28 February)."""
    return months_after(day, 12)


def default_review_date(
    published_on: date, valid_until: date | None, review_months: int = 12
) -> date:
    """Unset review date: the profile's review period after publication ([knowledge.review],
    a default not from any regulation: 12 months), or valid_until if that is sooner."""
    due = months_after(published_on, review_months)
    return min(valid_until, due) if valid_until is not None else due


def mark_published(article: Article, version: ArticleVersion, review_months: int = 12) -> date:
    """Make `version` the article's live one, with a review date if it has none; that date."""
    now = clock.now()
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    review_at = version.review_at
    if review_at is None:
        review_at = default_review_date(today(), version.valid_until, review_months)
        version.review_at = review_at
    article.status = ArticleStatus.PUBLISHED
    article.published_version_id = version.id
    article.updated_at = now
    return review_at


def policy_push_due(version: ArticleVersion, days: int) -> datetime:
    """When a new policy's article must be live (puyang 附件 四(一), 004_b7797ffbb60d21c4.txt:
    新政策一周内推送): `days` after the policy takes effect (valid_from, 00:00 Shanghai), or
    after the article was drafted when no date is given."""
    if version.valid_from is not None:
        start = datetime(*version.valid_from.timetuple()[:3], tzinfo=clock.SHANGHAI)
    else:
        start = version.created_at
    return start + timedelta(days=days)


def remind_at(day: date) -> str:
    """The review timer's ISO date: the start (00:00 Shanghai) of the review date."""
    return datetime(day.year, day.month, day.day, tzinfo=clock.SHANGHAI).isoformat()


def follow_up_at() -> str:
    """When an article found outdated is brought up again."""
    return (clock.now() + OUTDATED_FOLLOW_UP).isoformat()


def _check_dates(version: ArticleVersion, changed: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if version.valid_from and version.valid_until and version.valid_until < version.valid_from:
        errors["valid_until"] = [f"must not be before valid_from ({version.valid_from})"]
    if "review_at" in changed and version.review_at is not None and version.review_at < today():
        errors["review_at"] = [f"must not be in the past (today is {today()})"]
    if errors:
        raise Invalid("the article has invalid dates", fields=errors)


# -- writes ------------------------------------------------------------------------------------


def create_article(session: Session, actor: Actor, data: dict[str, Any]) -> Article:
    """A new article with draft version 1: units for themselves, the center for any unit."""
    unit = data.get("unit")
    if access.is_unit_user(actor):
        if unit and unit != actor.unit_code:
            raise Forbidden(f"a unit writes articles for itself ({actor.unit_code}), not {unit}")
        unit = actor.unit_code
    elif access.edits_any_unit(actor):
        if not unit:
            raise Invalid("say which unit owns the article", fields={"unit": ["required"]})
        if active_unit(session, unit) is None:
            raise Invalid(f"unit {unit!r} does not exist", fields={"unit": ["unknown unit"]})
    else:
        raise Forbidden(f"the {actor.role} role does not write knowledge articles")
    now = clock.now()
    article = Article(
        unit_code=unit,
        status=ArticleStatus.DRAFT,
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    session.flush()
    version = _new_version(article, 1, actor, data)
    _check_dates(version, data)
    session.add(version)
    session.flush()
    _event(session, article, version, "article_drafted", actor, unit=unit, type=version.type)
    return article


def update_article(
    session: Session, actor: Actor, article_id: int, data: dict[str, Any]
) -> Article:
    """Edit the unpublished version in place, or start a new draft from the published one.

    The published version stays as it is until the new one passes review; a version in
    review cannot be edited (409).
    """
    article = _writable(session, actor, article_id)
    version = pending_version(session, article.id)
    if version is not None and version.status == VersionStatus.IN_REVIEW:
        raise Conflict(f"version {version.version} of article {article_id} is in review")
    if version is None:
        published = published_version(session, article)
        if published is None:
            raise Conflict(f"article {article_id} has no version to edit")
        copied = {f: getattr(published, f) for f in CONTENT_FIELDS if f != "review_at"}
        version = _new_version(article, _next_number(session, article), actor, copied)
        kind = "version_drafted"
    else:
        kind = "version_edited"
    for name, value in data.items():
        setattr(version, name, value)
    _check_dates(version, data)
    session.add(version)
    article.updated_at = clock.now()
    session.flush()
    _event(session, article, version, kind, actor, fields=sorted(data))
    return article


def submit_article(
    session: Session, runtime: WorkflowRuntime, actor: Actor, article_id: int
) -> Article:
    """Send the unpublished version to review (`knowledge_publish`).

    A rejected version waiting in `revise` is resubmitted by completing that task.
    """
    article = _writable(session, actor, article_id)
    version = pending_version(session, article.id)
    if version is None:
        raise Conflict(f"article {article_id} has no draft to submit: edit it first")
    if version.status == VersionStatus.IN_REVIEW:
        raise Conflict(f"version {version.version} of article {article_id} is already in review")
    revise = [t for t in open_tasks(session, article.id) if t.task_id == "revise"]
    if version.status == VersionStatus.REJECTED and revise:
        runtime.complete_task(session, revise[0].id, {"resubmit": True}, actor)
        return article
    version.status = VersionStatus.IN_REVIEW
    version.submitted_at = clock.now()
    if article.status != ArticleStatus.PUBLISHED:
        article.status = ArticleStatus.IN_REVIEW
    article.updated_at = version.submitted_at
    _event(session, article, version, "article_submitted", actor)
    variables = {
        "article_id": article.id,
        "version_id": version.id,
        "unit": article.unit_code,
        "imported": False,
    }
    runtime.start(session, PUBLISH_PROCESS, actor=actor, article_id=article.id, variables=variables)
    return article


def request_retirement(
    session: Session, runtime: WorkflowRuntime, actor: Actor, article_id: int, reason: str
) -> Article:
    """Ask to retire a published article (`knowledge_retire`): unit reviewer, then center."""
    article = _writable(session, actor, article_id)
    if article.status != ArticleStatus.PUBLISHED:
        raise Conflict(f"article {article_id} is {article.status}; only published ones retire")
    version = pending_version(session, article.id)
    if version is not None and version.status == VersionStatus.IN_REVIEW:
        raise Conflict(f"version {version.version} of article {article_id} is in review")
    published = published_version(session, article)
    _event(session, article, published, "retirement_requested", actor, reason=reason)
    variables = {
        "article_id": article.id,
        "version_id": article.published_version_id,
        "unit": article.unit_code,
        "requested_by": actor.role,
    }
    runtime.start(session, RETIRE_PROCESS, actor=actor, article_id=article.id, variables=variables)
    article.updated_at = clock.now()
    return article


def end_publication(
    session: Session,
    runtime: WorkflowRuntime,
    actor: Actor,
    article_id: int,
    reason: str,
    keep: int,
) -> None:
    """Stop the article's other publish instances: waiting ones by message, others cancelled."""
    for instance in article_instances(session, article_id, PUBLISH_PROCESS):
        if instance.id == keep:
            continue
        payload = {"reason": reason}
        if not runtime.send_message(
            session, instance.id, "publication_ended", payload, actor=actor, required=False
        ):
            runtime.cancel(session, instance.id, actor, reason)


def _next_number(session: Session, article: Article) -> int:
    last = session.scalar(
        select(func.max(ArticleVersion.version)).where(ArticleVersion.article_id == article.id)
    )
    return (last or 0) + 1


def _new_version(
    article: Article, number: int, actor: Actor, data: dict[str, Any]
) -> ArticleVersion:
    return ArticleVersion(
        article_id=article.id,
        version=number,
        type=data["type"],
        question=data["question"],
        answer=data["answer"],
        keywords=list(data.get("keywords") or []),
        region=data.get("region"),
        valid_from=data.get("valid_from"),
        valid_until=data.get("valid_until"),
        review_at=data.get("review_at"),
        status=VersionStatus.DRAFT,
        created_by=actor.id,
        created_at=clock.now(),
    )


def _event(
    session: Session,
    article: Article,
    version: ArticleVersion | None,
    kind: str,
    actor: Actor,
    **data: Any,
) -> None:
    if version is not None:
        data = {"version": version.version, **data}
    record_article_event(
        session,
        article.id,
        kind,
        actor,
        data=data,
        version_id=version.id if version is not None else None,
    )
