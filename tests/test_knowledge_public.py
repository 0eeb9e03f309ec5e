"""Public knowledge (/public/knowledge): no token, published articles only, no internal fields.

Clock: Monday 2026-11-23 Shanghai. Most articles are published through the ORM
(tests.test_knowledge_search.publish); one walks the real approval process over HTTP.
"""

from __future__ import annotations

from datetime import date

import pytest

from hotline.directory import add_user
from hotline.models import Article, ArticleVersion
from hotline.search import reindex_article
from tests.conftest import Caller, Hotline
from tests.helpers.knowledge import publish

SEARCH = "/public/knowledge/search"
ARTICLE = "/public/knowledge/articles/{}"
HIT_FIELDS = {
    "id", "type", "question", "question_html", "snippet", "unit", "unit_name", "region",
    "published_at",
}  # fmt: skip
ARTICLE_FIELDS = {
    "id", "type", "question", "answer", "keywords", "unit", "unit_name", "region",
    "valid_from", "valid_until", "published_at",
}  # fmt: skip
Q = "社保卡丢失如何补办？"
A = "携带身份证到社保卡服务网点申请补卡。"


def public(h: Hotline):
    """A client with no token at all."""
    return h.app.test_client()


def assert_hidden(h: Hotline, article_id: int) -> None:
    """404 on the article, exactly as for an id that never existed; absent from search."""
    client = public(h)
    response = client.get(ARTICLE.format(article_id))
    assert response.status_code == 404, response.json
    unknown = client.get(ARTICLE.format(987654))
    assert response.json["error"]["code"] == unknown.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"] == f"article {article_id} not found"
    ids = [i["id"] for i in client.get(SEARCH, query_string={"q": "社保卡补办"}).json["items"]]
    assert article_id not in ids


def test_a_published_article_is_served_without_a_token(hotline: Hotline) -> None:
    """Search and read with no Authorization header; only public fields are present."""
    article_id = publish(hotline.services, "RSJ", "procedure", Q, A, ["社保卡", "补卡"], "利州区")
    client = public(hotline)
    found = client.get(SEARCH, query_string={"q": "社保卡丢了怎么补办"})
    assert found.status_code == 200, found.json
    assert found.json["total"] == 1
    (hit,) = found.json["items"]
    assert set(hit) == HIT_FIELDS
    assert hit["id"] == article_id and "<em>社保卡</em>" in hit["snippet"]
    article = client.get(ARTICLE.format(article_id))
    assert article.status_code == 200, article.json
    assert set(article.json) == ARTICLE_FIELDS
    assert article.json["answer"] == A
    assert article.json["unit_name"] == "示范市人力资源和社会保障局"
    assert article.json["keywords"] == ["社保卡", "补卡"]
    assert article.json["region"] == "利州区"


def test_drafts_reviews_expired_and_unknown_ids_all_look_alike(hotline: Hotline) -> None:
    """Draft, in review, expired, not yet valid, retired: 404 like an unknown id, never found."""
    s = hotline.services
    hidden = [
        publish(s, "RSJ", "procedure", Q, A, status="draft"),
        publish(s, "RSJ", "procedure", Q, A, status="in_review"),
        publish(s, "RSJ", "procedure", Q, A, valid_until=date(2026, 11, 22)),
        publish(s, "RSJ", "procedure", Q, A, valid_from=date(2026, 11, 24)),
    ]
    retired = publish(s, "RSJ", "procedure", Q, A)
    with s.transaction() as session:
        article = session.get(Article, retired)
        session.get(ArticleVersion, article.published_version_id).status = "retired"
        article.status, article.published_version_id = "retired", None
        reindex_article(session, retired)
    for article_id in [*hidden, retired]:
        assert_hidden(hotline, article_id)
    assert public(hotline).get(SEARCH, query_string={"q": Q}).json["total"] == 0


@pytest.mark.parametrize("path", ["0", "-1", "abc", "99999999999999999999", "1.5"])
def test_odd_ids_are_404(hotline: Hotline, path: str) -> None:
    """Any id that is not a published article is a plain 404."""
    response = public(hotline).get(f"/public/knowledge/articles/{path}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_public_search_refuses_a_missing_or_long_query_naming_q(hotline: Hotline) -> None:
    """Bad input is a 422 naming q, as for operators."""
    for args in ({}, {"q": " "}, {"q": "问" * 501}):  # Q_MAX is 500
        response = public(hotline).get(SEARCH, query_string=args)
        assert response.status_code == 422 and "q" in response.json["error"]["fields"]


def test_a_bad_token_does_not_matter_on_public_paths(hotline: Hotline) -> None:
    """The public paths never look at tokens: a wrong one is no reason to refuse."""
    article_id = publish(hotline.services, "RSJ", "procedure", Q, A)
    response = public(hotline).get(
        ARTICLE.format(article_id), headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 200


def test_through_the_approval_process_the_public_sees_only_published_versions(
    hotline: Hotline,
) -> None:
    """Draft → approvals → public; an edit in review keeps the published text; retired → 404."""
    with hotline.services.transaction() as session:
        token = add_user(session, "zjj-public-reviewer", "unit", "ZJJ", reviewer=True)
    reviewer = Caller(hotline.app.test_client(), token, "zjj-reviewer")
    editor, center = hotline.unit, hotline.center
    url = "/api/v1/knowledge/articles"
    body = {
        "question": "公租房申请需要哪些材料？",
        "answer": "身份证、户口簿、收入证明和住房情况证明，向街道住房保障窗口提交。",
        "type": "procedure",
        "keywords": "公租房, 住房保障",
    }
    created = editor.post(url, json=body)
    assert created.status_code == 201, created.json
    article_id = created.json["id"]
    assert_hidden(hotline, article_id)

    def complete(caller: Caller, key: str, data: dict) -> None:
        tasks = [t for t in caller.inbox() if t["article_id"] == article_id and t["key"] == key]
        assert tasks, caller.inbox()
        done = caller.post(f"/api/v1/tasks/{tasks[0]['id']}/complete", json={"data": data})
        assert done.status_code == 200, done.json

    def approve_both() -> None:
        complete(reviewer, "unit_review", {"approved": True})
        complete(center, "center_review", {"approved": True})

    assert editor.post(f"{url}/{article_id}/submit").status_code == 200
    assert_hidden(hotline, article_id)  # in review: not yet public
    approve_both()
    client = public(hotline)
    assert client.get(ARTICLE.format(article_id)).json["answer"] == body["answer"]
    hits = client.get(SEARCH, query_string={"q": "公租房要什么材料"}).json["items"]
    assert [h["id"] for h in hits] == [article_id]
    operator_hits = hotline.operator.get(
        "/api/v1/knowledge/search", query_string={"q": "公租房要什么材料"}
    ).json["items"]
    assert [h["id"] for h in operator_hits] == [article_id]

    changed = "线上通过一网通办提交材料即可。"
    edit = editor.client.put(
        f"{url}/{article_id}",
        json={"answer": changed},
        headers={"Authorization": f"Bearer {editor.token}"},
    )
    assert edit.status_code == 200, edit.json
    assert editor.post(f"{url}/{article_id}/submit").status_code == 200
    assert client.get(ARTICLE.format(article_id)).json["answer"] == body["answer"]
    assert client.get(SEARCH, query_string={"q": "一网通办"}).json["items"] == []
    approve_both()
    assert client.get(ARTICLE.format(article_id)).json["answer"] == changed
    assert [h["id"] for h in client.get(SEARCH, query_string={"q": "一网通办"}).json["items"]] == [
        article_id
    ]

    asked = editor.post(f"{url}/{article_id}/retire", json={"reason": "政策调整"})
    assert asked.status_code == 200, asked.json
    assert client.get(ARTICLE.format(article_id)).status_code == 200  # until approved
    approve_both()
    assert client.get(ARTICLE.format(article_id)).status_code == 404
    assert client.get(SEARCH, query_string={"q": "公租房"}).json["items"] == []
