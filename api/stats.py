"""/api/v1/stats: Statistics (统计)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, services, unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.common import Shown
from api.schemas.stats import (
    FactPageSchema,
    StatsQuerySchema,
    StatsSchema,
    StatsTicketsQuerySchema,
)
from hotline.stats.reading import selection_for, shown_figures, tickets_behind

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Statistics (统计): figures with a link to the tickets behind each",
)

FILTERS = ("period", "by", "unit", "category", "district", "channel", "to")


def _selection(query: dict[str, Any]) -> Any:
    return selection_for(actor(), from_=query["from_"], **{k: query.get(k) for k in FILTERS})


@blp.route("", methods=["GET"])
@blp.arguments(StatsQuerySchema, location="query", error_status_code=400)
@blp.response(200, StatsSchema)
@blp.doc(**secured({"400": "a bad parameter (named)", "403": "a unit asking for another"}))
def figures(query: dict[str, Any]) -> dict[str, Any]:
    """Figures of a period, split by unit, category, district or channel: each count links
    to its tickets. Units read their own figures only."""
    with unit_of_work() as session:
        return shown_figures(session, _selection(query), services().runtime.profile)


@blp.route("/tickets", methods=["GET"])
@blp.arguments(StatsTicketsQuerySchema, location="query", error_status_code=400)
@blp.response(200, FactPageSchema)
@blp.doc(**secured({"400": "a bad parameter (named)", "403": "a unit asking for another"}))
def tickets(query: dict[str, Any]) -> dict[str, Any]:
    """The tickets behind one figure (drill-down), oldest first, paged."""
    with unit_of_work() as session:
        rows, total = tickets_behind(
            session,
            actor(),
            _selection(query),
            query["figure"],
            query.get("key"),
            page=query["page"],
            per_page=query["per_page"],
        )
        items = [
            Shown(
                row.fact,
                ticket_number=row.ticket_number,
                district=row.district,
                confidential=row.confidential,
            )
            for row in rows
        ]
        return page_body(items, total, query)
