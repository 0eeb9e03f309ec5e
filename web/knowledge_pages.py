"""What the 知识库 pages need besides their views: the article form read into the API's
fields with Chinese messages, search hits marked with <mark>, Chinese labels, the review
tasks of the knowledge processes, and a character diff of two versions.

Nothing here decides who may do what (hotline.access does) or changes data (hotline.knowledge
does, called by web/knowledge.py exactly as the API calls it).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from api.schemas.knowledge import MAX_ANSWER, MAX_QUESTION
from api.schemas.knowledge_search import Q_MAX
from hotline import access, clock
from hotline.actors import Actor
from hotline.errors import Invalid
from hotline.knowledge import PUBLISH_PROCESS, RETIRE_PROCESS, TYPES, parse_keywords
from hotline.knowledge_questions import QUESTION_PROCESS
from hotline.models import Article, ArticleVersion, Unit, UserTask
from hotline.paging import count_rows, paginate
from hotline.statuses import UNPUBLISHED_VERSION_STATUSES, UserTaskState

TYPE_LABELS = {
    "faq": "常见问题",
    "procedure": "办事流程",
    "policy": "政策法规",
    "organization": "机构信息",
}
ARTICLE_STATUS_LABELS = {
    "draft": "草稿",
    "in_review": "审核中",
    "published": "已发布",
    "retired": "已下架",
}
VERSION_STATUS_LABELS = {
    "draft": "草稿",
    "in_review": "审核中",
    "published": "已发布",
    "superseded": "已取代",
    "rejected": "已退回",
    "retired": "已下架",
}
EVENT_LABELS = {
    "article_drafted": "起草条目",
    "version_drafted": "起草新版本",
    "version_edited": "修改版本",
    "article_submitted": "提交审核",
    "article_rejected": "审核退回",
    "article_resubmitted": "重新提交",
    "submission_withdrawn": "撤回提交",
    "article_published": "发布",
    "version_superseded": "版本被取代",
    "article_review_due": "复核提醒",
    "article_review_confirmed": "复核确认有效",
    "article_outdated": "复核认定失效",
    "retirement_requested": "申请下架",
    "retirement_rejected": "下架申请被退回",
    "article_retired": "下架",
    "task_created": "生成任务",
    "task_completed": "完成任务",
    "task_cancelled": "任务取消",
    "question_answered": "答复知识提问",
}
FIELD_LABELS = {
    "question": "问题",
    "answer": "答案",
    "type": "类型",
    "keywords": "关键词",
    "region": "适用区域",
    "valid_from": "生效日期",
    "valid_until": "失效日期",
    "review_at": "复核日期",
    "unit": "所属单位",
}
TASK_LABELS = {
    "unit_review": "单位审核",
    "center_review": "中心审核",
    "revise": "修改条目",
    "review_article": "复核条目",
    "answer_question": "补充知识条目",
    "publish": "发布",
    "reject": "审核退回",
    "resubmit": "重新提交",
    "withdraw": "撤回",
    "retire": "下架",
    "remind_review": "复核提醒",
    "record_review": "记录复核",
}
KNOWLEDGE_PROCESSES = (PUBLISH_PROCESS, RETIRE_PROCESS, QUESTION_PROCESS)
MAX_REGION = 100
DATE_FIELDS = ("valid_from", "valid_until", "review_at")
# What the domain's own checks (hotline.knowledge) say, per field, in Chinese.
DOMAIN_MESSAGES = {
    "valid_until": "失效日期不能早于生效日期",
    "review_at": "复核日期不能早于今天",
    "unit": "请选择存在的单位",
}


def label(table: dict[str, str], key: str | None) -> str:
    """The Chinese label of `key`, or the key itself when there is none."""
    return table.get(key or "", key or "")


def group_label(candidate_group: str | None) -> str:
    """Who a task is offered to, in Chinese: "unit_reviewer:ZJJ" is ZJJ 审核人."""
    names = []
    for group in (candidate_group or "").replace(" ", "").split(","):
        kind, _, unit = group.partition(":")
        if kind == "unit_reviewer":
            names.append(f"{unit} 审核人")
        elif kind == "unit":
            names.append(unit)
        elif kind == "center":
            names.append("热线中心")
        elif group:
            names.append(group)
    return "、".join(names)


# -- the article form --------------------------------------------------------------------------


@dataclass
class ArticleForm:
    """The editor's fields as typed (to show them again) and the errors per field."""

    values: dict[str, str]
    errors: dict[str, str]

    @property
    def valid(self) -> bool:
        """Whether every field passed."""
        return not self.errors


def form_values(version: ArticleVersion | None, unit: str | None = None) -> dict[str, str]:
    """The editor's fields filled from a version (or empty for a new article)."""
    if version is None:
        return {"type": "faq", "unit": unit or ""}
    return {
        "question": version.question,
        "answer": version.answer,
        "type": version.type,
        "keywords": "，".join(version.keywords or []),
        "region": version.region or "",
        "valid_from": version.valid_from.isoformat() if version.valid_from else "",
        "valid_until": version.valid_until.isoformat() if version.valid_until else "",
        "review_at": version.review_at.isoformat() if version.review_at else "",
        "unit": unit or "",
    }


def read_form(posted: MultiDict[str, str], *, with_unit: bool) -> tuple[ArticleForm, dict]:
    """The posted editor form checked field by field (the API schema's limits), in Chinese;
    with the data for `hotline.knowledge` when valid."""
    names = [*FIELD_LABELS] if with_unit else [n for n in FIELD_LABELS if n != "unit"]
    values = {name: posted.get(name, "") for name in names}
    errors: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name, value in values.items():
        if "\x00" in value:
            errors[name] = f"{FIELD_LABELS[name]}含有无效字符"
    question, answer = values["question"].strip(), values["answer"].strip()
    if not question:
        errors.setdefault("question", "请填写问题")
    elif len(values["question"]) > MAX_QUESTION:
        errors.setdefault("question", f"问题最多 {MAX_QUESTION} 字")
    if not answer:
        errors.setdefault("answer", "请填写答案")
    elif len(values["answer"]) > MAX_ANSWER:
        errors.setdefault("answer", f"答案最多 {MAX_ANSWER} 字")
    if values["type"] not in TYPES:
        errors.setdefault("type", "请选择类型")
    try:
        data["keywords"] = parse_keywords(values["keywords"])
    except ValueError:
        errors.setdefault("keywords", "关键词最多 20 个、每个最多 40 字，用逗号或顿号分隔")
    region = values["region"].strip()
    if len(region) > MAX_REGION:
        errors.setdefault("region", f"适用区域最多 {MAX_REGION} 字")
    for name in DATE_FIELDS:
        text = values[name].strip()
        try:
            data[name] = date.fromisoformat(text) if text else None
        except ValueError:
            errors.setdefault(name, f"{FIELD_LABELS[name]}应为日期，如 2026-12-31")
    start, end = data.get("valid_from"), data.get("valid_until")
    if start and end and end < start:
        errors.setdefault("valid_until", DOMAIN_MESSAGES["valid_until"])
    if with_unit and not values["unit"].strip():
        errors.setdefault("unit", "请选择所属单位")
    # The API keeps the text as sent; only blank optional fields become empty.
    data |= {"question": values["question"], "answer": values["answer"], "type": values["type"]}
    data["region"] = region or None
    if with_unit:
        data["unit"] = values["unit"].strip()
    return ArticleForm(values, errors), data


def domain_errors(exc: Invalid) -> dict[str, str]:
    """The Chinese messages of an Invalid raised by hotline.knowledge, per field."""
    fields = exc.fields or {}
    out = {
        name: DOMAIN_MESSAGES.get(name, f"{label(FIELD_LABELS, name)}填写有误") for name in fields
    }
    return out or {"question": "内容填写有误"}


def changed_fields(data: dict[str, Any], version: ArticleVersion) -> dict[str, Any]:
    """The fields of `data` that differ from `version` (an edit sends only those, like PUT)."""
    return {name: value for name, value in data.items() if getattr(version, name) != value}


# -- search hits --------------------------------------------------------------------------------


def marked(escaped_html: str) -> Markup:
    """A hit's question_html or snippet with its <em> as <mark>.

    hotline.search escapes all of the article's text (html.escape: <, >, &, quotes) and adds
    only <em>…</em> itself, so these two tags are the only markup in it.
    """
    return Markup(escaped_html.replace("<em>", "<mark>").replace("</em>", "</mark>"))


def check_query(q: str) -> str | None:
    """The Chinese message for a search text the API would refuse, or None."""
    if len(q) > Q_MAX:
        return f"检索内容最多 {Q_MAX} 字"
    if "\x00" in q:
        return "检索内容含有无效字符"
    return None


def units(session: Session) -> list[tuple[str, str]]:
    """Active units as (code, name), for the unit pick-lists."""
    rows = session.execute(
        select(Unit.code, Unit.name).where(Unit.active.is_(True)).order_by(Unit.code)
    )
    return [(code, name) for code, name in rows]


def may_draft(actor: Actor) -> bool:
    """Whether the actor drafts articles at all (hotline.knowledge.create_article's rule)."""
    return access.is_unit_user(actor) or access.edits_any_unit(actor)


# -- review tasks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One ready task of a knowledge process offered to the user, with the article's text."""

    task: UserTask
    article: Article | None
    version: ArticleVersion | None


def review_tasks(
    session: Session, actor: Actor, page: int, per_page: int
) -> tuple[list[ReviewRow], int]:
    """The actor's ready tasks of the knowledge processes, oldest first: the inbox's rows
    (hotline.inbox, access.task_scope) kept to those processes."""
    query = (
        select(UserTask, Article)
        .outerjoin(Article, Article.id == UserTask.article_id)
        .where(access.task_scope(actor))
        .where(UserTask.state == UserTaskState.READY)
        .where(UserTask.process_id.in_(KNOWLEDGE_PROCESSES))
    )
    total = count_rows(session, query)
    ordered = query.order_by(UserTask.created_at, UserTask.id)
    rows = session.execute(paginate(ordered, page, per_page)).all()
    shown = _shown_versions(session, [a for _, a in rows if a is not None])
    out = []
    for task, article in rows:
        version = None
        if article is not None:
            pending, published = shown.get(article.id, (None, None))
            # A retirement or a periodic review is about the live text, a submission its draft.
            wants_live = task.process_id == RETIRE_PROCESS or task.task_id == "review_article"
            version = (published or pending) if wants_live else (pending or published)
        out.append(ReviewRow(task, article, version))
    return out, total


def _shown_versions(
    session: Session, articles: list[Article]
) -> dict[int, tuple[ArticleVersion | None, ArticleVersion | None]]:
    """(pending, published) version of each article, in one query."""
    if not articles:
        return {}
    ids = [a.id for a in articles]
    live = [a.published_version_id for a in articles if a.published_version_id is not None]
    found = session.scalars(
        select(ArticleVersion).where(
            ArticleVersion.article_id.in_(ids),
            ArticleVersion.status.in_(UNPUBLISHED_VERSION_STATUSES) | ArticleVersion.id.in_(live),
        )
    )
    pending: dict[int, ArticleVersion] = {}
    published: dict[int, ArticleVersion] = {}
    for version in found:
        (published if version.id in live else pending)[version.article_id] = version
    return {i: (pending.get(i), published.get(i)) for i in ids}


# -- comparing versions -------------------------------------------------------------------------

DIFF_LIMIT = 4000  # characters per side: beyond it a character diff costs more than it shows


def text_diff(before: str, after: str) -> Markup | None:
    """`after` with what changed from `before` in <del>/<ins> (escaped), or None when the
    texts are too long to compare cheaply."""
    if len(before) > DIFF_LIMIT or len(after) > DIFF_LIMIT:
        return None
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape(after[b1:b2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(before[a1:a2])}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return Markup("".join(parts))


def local_time(value: datetime | None) -> str:
    """A stored (UTC) time as Shanghai wall time, "2026-11-23 09:00"."""
    if value is None:
        return ""
    return value.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
