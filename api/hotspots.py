"""/api/v1/warnings: hot-spot early warnings (热点预警)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.common import Shown
from api.schemas.hotspots import WarningDetailSchema, WarningPageSchema, WarningQuerySchema
from hotline.hotspots import reading
from hotline.models.hotspots import HotspotWarningUnit

blp = Blueprint(
    "warnings",
    __name__,
    url_prefix="/api/v1/warnings",
    description="Hot-spot early warnings (热点预警)",
)


def _units(units: list[HotspotWarningUnit], tasks: dict[str, str]) -> list[Shown]:
    return [Shown(u, task_id=tasks.get(u.unit_code)) for u in units]


@blp.route("", methods=["GET"])
@blp.arguments(WarningQuerySchema, location="query")
@blp.response(200, WarningPageSchema)
@blp.doc(**secured({"403": "operators and authorities, or a unit asking for another"}))
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Warnings visible to the caller, newest first: a unit sees those concerning it."""
    with unit_of_work() as session:
        rows, total = reading.list_warnings(session, actor(), **query)
        ids = [w.id for w in rows]
        units, counts = reading.units_of(session, ids), reading.ticket_counts(session, ids)
        items = [Shown(w, units=_units(units[w.id], {}), ticket_count=counts[w.id]) for w in rows]
        return page_body(items, total, query)


@blp.route("/<int(max=2147483647):warning_id>", methods=["GET"])
@blp.response(200, WarningDetailSchema)
@blp.doc(**secured({"404": "not found or not visible"}))
def get(warning_id: int) -> Shown:
    """One warning with its units (and their open acknowledge tasks) and its tickets."""
    with unit_of_work() as session:
        detail = reading.get_warning(session, actor(), warning_id)
        return Shown(
            detail.warning,
            units=_units(detail.units, detail.tasks),
            tickets=detail.tickets,
            ticket_count=len(detail.tickets),
        )
