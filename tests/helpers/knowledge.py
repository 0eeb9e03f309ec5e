"""Knowledge articles made with the ORM, for tests whose subject is not the article API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotline import clock
from hotline.models import Article, ArticleVersion

if TYPE_CHECKING:
    from tests.conftest import Hotline

QUESTION = "新建商品房办理不动产权证需要哪些材料？"


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
