"""The article under review, next to the form of a knowledge review task on the task page.

Publishing tasks show the version submitted and, when the article is already published,
what it changes in the live text; retirement and periodic reviews show the live text and
the reason given. Registered with web.task_panels; imported by web.knowledge.
"""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from hotline import access, knowledge
from hotline.knowledge import PUBLISH_PROCESS, RETIRE_PROCESS
from hotline.models import Article, ArticleVersion, Unit
from web.knowledge_pages import FIELD_LABELS, TYPE_LABELS, VERSION_STATUS_LABELS, text_diff
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
