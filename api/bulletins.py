"""/api/v1/bulletins: Bulletins (通报)."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, audited, require, services, unit_of_work
from api.errors import documented_errors, secured
from api.paging import paged
from api.schemas.bulletins import (
    BulletinCreateSchema,
    BulletinDetailSchema,
    BulletinPageSchema,
    BulletinQuerySchema,
)
from api.schemas.common import Shown
from hotline import access, bulletins
from hotline.actors import Actor
from hotline.audit import AuditAction
from hotline.bulletins.charts import svg
from hotline.errors import NotFound
from hotline.models.bulletins import Bulletin
from hotline.policy import Profile, active_profile

blp = Blueprint(
    "bulletins",
    __name__,
    url_prefix="/api/v1/bulletins",
    description="Bulletins (通报): generated, stored, downloadable as XLSX and PDF",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {"xlsx": XLSX, "pdf": "application/pdf"}
ID = "<int(max=2147483647):bulletin_id>"


def _profile() -> Profile:
    return active_profile(services().runtime.extras)


def _shown(row: Bulletin, *, detail: bool = False) -> Shown:
    extra: dict[str, Any] = {
        "title": row.content.get("title", ""),
        "xlsx_url": url_for("bulletins.download", bulletin_id=row.id, kind="xlsx"),
        "pdf_url": url_for("bulletins.download", bulletin_id=row.id, kind="pdf"),
    }
    if detail:
        extra["chart_urls"] = {
            chart["key"]: url_for("bulletins.chart", bulletin_id=row.id, key=chart["key"])
            for chart in row.content.get("charts", ())
        }
    return Shown(row, **extra)


@blp.route("", methods=["POST"])
@require(access.may_publish_bulletin, message="only the center and admins generate bulletins")
@blp.arguments(BulletinCreateSchema)
@blp.response(201, BulletinDetailSchema)
@blp.doc(**secured({"403": "not center or admin", "422": "no such period, or not ended yet"}))
def create(body: dict[str, Any]) -> Shown:
    """Generate the bulletin of an ended period now: version 1, or the next version."""
    profile = _profile()
    with unit_of_work() as session:
        period = bulletins.profile_period(profile, body["period"])
        row = bulletins.generate(
            session,
            profile,
            period,
            reason=bulletins.BulletinReason.ON_DEMAND,
            by=actor().name,
        )
        return _shown(row, detail=True)


@blp.route("", methods=["GET"])
@blp.arguments(BulletinQuerySchema, location="query")
@blp.response(200, BulletinPageSchema)
@blp.doc(**secured())
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Every stored bulletin version of the active profile, newest period first (all roles)."""
    profile = _profile().name

    def fetch(session: Session, caller: Actor, **args: Any) -> tuple[Any, int]:
        return bulletins.list_bulletins(session, caller, profile=profile, **args)

    return paged(query, fetch, lambda _session, row: _shown(row))


@blp.route(f"/{ID}", methods=["GET"])
@blp.response(200, BulletinDetailSchema)
@blp.doc(**secured({"404": "no such bulletin"}))
def get(bulletin_id: int) -> Shown:
    """One bulletin version with its whole content (sections and charts as data)."""
    with unit_of_work() as session:
        return _shown(_row(session, bulletin_id), detail=True)


def _row(session: Session, bulletin_id: int) -> Bulletin:
    row = bulletins.get_bulletin(session, actor(), bulletin_id)
    if row.profile != _profile().name:
        raise NotFound(f"no bulletin {bulletin_id}")
    return row


@blp.route(f"/{ID}/<any(xlsx, pdf):kind>", methods=["GET"])
@blp.doc(
    security=[{"bearer": []}],
    summary="Download a bulletin version as XLSX or PDF",
    responses={
        "200": {
            "description": "the file exactly as generated, as a download",
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **documented_errors({"404": "no such bulletin"}),
    },
)
def download(bulletin_id: int, kind: str) -> Response:
    """The bulletin's XLSX workbook or printable PDF, byte for byte as it was published."""
    with unit_of_work() as session:
        row = _row(session, bulletin_id)
        body: bytes = row.xlsx if kind == "xlsx" else row.pdf
        name = bulletins.file_name(row, kind)
        # Every export is in the access audit, figures too (meizhou 第二十二条 不得擅自对外提供).
        audited(session, AuditAction.EXPORT, file=name, bulletin_id=row.id)
    response = Response(body, mimetype=DOWNLOADS[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blp.route(f"/{ID}/charts/<string(maxlength=40):key>.svg", methods=["GET"])
@blp.doc(
    security=[{"bearer": []}],
    summary="One chart of a bulletin version as SVG",
    responses={
        "200": {
            "description": "the chart drawn as SVG",
            "content": {"image/svg+xml": {"schema": {"type": "string"}}},
        },
        **documented_errors({"404": "no such bulletin or chart"}),
    },
)
def chart(bulletin_id: int, key: str) -> Response:
    """A chart of the bulletin (volume_trend, satisfaction_trend, overdue_by_unit,
    category_mix) drawn as SVG from the stored content."""
    with unit_of_work() as session:
        content = bulletins.content_of(_row(session, bulletin_id))
    try:
        found = content.chart(key)
    except KeyError:
        raise NotFound(f"bulletin {bulletin_id} has no chart {key!r}") from None
    return Response(svg(found), mimetype="image/svg+xml")
