"""Public read-only knowledge (no token): published, currently valid articles only."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import documented_public_limit
from api.context import unit_of_work
from api.errors import documented_errors
from api.knowledge_search import run_search
from api.schemas.common import Shown
from api.schemas.knowledge_search import (
    PublicArticleSchema,
    PublicSearchPageSchema,
    SearchQuerySchema,
)
from hotline.errors import NotFound
from hotline.models import Unit
from hotline.search import published_article

blp = Blueprint(
    "public",
    __name__,
    url_prefix="/public/knowledge",
    description="Public read-only knowledge (no token)",
)

MAX_ID = 2**31 - 1  # larger ids exist nowhere; PostgreSQL would refuse to compare them


@blp.route("/search", methods=["GET"])
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, PublicSearchPageSchema)
@blp.doc(
    responses={
        **documented_errors({"422": "q missing, blank or too long"}),
        **documented_public_limit(),
    }
)
def search_public(query: dict[str, Any]) -> dict[str, Any]:
    """Search the published knowledge base, as operators do, without a token."""
    return run_search(query)


@blp.route("/articles/<int(max=2147483647):article_id>", methods=["GET"])
@blp.response(200, PublicArticleSchema)
@blp.doc(
    responses={
        **documented_errors({"404": "no such published article"}),
        **documented_public_limit(),
    }
)
def get_article(article_id: int) -> Shown:
    """A published, currently valid article; drafts, retired and unknown ids are all 404."""
    if article_id > MAX_ID:
        raise NotFound(f"article {article_id} not found")
    with unit_of_work() as session:
        article, version = published_article(session, article_id)
        unit = session.get(Unit, article.unit_code)
        unit_name = unit.name if unit else ""
        return Shown(version, id=article.id, unit=article.unit_code, unit_name=unit_name)
