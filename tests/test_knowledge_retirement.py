"""Retiring knowledge articles (下架, knowledge_retire) over HTTP, guangyuan 第十七条.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai; it moves only through POST /api/v1/admin/clock.
ZJJ's editor is the demo unit user; its reviewer (审核人) is a unit user with `reviewer`.
"""

from __future__ import annotations

from tests.helpers.knowledge import APPROVE, URL, Kb


def test_retirement_approved_by_both_levels(kb: Kb) -> None:
    """下架: the editor asks, the unit's reviewer and the center approve; the article retires."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.act(kb.editor, article_id, "retire", json={}, expect=422)
    asked = kb.act(kb.editor, article_id, "retire", json={"reason": "政策已废止"})
    assert asked["status"] == "published"  # still visible while the request is reviewed
    assert asked["retirement"]["status"] == "in_review"
    kb.act(kb.editor, article_id, "retire", json={"reason": "again"}, expect=409)
    kb.edit(article_id, {"answer": "改"}, expect=409)
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    article = kb.article(article_id)
    assert (article["status"], article["published"]) == ("retired", None)
    assert article["retired_at"] is not None
    assert article["versions"][0]["status"] == "retired"
    assert article["retirement"]["status"] == "approved"
    assert "article_retired" in kb.kinds(article_id)
    retired = kb.h.operator.get(f"{URL}?status=retired").json["items"]
    assert [a["id"] for a in retired] == [article_id]
    kb.edit(article_id, {"answer": "改"}, expect=409)
    # No review reminder for a retired article.
    kb.move_clock("2027-11-23 00:01")
    assert kb.task(kb.editor, article_id, "review_article") is None


def test_rejected_retirement_keeps_the_article_published(kb: Kb) -> None:
    """The center refuses; the article stays published and the requester reads why."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.act(kb.editor, article_id, "retire", json={"reason": "不再适用"})
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(
        kb.h.center, article_id, "center_review", {"approved": False, "comment": "仍有来电咨询"}
    )
    article = kb.article(article_id, kb.editor)
    assert (article["status"], article["published"]["status"]) == ("published", "published")
    assert article["retirement"] == {
        **article["retirement"],
        "status": "rejected",
        "level": "center",
        "comment": "仍有来电咨询",
    }
    # It can be edited again, and asked to retire again.
    assert kb.edit(article_id, {"region": "全市"})["draft"]["version"] == 2


def test_center_requested_retirement(kb: Kb) -> None:
    """The center may ask to retire a unit's article; the unit's reviewer and the center decide."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.act(kb.h.center, article_id, "retire", json={"reason": "与新政策冲突"})
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "仍然有效"})
    article = kb.article(article_id)
    assert (article["status"], article["retirement"]["comment"]) == ("published", "仍然有效")
    assert article["retirement"]["level"] == "unit"
    kb.act(kb.h.center, article_id, "retire", json={"reason": "政策已于12月废止"})
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    # Who asked may not approve too (采集与审核分离): another center user or an admin does.
    kb.complete(kb.h.center, article_id, "center_review", APPROVE, expect=422)
    kb.complete(kb.h.admin, article_id, "center_review", APPROVE)
    assert kb.article(article_id)["status"] == "retired"


def test_retirement_drops_the_draft_in_progress(kb: Kb) -> None:
    """A rejected new version waiting in `revise` is dropped when the article retires."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    kb.edit(article_id, {"answer": "第二版"})
    kb.act(kb.editor, article_id, "submit")
    kb.act(kb.editor, article_id, "retire", json={"reason": "x"}, expect=409)  # v2 in review
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "不必修改"})
    kb.act(kb.editor, article_id, "retire", json={"reason": "整体下架"})
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    article = kb.article(article_id)
    assert {v["version"]: v["status"] for v in article["versions"]} == {
        2: "retired",
        1: "retired",
    }
    assert (article["draft"], article["tasks"]) == (None, [])
    assert kb.task(kb.editor, article_id, "revise") is None
    kb.act(kb.editor, article_id, "submit", expect=409)
