"""Knowledge articles in tests: the article API as editor and reviewers use it (Kb), and
articles made with the ORM (indexed for search or not) for tests whose subject is not the
article API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from hotline import clock
from hotline.directory import add_user
from hotline.models import Article, ArticleVersion
from hotline.search import reindex_article
from tests.helpers.api import Caller
from tests.helpers.clock import move_clock

if TYPE_CHECKING:
    from tests.conftest import Hotline
    from wiring.services import Services

QUESTION = "新建商品房办理不动产权证需要哪些材料？"
ANSWER = "携带身份证和户口本到区政务服务中心社保窗口办理。"
IMPORT_HEADER = "question,answer,type,unit,keywords,region,valid_from,valid_until,review_at"


def make_article(
    h: Hotline,
    state: str,
    unit: str = "ZJJ",
    question: str = QUESTION,
    *,
    answer: str = "携带购房合同、身份证、完税证明到不动产登记中心办理。",
    type: str = "procedure",
    keywords: tuple[str, ...] = ("不动产权证",),
) -> int:
    """An article in `state`: draft, in_review, published, published_with_draft or retired."""
    article_status = "published" if state == "published_with_draft" else state
    statuses = {"published_with_draft": ["published", "draft"]}.get(state, [state])
    with h.services.transaction() as session:
        now = clock.now()
        article = Article(unit_code=unit, status=article_status, created_at=now, updated_at=now)
        session.add(article)
        session.flush()
        content = {"type": type, "question": question, "answer": answer, "keywords": [*keywords]}
        for number, status in enumerate(statuses, start=1):
            version = ArticleVersion(
                article_id=article.id, version=number, status=status, created_at=now, **content
            )
            session.add(version)
            session.flush()
            if status == "published":
                article.published_version_id = version.id
        return article.id


URL = "/api/v1/knowledge/articles"
ARTICLE = {
    "question": "公租房申请需要哪些材料？",
    "answer": "身份证、户口簿、收入证明和住房情况证明，向街道住房保障窗口提交。",
    "type": "procedure",
    "keywords": "公租房, 住房保障、申请材料",
    "region": "利州区",
}
APPROVE = {"approved": True}


@dataclass
class Kb:
    """The hotline plus the knowledge reviewers of ZJJ and LZQ."""

    h: Hotline
    reviewer: Caller  # ZJJ's knowledge reviewer
    other_reviewer: Caller  # LZQ's knowledge reviewer

    @property
    def editor(self) -> Caller:
        """ZJJ's editor (a plain unit user)."""
        return self.h.unit

    def create(self, caller: Caller | None = None, expect: int = 201, **fields: Any) -> dict:
        """Draft an article; returns its detail."""
        response = (caller or self.editor).post(URL, json={**ARTICLE, **fields})
        assert response.status_code == expect, response.json
        return response.json

    def article(self, article_id: int, caller: Caller | None = None) -> dict:
        """The article as the center (or `caller`) sees it."""
        response = (caller or self.h.center).get(f"{URL}/{article_id}")
        assert response.status_code == 200, response.json
        return response.json

    def act(self, caller: Caller, article_id: int, action: str, expect: int = 200, **kw) -> dict:
        """POST /articles/<id>/<action>."""
        response = caller.post(f"{URL}/{article_id}/{action}", **kw)
        assert response.status_code == expect, response.json
        return response.json

    def edit(self, article_id: int, data: dict, expect: int = 200, caller: Caller | None = None):
        """PUT the changed fields."""
        who = caller or self.editor
        response = who.client.put(
            f"{URL}/{article_id}", json=data, headers={"Authorization": f"Bearer {who.token}"}
        )
        assert response.status_code == expect, response.json
        return response.json

    def task(self, caller: Caller, article_id: int, key: str) -> dict | None:
        """The ready task `key` of the article in `caller`'s inbox, or None."""
        found = [t for t in caller.inbox() if t["article_id"] == article_id and t["key"] == key]
        return found[0] if found else None

    def complete(self, caller: Caller, article_id: int, key: str, data: dict, expect: int = 200):
        """Complete the article's `key` task from `caller`'s inbox."""
        task = self.task(caller, article_id, key)
        assert task, f"{caller.name} has no {key} for article {article_id}: {caller.inbox()}"
        response = caller.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == expect, response.json
        return response

    def publish(self, article_id: int) -> dict:
        """Submit, then approve at both levels."""
        self.act(self.editor, article_id, "submit")
        self.complete(self.reviewer, article_id, "unit_review", APPROVE)
        self.complete(self.h.center, article_id, "center_review", APPROVE)
        return self.article(article_id)

    def kinds(self, article_id: int) -> list[str]:
        """The article's event kinds, in order."""
        return [e["kind"] for e in self.article(article_id)["events"]]

    def move_clock(self, when: str) -> int:
        """Set the service clock to Shanghai wall time `when`; how many timers fired."""
        return move_clock(self.h, when)


def make_kb(hotline: Hotline) -> Kb:
    """The knowledge helpers over `hotline`, with reviewers for ZJJ and LZQ."""
    with hotline.services.transaction() as session:
        zjj = add_user(session, "zjj-knowledge-reviewer", "unit", "ZJJ", reviewer=True)
        lzq = add_user(session, "lzq-knowledge-reviewer", "unit", "LZQ", reviewer=True)
    client = hotline.app.test_client()
    return Kb(hotline, Caller(client, zjj, "zjj-reviewer"), Caller(client, lzq, "lzq-reviewer"))


def publish(
    services: Services,
    unit: str,
    type: str,
    question: str,
    answer: str,
    keywords: list[str] | None = None,
    region: str | None = None,
    *,
    status: str = "published",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> int:
    """An article whose version 1 has `status`, as the approval process leaves it; indexed."""
    now = clock.now()
    with services.transaction() as session:
        published = status == "published"
        article = Article(unit_code=unit, status=status, created_at=now, updated_at=now)
        session.add(article)
        session.flush()
        version = ArticleVersion(
            article_id=article.id,
            version=1,
            type=type,
            question=question,
            answer=answer,
            keywords=keywords or [],
            region=region,
            valid_from=valid_from,
            valid_until=valid_until,
            status=status,
            created_at=now,
            published_at=now if published else None,
        )
        session.add(version)
        session.flush()
        if published:
            article.published_version_id = version.id
        reindex_article(session, article.id)
        return article.id


def answered(h: Hotline, number: str) -> list[dict[str, Any]]:
    """The ticket's ticket_answered events' data."""
    return [e["data"] for e in h.ticket(number)["events"] if e["kind"] == "ticket_answered"]
