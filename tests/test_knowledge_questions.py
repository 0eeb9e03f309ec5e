"""Knowledge questions (知识提问): the center asks a unit, the unit answers with an article.

guangxi 第二十九条(二) (002_74be2da07faa6da0.txt): 成员单位应在 3 个工作日内补充完善知识库.
Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
Articles are made with the ORM here (their API is another module's); all else goes over HTTP.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from hotline.models import ArticleEvent
from hotline.policy import load_profile
from hotline.policy.knowledge import knowledge_of
from tests.conftest import Hotline
from tests.helpers.clock import local, move_clock
from tests.helpers.knowledge import QUESTION, make_article
from tests.helpers.profiles import PROFILES, SEEDS

URL = "/api/v1/knowledge/questions"


def ask(h: Hotline, unit: str = "ZJJ", expect: int = 201, **kw: Any) -> dict[str, Any]:
    """The center asks `unit` a question."""
    caller = kw.pop("caller", h.center)
    response = caller.post(URL, json={"unit": unit, "question": QUESTION, **kw})
    assert response.status_code == expect, response.json
    return response.json


def question(h: Hotline, question_id: int) -> dict[str, Any]:
    """The question as the center sees it."""
    response = h.center.get(f"{URL}/{question_id}")
    assert response.status_code == 200, response.json
    return response.json


def answer(h: Hotline, asked: dict[str, Any], article_id: Any, expect: int = 200, caller=None):
    """Complete the question's answer task with `article_id`."""
    caller = caller or h.unit
    task_id = question(h, asked["id"])["task_id"]
    response = caller.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": {"article_id": article_id}}
    )
    assert response.status_code == expect, response.json
    return response.json


def test_unit_answers_with_a_submitted_article_before_the_deadline(profile_hotline) -> None:
    """guangxi 第二十九条(二): 3 working days; a submitted article answers the question."""
    h = profile_hotline("guangxi")
    asked = ask(h)
    assert (asked["unit"], asked["status"], asked["overdue"]) == ("ZJJ", "open", False)
    assert local(asked["due_at"]) == "2026-11-27 00:00"  # 24:00 Thu, the 3rd working day
    # The unit finds the task in its inbox, due when the question is.
    [task] = [t for t in h.unit.inbox() if t["key"] == "answer_question"]
    assert task["id"] == asked["task_id"] and task["due_at"] == asked["due_at"]
    assert [q["id"] for q in h.unit.get(URL).json["items"]] == [asked["id"]]

    article = make_article(h, "in_review")
    move_clock(h, "2026-11-25 15:00")
    answer(h, asked, article)
    done = question(h, asked["id"])
    assert (done["status"], done["article_id"], done["overdue"]) == ("answered", article, False)
    assert local(done["answered_at"]) == "2026-11-25 15:00"
    assert done["task_id"] is None
    # Past the deadline nothing happens to an answered question.
    assert move_clock(h, "2026-11-30 09:00") == 0
    assert question(h, asked["id"])["urged_at"] is None
    # The article's history says which question it answered.
    with h.services.transaction() as session:
        events = session.scalars(
            select(ArticleEvent).where(
                ArticleEvent.article_id == article, ArticleEvent.kind == "question_answered"
            )
        ).all()
        assert [(e.data["question_id"], e.data["question"]) for e in events] == [
            (asked["id"], QUESTION)
        ]


def test_deadline_counts_working_days_across_a_weekend(profile_hotline) -> None:
    """Asked on Thursday: Friday, Monday and Tuesday count; due at 24:00 Tuesday."""
    h = profile_hotline("guangxi")
    move_clock(h, "2026-11-26 10:00")
    asked = ask(h)
    assert local(asked["due_at"]) == "2026-12-02 00:00"
    assert move_clock(h, "2026-12-01 23:59") == 0
    assert question(h, asked["id"])["overdue"] is False
    assert move_clock(h, "2026-12-02 00:01") == 1
    late = question(h, asked["id"])
    # Timers fire at their due time, whenever the clock passes it.
    assert late["overdue"] is True and local(late["urged_at"]) == "2026-12-02 00:00"


def test_overdue_question_is_urged_once_and_still_answerable(profile_hotline) -> None:
    """Unanswered at the deadline: overdue and urged once; the unit may still answer."""
    h = profile_hotline("guangxi")
    asked = ask(h)
    assert move_clock(h, "2026-11-26 23:59") == 0
    assert h.center.get(f"{URL}?overdue=true").json["items"] == []
    assert move_clock(h, "2026-11-27 00:01") == 1
    late = question(h, asked["id"])
    assert (late["status"], late["overdue"]) == ("open", True)
    assert local(late["urged_at"]) == "2026-11-27 00:00"
    assert move_clock(h, "2026-12-04 09:00") == 0  # urged once, never again
    assert question(h, asked["id"])["urged_at"] == late["urged_at"]
    listed = h.center.get(f"{URL}?overdue=true&status=open&unit=ZJJ").json
    assert [q["id"] for q in listed["items"]] == [asked["id"]] and listed["total"] == 1

    answer(h, asked, make_article(h, "published"))
    done = question(h, asked["id"])
    assert (done["status"], done["overdue"]) == ("answered", True)  # late stays on record
    assert h.center.get(f"{URL}?status=open").json["items"] == []


def test_a_published_article_with_a_newer_draft_still_answers(hotline: Hotline) -> None:
    """The published text stands while an edit is drafted; other profiles default to 3 days."""
    asked = ask(hotline)
    assert local(asked["due_at"]) == "2026-11-27 00:00"  # guangyuan: the default 3 working days
    answer(hotline, asked, make_article(hotline, "published_with_draft"))
    assert question(hotline, asked["id"])["status"] == "answered"


def test_only_center_and_admin_ask(hotline: Hotline) -> None:
    """Units, operators and supervisors may not ask; bad input names the field."""
    for caller in (hotline.unit, hotline.operator, hotline.supervisor, hotline.leader):
        response = caller.post(URL, json={"unit": "ZJJ", "question": QUESTION})
        assert response.status_code == 403, (caller.name, response.json)
    assert ask(hotline, caller=hotline.admin)["unit"] == "ZJJ"
    assert "unit" in ask(hotline, unit="NOPE", expect=422)["error"]["fields"]
    assert "question" in ask(hotline, expect=422, question="  ")["error"]["fields"]
    assert "question" in hotline.center.post(URL, json={"unit": "ZJJ"}).json["error"]["fields"]
    assert hotline.center.get(URL).json["total"] == 1


def test_unit_cannot_answer_or_see_another_units_question(hotline: Hotline) -> None:
    """A question to ZJJ is ZJJ's: LZQ cannot complete it (403) nor see it (404)."""
    asked = ask(hotline)
    response = hotline.other_unit.post(
        f"/api/v1/tasks/{asked['task_id']}/complete",
        json={"data": {"article_id": make_article(hotline, "published", unit="LZQ")}},
    )
    assert response.status_code == 403, response.json
    assert hotline.other_unit.get(f"{URL}/{asked['id']}").status_code == 404
    assert hotline.other_unit.get(URL).json["items"] == []
    assert hotline.other_unit.get(f"{URL}?unit=ZJJ").status_code == 403
    assert hotline.operator.get(URL).status_code == 403
    assert [q["id"] for q in hotline.supervisor.get(URL).json["items"]] == [asked["id"]]
    assert question(hotline, asked["id"])["status"] == "open"


@pytest.mark.parametrize(
    ("state", "unit", "message"),
    [
        ("draft", "ZJJ", r"is draft: submit it for review first"),
        ("published", "LZQ", r"belongs to LZQ, not to ZJJ"),
        ("retired", "ZJJ", r"is retired"),
    ],
)
def test_answer_with_a_draft_or_another_units_article_is_refused(
    hotline: Hotline, state: str, unit: str, message: str
) -> None:
    """Only the unit's own submitted or published article answers; the task stays open."""
    asked = ask(hotline)
    refused = answer(hotline, asked, make_article(hotline, state, unit=unit), expect=422)
    assert re.search(message, refused["error"]["fields"]["article_id"][0])
    assert question(hotline, asked["id"])["status"] == "open"


def test_answer_with_an_unknown_or_malformed_article_id_is_refused(hotline: Hotline) -> None:
    """An id that names no article, or is no id at all, is a 422 on `article_id`."""
    asked = ask(hotline)
    for bad in (999, 10**20, -1, "12", None):
        refused = answer(hotline, asked, bad, expect=422)
        assert "article_id" in refused["error"]["fields"], refused
    assert question(hotline, asked["id"])["task_id"] == asked["task_id"]
    for missing in (asked["id"] + 1, 10**20):
        assert hotline.center.get(f"{URL}/{missing}").status_code == 404


@pytest.mark.parametrize("name", PROFILES)
def test_question_limit_cites_the_profiles_own_regulation(name: str) -> None:
    """guangxi gives 3 working days (第二十九条(二)); the others ship a marked default."""
    knowledge = knowledge_of(load_profile(name))
    limit = knowledge.question_limit
    assert (limit.amount, limit.unit) == (3, "working_days")
    for source in (limit.source, knowledge.origin.source):
        assert source.startswith(SEEDS[name] + " "), source
    assert limit.default_not_from_regulation is (name != "guangxi")
    if limit.default_not_from_regulation:
        assert limit.note
    if name == "guangxi":
        assert limit.source.endswith("第二十九条(二)")
