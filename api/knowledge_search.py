"""Knowledge search for operators (知识检索): GET /api/v1/knowledge/search."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.common import Shown
from api.schemas.knowledge_search import SearchPageSchema, SearchQuerySchema
from hotline import search
from hotline.search import Hit

blp = Blueprint(
    "knowledge_search",
    __name__,
    url_prefix="/api/v1/knowledge",
    description="Knowledge search for operators (知识检索)",
)


def hit_data(hit: Hit) -> Shown:
    """A hit's published version with its article and match; the schema picks what is seen."""
    return Shown(
        hit.version,
        id=hit.article.id,
        unit=hit.article.unit_code,
        unit_name=hit.unit_name,
        question_html=hit.question_html,
        snippet=hit.snippet,
        score=hit.score,
    )


def run_search(query: dict[str, Any]) -> dict[str, Any]:
    """One page of results for validated query arguments."""
    with unit_of_work() as session:
        results = search.search(
            session,
            query["q"],
            type=query.get("type"),
            unit=query.get("unit"),
            region=query.get("region"),
            page=query["page"],
            per_page=query["per_page"],
        )
        items = [hit_data(hit) for hit in results.hits]
    return {**page_body(items, results.total, query), "words": results.words}


@blp.route("/search", methods=["GET"])
@blp.arguments(SearchQuerySchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.doc(**secured({"422": "q missing, blank or too long"}))
def search_articles(query: dict[str, Any]) -> dict[str, Any]:
    """Published, currently valid articles matching q (Chinese, cut by jieba), best first.

    Every role may search: the content is public anyway. A hit in the question counts more
    than one in the keywords, which counts more than one in the answer; `snippet` is the
    answer around the first match with matches in <em>.
    """
    return run_search(query)
