"""Knowledge questions (知识提问): the center asks a unit, the unit answers with an article.

guangxi 第二十九条(二) (002_74be2da07faa6da0.txt): 12345 热线可主动向成员单位发起知识提问，
成员单位应在 3 个工作日内补充完善知识库. The limit comes from the profile's `[knowledge]`;
`bpmn/knowledge_question.bpmn` runs the unit's task, its deadline and the urge. Also here:
which articles may answer a question, and which may be cited when a ticket is answered
directly (直办). Plain functions over a session.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.calendar import WorkingCalendar
from hotline.deadlines import apply_limit
from hotline.directory import active_unit
from hotline.errors import Forbidden, Invalid, NotFound
from hotline.history import record_article_event
from hotline.knowledge import today
from hotline.models import Article, ArticleVersion, KnowledgeQuestion, UserTask
from hotline.paging import count_rows, paginate, where_given
from hotline.policy import Profile
from hotline.policy.knowledge import knowledge_of
from hotline.statuses import (
    ANSWERING_VERSION_STATUSES,
    ArticleStatus,
    QuestionStatus,
    UserTaskState,
)
from hotline.workflows import WorkflowRuntime

QUESTION_PROCESS = "knowledge_question"
# A submitted (in review) or published version may answer a question.
# A direct answer cites a handful of articles, never hundreds.
MAX_CITED = 20
ID_SEPARATORS = re.compile(r"[\s,，、;；]+")
# Ids are 32-bit integers; a larger number names no article (and PostgreSQL would refuse it).
MAX_ID = 2**31 - 1


# -- asking ---------------------------------------------------------------------------------


def question_due_at(session: Session, profile: Profile, asked_at: datetime) -> datetime:
    """When an answer is due: the profile's question limit from the moment of asking."""
    limit = knowledge_of(profile).question_limit
    return apply_limit(WorkingCalendar.load(session), limit, asked_at).at


def ask(
    session: Session, runtime: WorkflowRuntime, actor: Actor, *, unit: str, question: str
) -> KnowledgeQuestion:
    """The center asks `unit` a question; the unit's answer task starts with its deadline."""
    if not access.may_ask_question(actor):
        raise Forbidden("only the center asks units knowledge questions")
    if active_unit(session, unit) is None:
        raise Invalid(
            f"unit {unit!r} does not exist or is inactive",
            fields={"unit": [f"unit {unit!r} does not exist or is inactive"]},
        )
    now = clock.now()
    row = KnowledgeQuestion(
        unit_code=unit,
        question=question,
        status=QuestionStatus.OPEN,
        overdue=False,
        due_at=question_due_at(session, runtime.profile, now),
        asked_by=actor.id,
        asked_at=now,
    )
    session.add(row)
    session.flush()
    variables = {"question_id": row.id, "unit": unit, "answer_due_at": row.due_at.isoformat()}
    instance = runtime.start(session, QUESTION_PROCESS, actor=actor, variables=variables)
    row.instance_id = instance.id
    session.flush()
    return row


# -- which articles answer --------------------------------------------------------------------


def latest_version(session: Session, article_id: int) -> ArticleVersion | None:
    """The article's newest version (the one being edited, reviewed or published)."""
    return session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.version.desc())
        .limit(1)
    ).first()


def answer_refusal(session: Session, unit: str, article_id: int) -> str | None:
    """Why article `article_id` cannot answer a question to `unit`, or None when it can.

    It must be the unit's own, not retired, and submitted for review or published: a
    published article whose newer draft is still being edited answers with its published text.
    """
    article = session.get(Article, article_id) if 0 < article_id <= MAX_ID else None
    if article is None:
        return f"article {article_id} does not exist"
    if article.unit_code != unit:
        return f"article {article_id} belongs to {article.unit_code}, not to {unit}"
    if article.status == ArticleStatus.RETIRED:
        return f"article {article_id} is retired"
    latest = latest_version(session, article_id)
    if article.status == ArticleStatus.PUBLISHED or (
        latest is not None and latest.status in ANSWERING_VERSION_STATUSES
    ):
        return None
    state = latest.status if latest is not None else "empty"
    return f"article {article_id} is {state}: submit it for review first"


def parse_article_ids(value: Any) -> list[int]:
    """Article ids from "3, 5" (or "3，5", "3、5"); order kept, no repeats; ValueError if bad."""
    items = value if isinstance(value, list) else ID_SEPARATORS.split(str(value or ""))
    ids: list[int] = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if not item.isascii() or not item.isdigit() or not 0 < int(item) <= MAX_ID:
            raise ValueError(f"{item!r} is not an article id")
        if int(item) not in ids:
            ids.append(int(item))
    if len(ids) > MAX_CITED:
        raise ValueError(f"at most {MAX_CITED} articles, got {len(ids)}")
    return ids


def published_articles(
    session: Session, ids: list[int]
) -> tuple[list[tuple[Article, ArticleVersion]], list[str]]:
    """The published articles (with their published versions) among `ids`, and messages for
    every id that is unknown or not published (draft, in review, retired)."""
    found: list[tuple[Article, ArticleVersion]] = []
    problems: list[str] = []
    for article_id in ids:
        article = session.get(Article, article_id)
        if article is None:
            problems.append(f"article {article_id} does not exist")
            continue
        version = (
            session.get(ArticleVersion, article.published_version_id)
            if article.published_version_id is not None
            else None
        )
        if article.status != ArticleStatus.PUBLISHED or version is None:
            problems.append(f"article {article_id} is {article.status}, not published")
            continue
        day = today()
        if (version.valid_from and version.valid_from > day) or (
            version.valid_until and version.valid_until < day
        ):
            problems.append(f"article {article_id} is not valid today")
            continue
        found.append((article, version))
    return found, problems


# -- the process's steps ----------------------------------------------------------------------


def get_for_process(session: Session, question_id: int) -> KnowledgeQuestion:
    """The question a knowledge_question instance runs for (the instance lock guards it)."""
    row = session.get(KnowledgeQuestion, question_id)
    if row is None:
        raise LookupError(f"knowledge question {question_id} not found")
    return row


def mark_overdue(question: KnowledgeQuestion) -> bool:
    """The deadline passed unanswered: flag it overdue and urge the unit, once."""
    if question.status != QuestionStatus.OPEN or question.urged_at is not None:
        return False
    question.overdue = True
    question.urged_at = clock.now()
    return True


def mark_answered(
    session: Session, question: KnowledgeQuestion, article_id: int, actor: Actor, task: str
) -> None:
    """The unit answered with `article_id`; the article's history records the question."""
    now = clock.now()
    question.status = QuestionStatus.ANSWERED
    question.article_id = article_id
    question.answered_at = now
    latest = latest_version(session, article_id)
    record_article_event(
        session,
        article_id,
        "question_answered",
        actor,
        task=task,
        version_id=latest.id if latest is not None else None,
        data={
            "question_id": question.id,
            "question": question.question,
            "unit": question.unit_code,
            "asked_at": question.asked_at,
            "due_at": question.due_at,
            "overdue": question.overdue,
            "urged_at": question.urged_at,
        },
    )


# -- reading ----------------------------------------------------------------------------------


def visible_questions(actor: Actor) -> Select[tuple[KnowledgeQuestion]]:
    """Questions the actor may read (`access.question_scope`); Forbidden for other roles."""
    return select(KnowledgeQuestion).where(access.question_scope(actor))


def list_questions(
    session: Session,
    actor: Actor,
    *,
    unit: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[KnowledgeQuestion], int]:
    """A page of visible questions, newest first, and the total count."""
    if not access.may_filter_unit(actor, unit):
        raise Forbidden("a unit sees only the questions asked of itself")
    query = visible_questions(actor)
    query = where_given(
        query, (KnowledgeQuestion.unit_code, unit), (KnowledgeQuestion.status, status)
    )
    if overdue is not None:
        query = query.where(KnowledgeQuestion.overdue.is_(overdue))
    total = count_rows(session, query)
    rows = session.scalars(
        paginate(
            query.order_by(KnowledgeQuestion.asked_at.desc(), KnowledgeQuestion.id.desc()),
            page,
            per_page,
        )
    )
    return list(rows), total


def get_question(session: Session, actor: Actor, question_id: int) -> KnowledgeQuestion:
    """One visible question; NotFound when it does not exist or is another unit's."""
    query = visible_questions(actor).where(KnowledgeQuestion.id == question_id)
    row = session.scalars(query).first() if 0 < question_id <= MAX_ID else None
    if row is None:
        raise NotFound(f"knowledge question {question_id} not found")
    return row


def open_task_id(session: Session, question: KnowledgeQuestion) -> str | None:
    """The id of the unit's ready answer task (complete it via /api/v1/tasks), if any."""
    if question.instance_id is None:
        return None
    return session.scalar(
        select(UserTask.id)
        .where(UserTask.instance_id == question.instance_id, UserTask.state == UserTaskState.READY)
        .order_by(UserTask.created_at)
        .limit(1)
    )
