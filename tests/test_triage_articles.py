"""直办 with the knowledge base: `triage` with disposition answer records the articles used.

Only published articles may be cited (guangyuan 第十七条: 采集—审核—发布—下架; what is not
published is not the hotline's answer). Articles are made with the ORM here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Hotline
from tests.helpers import knowledge
from tests.helpers.knowledge import ANSWER, answered


def make_article(h: Hotline, state: str, question: str) -> int:
    """An article whose one version is in `state` (draft, in_review, published, retired)."""
    return knowledge.make_article(
        h, state, question=question, answer=ANSWER, type="faq", keywords=()
    )


def test_direct_answer_records_the_published_articles_used(hotline: Hotline) -> None:
    """The history shows which knowledge answered the ticket: ids and questions."""
    social = make_article(hotline, "published", "如何办理社保卡？")
    lost = make_article(hotline, "published", "社保卡丢失如何补办？")
    number = hotline.new_ticket(category="consultation", content="社保卡怎么办理")["number"]
    hotline.center.complete(
        number,
        "triage",
        {"disposition": "answer", "answer": ANSWER, "articles": f"{social}, {lost}，{social}"},
    )
    assert hotline.ticket(number)["status"] == "closed"
    assert answered(hotline, number) == [
        {
            "answer": ANSWER,
            "articles": [
                {"id": social, "question": "如何办理社保卡？"},
                {"id": lost, "question": "社保卡丢失如何补办？"},
            ],
        }
    ]


def test_direct_answer_without_articles_is_as_before(hotline: Hotline) -> None:
    """No articles cited: the same event as ever, without an `articles` entry."""
    number = hotline.new_ticket(category="consultation")["number"]
    hotline.center.complete(
        number, "triage", {"disposition": "answer", "answer": ANSWER, "articles": ""}
    )
    assert hotline.ticket(number)["status"] == "closed"
    assert answered(hotline, number) == [{"answer": ANSWER}]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("draft", "is draft, not published"),
        ("in_review", "is in_review, not published"),
        ("retired", "is retired, not published"),
        (None, "does not exist"),
    ],
)
def test_citing_an_unpublished_or_unknown_article_is_refused(
    hotline: Hotline, state: str | None, message: str
) -> None:
    """A draft, in-review, retired or unknown article is a 422 on `articles`; nothing moves."""
    good = make_article(hotline, "published", "如何办理社保卡？")
    bad = make_article(hotline, state, "社保卡丢失如何补办？") if state else 999
    number = hotline.new_ticket(category="consultation")["number"]
    response = hotline.center.complete(
        number,
        "triage",
        {"disposition": "answer", "answer": ANSWER, "articles": f"{good},{bad}"},
        expect=422,
    )
    assert response.json["error"]["fields"]["articles"] == [f"article {bad} {message}"]
    ticket = hotline.ticket(number)
    assert ticket["status"] == "new" and [t["key"] for t in ticket["tasks"]] == ["triage"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"disposition": "answer", "answer": ANSWER, "articles": "1,abc"}, "'abc' is not an"),
        ({"disposition": "answer", "answer": ANSWER, "articles": "9" * 20}, "is not an article"),
        ({"disposition": "dispatch", "unit": "ZJJ", "articles": "1"}, "only a direct answer"),
    ],
)
def test_articles_must_be_ids_cited_by_a_direct_answer(
    hotline: Hotline, data: dict[str, Any], message: str
) -> None:
    """Ids only, and only when the center answers directly."""
    make_article(hotline, "published", "如何办理社保卡？")
    number = hotline.new_ticket(category="consultation")["number"]
    response = hotline.center.complete(number, "triage", data, expect=422)
    assert message in response.json["error"]["fields"]["articles"][0]
    assert hotline.ticket(number)["status"] == "new"
