"""The workplace's 知识库 pages: search with the matches marked, articles, the editor, reviews.

Every read and write is the API's: `hotline.search.search` as GET /api/v1/knowledge/search,
`hotline.knowledge` as the article endpoints (create, update, submit, retire), the inbox's
task scope for review tasks. Review tasks are completed on the task page (/tasks/<id>),
where web.knowledge_panels shows the article under review.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, request

from api.schemas.knowledge import ArticleCreateSchema, ArticleUpdateSchema
from hotline import access, knowledge, search
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.models import Article, Unit
from hotline.statuses import ArticleStatus, VersionStatus
from web import knowledge_panels as knowledge_panels  # registers the review tasks' panels
from web import pages, session
from web.knowledge_pages import (
    ARTICLE_STATUS_LABELS,
    EVENT_LABELS,
    FIELD_LABELS,
    TASK_LABELS,
    TYPE_LABELS,
    VERSION_STATUS_LABELS,
    ArticleForm,
    changed_fields,
    check_query,
    domain_errors,
    form_values,
    group_label,
    label,
    local_time,
    marked,
    may_draft,
    read_form,
    review_tasks,
    units,
)

bp = Blueprint("web_knowledge", __name__)

NOT_WRITER = "只有条目所属单位、热线中心和管理员可以修改、提交或申请下架"

PER_PAGE = 20
LABELS = {
    "types": TYPE_LABELS,
    "article_statuses": ARTICLE_STATUS_LABELS,
    "version_statuses": VERSION_STATUS_LABELS,
    "events_labels": EVENT_LABELS,
    "fields": FIELD_LABELS,
    "task_labels": TASK_LABELS,
}
# What a page says after an action it redirected from (?done=…).
DONE = {
    "created": "草稿已保存。",
    "saved": "修改已保存。",
    "submitted": "已提交审核，等待本单位审核人审核。",
    "retire": "下架申请已提交，等待审核。",
}


def _page_number() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


def _render(template: str, status: int = 200, **context: Any) -> Response:
    helpers = {"label": label, "local_time": local_time, "group_label": group_label}
    return pages.render(template, status=status, active="knowledge", **helpers, **LABELS, **context)


@bp.route("/knowledge")
@pages.page_for("knowledge")
def index() -> Response:
    """知识库: search published articles (q) or browse the articles one may see."""
    actor = pages.signed_in_actor()
    args = request.args
    q = args.get("q", "").strip()
    filters = {
        "type": args.get("type") if args.get("type") in TYPE_LABELS else "",
        "unit": args.get("unit", "")[:32],
        "region": args.get("region", "").strip()[:100],
        "status": args.get("status") if args.get("status") in ARTICLE_STATUS_LABELS else "",
    }
    page = _page_number()
    context: dict[str, Any] = {"q": q, "filters": filters, "page": page, "per_page": PER_PAGE}
    error = check_query(q) if q else None
    with session.services().transaction() as db:
        context["units"] = units(db)
        if q and error is None:
            found = search.search(
                db,
                q,
                type=filters["type"] or None,
                unit=filters["unit"] or None,
                region=filters["region"] or None,
                page=page,
                per_page=PER_PAGE,
            )
            context["hits"] = [
                {
                    "id": hit.article.id,
                    "question": marked(hit.question_html),
                    "snippet": marked(hit.snippet),
                    "type": hit.version.type,
                    "unit_name": hit.unit_name or hit.article.unit_code,
                    "version": hit.version.version,
                    "published_at": hit.version.published_at,
                }
                for hit in found.hits
            ]
            context |= {"total": found.total, "words": found.words}
        elif not q:
            rows, total = knowledge.list_articles(
                db,
                actor,
                status=filters["status"] or None,
                unit=filters["unit"] or None,
                type=filters["type"] or None,
                page=page,
                per_page=PER_PAGE,
            )
            context |= {"articles": rows, "total": total}
    return _render(
        "knowledge/index.html",
        status=422 if error else 200,
        title="知识库",
        error=error,
        may_draft=may_draft(actor),
        unit_user=access.is_unit_user(actor),
        **context,
    )


@bp.route("/knowledge/<int(max=2147483647):article_id>")
@pages.page_for("knowledge")
def article(article_id: int) -> Response:
    """One article: the published text, the draft in progress, versions, history, actions."""
    actor = pages.signed_in_actor()
    with session.services().transaction() as db:
        try:
            found = knowledge.get_article(db, actor, article_id)
        except NotFound:
            # Another unit's article: what the public reads of it, when it is published.
            found, live = search.published_article(db, article_id)
            unit = db.get(Unit, found.unit_code)
            return _render(
                "knowledge/article.html",
                title=f"知识条目 {article_id}",
                article=found,
                unit_name=unit.name if unit else found.unit_code,
                published=live,
                public_only=True,
            )
        return _render(
            "knowledge/article.html",
            title=f"知识条目 {article_id}",
            done=DONE.get(request.args.get("done", "")),
            **_article_context(db, actor, found),
        )


def _article_context(db: Any, actor: Any, found: Article) -> dict[str, Any]:
    published = knowledge.published_version(db, found)
    draft = knowledge.pending_version(db, found.id)
    retiring = knowledge.retirement_running(db, found.id)
    writer = access.may_write_article(actor, found) and found.status != ArticleStatus.RETIRED
    editable = (
        writer and not retiring and (draft is None or draft.status != VersionStatus.IN_REVIEW)
    )
    versions = knowledge.versions_of(db, found.id)
    numbers = {v.id: v.version for v in versions}
    unit = db.get(Unit, found.unit_code)
    return {
        "article": found,
        "unit_name": unit.name if unit else found.unit_code,
        "published": published,
        "draft": draft,
        "versions": versions,
        "events": [
            (e, numbers.get(e.version_id) if e.version_id else None)
            for e in knowledge.article_events(db, found.id)
        ],
        "tasks": [
            (task, access.may_claim(actor, task.candidate_group))
            for task in knowledge.open_tasks(db, found.id)
        ],
        "may_edit": editable,
        "may_submit": editable and draft is not None,
        "may_retire": editable
        and found.status == ArticleStatus.PUBLISHED
        and (draft is None or draft.status != VersionStatus.IN_REVIEW),
        "retiring": retiring,
        "public_only": False,
    }


@bp.route("/knowledge/new", methods=["GET", "POST"])
@pages.page_for("knowledge")
def new() -> Response:
    """起草条目: a new article as a draft (POST /api/v1/knowledge/articles)."""
    actor = pages.signed_in_actor()
    if not may_draft(actor):
        return pages.error_page(403, "您的角色不编写知识条目")
    any_unit = access.edits_any_unit(actor)
    if request.method == "GET":
        form = ArticleForm(form_values(None, actor.unit_code), {})
        return _editor(form, None, any_unit)
    form, data = read_form(request.form, with_unit=any_unit)
    if form.valid:
        form.errors |= _schema_errors(ArticleCreateSchema(), data)
    if not form.valid:
        return _editor(form, None, any_unit, status=422)
    try:
        with session.services().transaction() as db:
            created = knowledge.create_article(db, actor, data)
            created_id = created.id
    except Invalid as exc:
        form.errors |= domain_errors(exc)
        return _editor(form, None, any_unit, status=422)
    return redirect(f"/knowledge/{created_id}?done=created", code=303)  # type: ignore[return-value]


@bp.route("/knowledge/<int(max=2147483647):article_id>/edit", methods=["GET", "POST"])
@pages.page_for("knowledge")
def edit(article_id: int) -> Response:
    """修改条目: the draft or rejected version in place, or a new draft of a published one
    (PUT /api/v1/knowledge/articles/<id>)."""
    actor = pages.signed_in_actor()
    with session.services().transaction() as db:
        found = knowledge.get_article(db, actor, article_id)
        context = _article_context(db, actor, found)
    base = context["draft"] or context["published"]
    if not context["may_edit"] or base is None:
        writer = access.may_write_article(actor, found)
        return pages.error_page(409 if writer else 403, _why_not_editable(context))
    if request.method == "GET":
        return _editor(ArticleForm(form_values(base), {}), found, False)
    form, data = read_form(request.form, with_unit=False)
    changed = changed_fields(data, base) if form.valid else {}
    if form.valid and not changed:
        form.errors["question"] = "没有任何修改"
    if form.valid:
        form.errors |= _schema_errors(ArticleUpdateSchema(), changed)
    if not form.valid:
        return _editor(form, found, False, status=422)
    try:
        with session.services().transaction() as db:
            knowledge.update_article(db, actor, article_id, changed)
    except Invalid as exc:
        form.errors |= domain_errors(exc)
        return _editor(form, found, False, status=422)
    return redirect(f"/knowledge/{article_id}?done=saved", code=303)  # type: ignore[return-value]


def _why_not_editable(context: dict[str, Any]) -> str:
    if context["article"].status == ArticleStatus.RETIRED:
        return "条目已下架，不能修改"
    if context["retiring"]:
        return "下架申请审核中，不能修改"
    if context["draft"] is not None and context["draft"].status == VersionStatus.IN_REVIEW:
        return "条目正在审核中，审核结束前不能修改"
    return NOT_WRITER


def _schema_errors(schema: Any, data: dict[str, Any]) -> dict[str, str]:
    """The API schema's verdict on what the form read (a backstop: the form checks the same
    limits in Chinese first), as Chinese messages per field."""
    wire = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}
    errors = schema.validate(wire)
    return {name: f"{label(FIELD_LABELS, name)}填写有误" for name in errors}


def _editor(
    form: ArticleForm, found: Article | None, any_unit: bool, status: int = 200
) -> Response:
    with session.services().transaction() as db:
        unit_list = [(c, f"{n}（{c}）") for c, n in units(db)] if any_unit else []
    return _render(
        "knowledge/editor.html",
        status=status,
        title="修改条目" if found else "起草条目",
        form=form,
        article=found,
        with_unit=any_unit,
        units=unit_list,
    )


@bp.route("/knowledge/<int(max=2147483647):article_id>/submit", methods=["POST"])
@pages.page_for("knowledge")
def submit(article_id: int) -> Response:
    """提交审核: starts knowledge_publish (POST …/articles/<id>/submit)."""
    actor = pages.signed_in_actor()
    try:
        with session.services().transaction() as db:
            knowledge.submit_article(db, session.services().runtime, actor, article_id)
    except Conflict:
        return pages.error_page(409, "这个条目没有可提交的草稿，或已在审核中")
    except Forbidden:
        return pages.error_page(403, NOT_WRITER)
    return redirect(f"/knowledge/{article_id}?done=submitted", code=303)  # type: ignore[return-value]


@bp.route("/knowledge/<int(max=2147483647):article_id>/retire", methods=["GET", "POST"])
@pages.page_for("knowledge")
def retire(article_id: int) -> Response:
    """申请下架: starts knowledge_retire with a reason (POST …/articles/<id>/retire)."""
    actor = pages.signed_in_actor()
    reason = request.form.get("reason", "").strip() if request.method == "POST" else ""
    error = None
    if request.method == "POST":
        if not reason:
            error = "请填写下架原因"
        elif len(reason) > 2000 or "\x00" in reason:
            error = "下架原因最多 2000 字"
        else:
            try:
                with session.services().transaction() as db:
                    knowledge.request_retirement(
                        db, session.services().runtime, actor, article_id, reason
                    )
            except Conflict:
                return pages.error_page(409, "只有已发布且没有审核在进行的条目可以申请下架")
            except Forbidden:
                return pages.error_page(403, NOT_WRITER)
            return redirect(f"/knowledge/{article_id}?done=retire", code=303)  # type: ignore[return-value]
    with session.services().transaction() as db:
        found = knowledge.get_article(db, actor, article_id)
        context = _article_context(db, actor, found)
    if not context["may_retire"]:
        return pages.error_page(409, "只有已发布且没有审核在进行的条目可以申请下架")
    return _render(
        "knowledge/retire.html",
        status=422 if error else 200,
        title="申请下架",
        article=found,
        published=context["published"],
        reason=reason,
        error=error,
    )


@bp.route("/knowledge/reviews")
@pages.page_for("knowledge")
def reviews() -> Response:
    """知识审核: the user's ready tasks of the knowledge processes, each to its task page."""
    actor = pages.signed_in_actor()
    page = _page_number()
    with session.services().transaction() as db:
        rows, total = review_tasks(db, actor, page, PER_PAGE)
    return _render(
        "knowledge/reviews.html",
        title="知识审核任务",
        rows=rows,
        total=total,
        page=page,
        per_page=PER_PAGE,
    )
