"""Knowledge articles over HTTP: versions and knowledge_publish on every path, who may do
what, review dates, bad input. Retirement (knowledge_retire) is in test_knowledge_retirement.py.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai; it moves only through POST /api/v1/admin/clock.
ZJJ's editor is the demo unit user; its reviewer (审核人) is a unit user with `reviewer`.
"""

from __future__ import annotations

import pytest

from tests.conftest import Caller, Hotline
from tests.helpers.knowledge import APPROVE, ARTICLE, URL, Kb


def test_article_is_published_after_both_approvals(kb: Kb) -> None:
    """采集—审核—发布: draft → unit reviewer → center → published, each step in the history."""
    created = kb.create()
    article_id = created["id"]
    assert (created["status"], created["unit"]) == ("draft", "ZJJ")
    assert created["draft"]["keywords"] == ["公租房", "住房保障", "申请材料"]
    assert created["published"] is None
    submitted = kb.act(kb.editor, article_id, "submit")
    assert (submitted["status"], submitted["draft"]["status"]) == ("in_review", "in_review")
    # The editor sees the article but the review is the reviewer's.
    assert kb.task(kb.editor, article_id, "unit_review") is None
    task = kb.task(kb.reviewer, article_id, "unit_review")
    assert task["ticket_number"] is None and task["process_id"] == "knowledge_publish"
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": True, "comment": "内容准确"})
    assert kb.task(kb.h.center, article_id, "center_review")
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    article = kb.article(article_id)
    assert article["status"] == "published"
    assert article["published"]["version"] == 1 and article["published"]["status"] == "published"
    assert article["published_version_id"] == article["published"]["id"]
    assert article["published"]["published_at"] is not None
    assert article["published"]["review_at"] == "2027-11-23"  # a year after publication
    assert article["draft"] is None and article["tasks"] == []
    kinds = kb.kinds(article_id)
    assert kinds.index("article_drafted") < kinds.index("article_submitted")
    assert kinds.index("article_submitted") < kinds.index("article_published")
    completed = [e for e in article["events"] if e["kind"] == "task_completed"]
    assert [(e["task"], e["actor"]) for e in completed] == [
        ("unit_review", "zjj-knowledge-reviewer"),
        ("center_review", "demo-center"),
    ]
    # The operator answering calls finds it in the list.
    listed = kb.h.operator.get(f"{URL}?status=published").json["items"]
    assert [(a["id"], a["current"]["question"]) for a in listed] == [
        (article_id, ARTICLE["question"])
    ]


def test_unit_rejection_goes_back_to_the_editor_with_the_comment(kb: Kb) -> None:
    """The unit's reviewer sends it back; the editor revises in place and resubmits."""
    article_id = kb.create()["id"]
    kb.act(kb.editor, article_id, "submit")
    response = kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False}, 422)
    assert "comment" in response.json["error"]["fields"]
    kb.complete(
        kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "缺少收入标准"}
    )
    article = kb.article(article_id, kb.editor)
    assert article["status"] == "draft"
    assert (article["draft"]["status"], article["draft"]["comment"]) == ("rejected", "缺少收入标准")
    rejected = [e for e in article["events"] if e["kind"] == "article_rejected"]
    assert (
        rejected[0]["data"]["level"] == "unit" and rejected[0]["actor"] == "zjj-knowledge-reviewer"
    )
    assert kb.task(kb.h.center, article_id, "center_review") is None
    edited = kb.edit(article_id, {"answer": ARTICLE["answer"] + "家庭人均月收入低于2000元。"})
    assert edited["draft"]["version"] == 1  # edited in place
    assert [v["version"] for v in edited["versions"]] == [1]
    kb.complete(kb.editor, article_id, "revise", {"resubmit": True, "note": "已补充收入标准"})
    assert kb.article(article_id)["draft"]["status"] == "in_review"
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    article = kb.article(article_id)
    assert article["status"] == "published"
    assert article["published"]["answer"].endswith("2000元。")
    assert "article_resubmitted" in kb.kinds(article_id)


def test_center_rejection_goes_back_and_submit_resubmits(kb: Kb) -> None:
    """The center sends it back; POST /submit after the edit completes `revise` for the editor."""
    article_id = kb.create()["id"]
    kb.act(kb.editor, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(
        kb.h.center, article_id, "center_review", {"approved": False, "comment": "答复过旧"}
    )
    article = kb.article(article_id, kb.editor)
    assert article["draft"]["comment"] == "答复过旧"
    rejected = [e for e in article["events"] if e["kind"] == "article_rejected"]
    assert (rejected[0]["data"]["level"], rejected[0]["actor"]) == ("center", "demo-center")
    assert kb.task(kb.editor, article_id, "revise")
    kb.edit(article_id, {"answer": "以最新政策为准：身份证、户口簿、收入证明。"})
    kb.act(kb.editor, article_id, "submit")
    assert kb.task(kb.editor, article_id, "revise") is None
    assert kb.task(kb.reviewer, article_id, "unit_review")  # back to the unit's reviewer first
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    assert kb.article(article_id)["published"]["answer"].startswith("以最新政策为准")


def test_withdrawn_submission_is_a_draft_again(kb: Kb) -> None:
    """Withdrawing at `revise` ends the review; a later submit starts a new one."""
    article_id = kb.create()["id"]
    kb.act(kb.editor, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", {"approved": False, "comment": "暂缓"})
    kb.complete(kb.editor, article_id, "revise", {"resubmit": False})
    article = kb.article(article_id)
    assert (article["status"], article["draft"]["status"], article["tasks"]) == (
        "draft",
        "draft",
        [],
    )
    assert "submission_withdrawn" in kb.kinds(article_id)
    assert kb.publish(article_id)["status"] == "published"


def test_published_version_stays_until_the_new_one_is_approved(kb: Kb) -> None:
    """Editing a published article drafts version 2; version 1 stays visible until 2 passes."""
    article_id = kb.create()["id"]
    kb.publish(article_id)
    edited = kb.edit(article_id, {"answer": "新版答复：可在政务服务网上申请。", "review_at": None})
    assert (edited["status"], edited["published"]["version"]) == ("published", 1)
    assert (edited["draft"]["version"], edited["draft"]["status"]) == (2, "draft")
    assert edited["draft"]["question"] == ARTICLE["question"]  # copied from version 1
    again = kb.edit(article_id, {"keywords": ["公租房", "网上申请"]})
    assert [v["version"] for v in again["versions"]] == [2, 1]  # one unpublished version at most
    kb.act(kb.editor, article_id, "submit")
    kb.edit(article_id, {"answer": "再改"}, expect=409)  # in review: no second draft
    kb.act(kb.editor, article_id, "submit", expect=409)
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    seen = kb.h.operator.get(f"{URL}/{article_id}").json
    assert (seen["status"], seen["published"]["version"]) == ("published", 1)
    assert seen["published"]["answer"] == ARTICLE["answer"]
    listed = kb.h.operator.get(URL).json["items"]
    assert listed[0]["current"]["version"] == 1
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    article = kb.article(article_id)
    assert article["published"]["version"] == 2
    assert article["published"]["keywords"] == ["公租房", "网上申请"]
    assert {v["version"]: v["status"] for v in article["versions"]} == {
        2: "published",
        1: "superseded",
    }
    assert "version_superseded" in kb.kinds(article_id)
    # Version 1's wait for its review date ended: one reminder comes, for version 2.
    kb.move_clock("2027-11-23 00:01")
    reminders = [e for e in kb.article(article_id)["events"] if e["kind"] == "article_review_due"]
    assert [e["version"] for e in reminders] == [2]


def test_nobody_approves_what_they_wrote(kb: Kb) -> None:
    """The unit's reviewer who drafted and submitted a version may not approve it as well; an
    admin (or another reviewer of the unit) does, then the center."""
    article_id = kb.create(caller=kb.reviewer)["id"]
    kb.act(kb.reviewer, article_id, "submit")
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE, expect=422)
    kb.complete(kb.h.admin, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    assert kb.article(article_id)["status"] == "published"


def test_who_may_do_what(kb: Kb) -> None:
    """Other units neither see nor touch ZJJ's articles; reviews belong to the reviewers."""
    h = kb.h
    article_id = kb.create()["id"]
    assert h.other_unit.get(f"{URL}/{article_id}").status_code == 404
    assert h.other_unit.get(URL).json["items"] == []
    kb.edit(article_id, {"answer": "x"}, expect=404, caller=h.other_unit)
    kb.act(h.other_unit, article_id, "submit", expect=404)
    assert h.operator.post(URL, json={**ARTICLE, "unit": "ZJJ"}).status_code == 403
    assert h.unit.post(URL, json={**ARTICLE, "unit": "LZQ"}).status_code == 403
    assert h.leader.get(URL).status_code == 403
    response = h.center.post(URL, json=ARTICLE)
    assert response.status_code == 422 and "unit" in response.json["error"]["fields"]
    by_center = kb.create(h.center, unit="LZQ")
    assert (by_center["unit"], by_center["status"]) == ("LZQ", "draft")
    kb.act(kb.editor, article_id, "submit")
    task = kb.task(kb.reviewer, article_id, "unit_review")
    for caller in (kb.editor, kb.other_reviewer, h.operator):
        complete = caller.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPROVE})
        assert complete.status_code in (403, 404), complete.json
    forbidden = kb.editor.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": APPROVE})
    assert forbidden.status_code == 403
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    center_task = kb.task(h.center, article_id, "center_review")
    assert (
        kb.reviewer.post(
            f"/api/v1/tasks/{center_task['id']}/complete", json={"data": APPROVE}
        ).status_code
        == 403
    )
    kb.complete(h.center, article_id, "center_review", APPROVE)
    kb.act(h.other_unit, article_id, "retire", json={"reason": "x"}, expect=404)
    kb.act(h.operator, article_id, "retire", json={"reason": "x"}, expect=403)


def test_review_date_reminds_the_owner(kb: Kb) -> None:
    """Past its review date the unit confirms or flags the article; a retirement ends it."""
    article_id = kb.create(review_at="2026-12-10")["id"]
    kb.publish(article_id)
    assert kb.move_clock("2026-12-09 23:59") == 0
    assert kb.task(kb.editor, article_id, "review_article") is None
    assert kb.move_clock("2026-12-10 00:01") == 1
    assert kb.task(kb.editor, article_id, "review_article")
    assert "article_review_due" in kb.kinds(article_id)
    kb.complete(kb.editor, article_id, "review_article", {"still_valid": True})
    assert kb.article(article_id)["published"]["review_at"] == "2027-12-10"
    assert kb.move_clock("2027-12-09 12:00") == 0
    kb.move_clock("2027-12-10 00:01")
    response = kb.complete(kb.editor, article_id, "review_article", {"still_valid": False}, 422)
    assert "comment" in response.json["error"]["fields"]
    kb.complete(
        kb.editor, article_id, "review_article", {"still_valid": False, "comment": "标准已调整"}
    )
    outdated = [e for e in kb.article(article_id)["events"] if e["kind"] == "article_outdated"]
    assert outdated[0]["data"]["comment"] == "标准已调整"
    # Not fixed within 30 days: raised again; then the unit retires it and the task goes.
    kb.move_clock("2028-01-09 12:00")
    assert kb.task(kb.editor, article_id, "review_article")
    kb.act(kb.editor, article_id, "retire", json={"reason": "标准已调整"})
    kb.complete(kb.reviewer, article_id, "unit_review", APPROVE)
    kb.complete(kb.h.center, article_id, "center_review", APPROVE)
    assert kb.task(kb.editor, article_id, "review_article") is None
    assert kb.article(article_id)["tasks"] == []


def test_default_review_date_is_valid_until_when_sooner(kb: Kb) -> None:
    """No review date set: one year after publication, or valid_until when that comes first."""
    article_id = kb.create(valid_from="2026-11-01", valid_until="2027-03-31")["id"]
    assert kb.publish(article_id)["published"]["review_at"] == "2027-03-31"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": "  "}, "question"),
        ({"answer": ""}, "answer"),
        ({"type": "rumour"}, "type"),
        ({"valid_from": "2027-01-01", "valid_until": "2026-12-31"}, "valid_until"),
        ({"answer": "长" * 20001}, "answer"),
        ({"question": "问" * 1001}, "question"),
        ({"keywords": [str(i) for i in range(21)]}, "keywords"),
        ({"keywords": ["词" * 41]}, "keywords"),
        ({"keywords": 12}, "keywords"),
        ({"review_at": "2026-01-01"}, "review_at"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"status": "published"}, "status"),
    ],
)
def test_bad_article_input_names_the_field(kb: Kb, change: dict, field: str) -> None:
    """Every refusal is a 422 naming the field."""
    response = kb.h.unit.post(URL, json={**ARTICLE, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json


def test_bad_edits_name_the_field(kb: Kb) -> None:
    """Edits are checked against the fields they keep, too."""
    article_id = kb.create(valid_from="2026-12-01")["id"]
    fields = kb.edit(article_id, {"valid_until": "2026-11-30"}, expect=422)["error"]["fields"]
    assert "valid_until" in fields
    assert "body" in kb.edit(article_id, {}, expect=422)["error"]["fields"]
    assert "question" in kb.edit(article_id, {"question": None}, expect=422)["error"]["fields"]
    assert kb.h.center.get(f"{URL}/999999").status_code == 404


def test_list_filters_by_status_unit_and_type(kb: Kb) -> None:
    """Filters apply to the shown version; units see their own unit only."""
    faq = kb.create(type="faq")["id"]
    policy = kb.create(kb.h.center, unit="LZQ", type="policy")["id"]
    kb.publish(faq)

    def ids(caller: Caller, query: str) -> list[int]:
        response = caller.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["items"]]

    assert ids(kb.h.center, "type=faq") == [faq]
    assert ids(kb.h.center, "unit=LZQ") == [policy]
    assert ids(kb.h.center, "status=draft") == [policy]
    assert sorted(ids(kb.h.supervisor, "")) == sorted([faq, policy])
    assert ids(kb.h.other_unit, "") == [policy]
    assert ids(kb.h.unit, "unit=LZQ") == []
    assert kb.h.center.get(f"{URL}?type=rumour").status_code == 422


def test_article_tasks_show_their_form_and_the_api_is_documented(kb: Kb) -> None:
    """GET /tasks/<id> gives the review form; the OpenAPI document lists the article routes."""
    article_id = kb.create()["id"]
    kb.act(kb.editor, article_id, "submit")
    task = kb.task(kb.reviewer, article_id, "unit_review")
    shown = kb.reviewer.get(f"/api/v1/tasks/{task['id']}").json
    assert shown["article_id"] == article_id
    assert {f["id"]: f["required"] for f in shown["form"]} == {"approved": True, "comment": False}
    assert kb.h.other_unit.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    paths = kb.h.operator.client.get("/api/openapi.json").json["paths"]
    assert {f"{URL}", f"{URL}/{{article_id}}/submit", f"{URL}/{{article_id}}/retire"} <= set(paths)
    response = kb.h.unit.post(URL, json={**ARTICLE, "question": "问\x00题"})
    assert response.status_code == 422 and "question" in response.json["error"]["fields"]


def test_an_id_beyond_any_row_is_not_found(hotline: Hotline) -> None:
    """An absurd id is a 404 like any unknown one, never a 500."""
    for path in ("", "/submit"):
        url = f"/api/v1/knowledge/articles/100000000000000000000{path}"
        response = hotline.center.get(url) if not path else hotline.center.post(url, json={})
        assert response.status_code == 404, response.get_data(as_text=True)[:200]
