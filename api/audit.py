"""/api/v1/audit: the access audit, read and exported by the auditor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, request, stream_with_context
from flask_smorest import Blueprint

from api.context import audited, require, services, unit_of_work
from api.errors import documented_errors
from api.paging import page_body
from api.schemas.audit import AuditPageSchema, AuditQuerySchema
from hotline import access, audit, clock
from hotline.audit import AuditAction, AuditFilter

blp = Blueprint(
    "audit", __name__, url_prefix="/api/v1/audit", description="Access audit (访问审计)"
)

CSV = "text/csv"
ONLY_AUDITOR = "only the auditor role reads the access audit"


def _filter(query: dict[str, Any]) -> AuditFilter:
    return AuditFilter(
        actor=query.get("actor"),
        role=query.get("role"),
        unit=query.get("unit"),
        action=query.get("action"),
        ticket=query.get("ticket"),
        since=query.get("from_"),
        until=query.get("to"),
    )


def _wants_csv(query: dict[str, Any]) -> bool:
    if query.get("format"):
        return bool(query["format"] == "csv")
    # JSON wins a tie (*/*, no header): CSV only when the client prefers it.
    return request.accept_mimetypes.best_match(["application/json", CSV]) == CSV


@blp.route("", methods=["GET"])
@require(access.may_read_audit, message=ONLY_AUDITOR)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.doc(
    security=[{"bearer": []}],
    responses={
        # The page as JSON, or the CSV export (format=csv, Accept: text/csv).
        "200": {
            "description": "a page of rows, newest first; as CSV every matching row, oldest first",
            "content": {
                "application/json": {"schema": AuditPageSchema},
                CSV: {"schema": {"type": "string"}},
            },
        },
        **documented_errors({"403": ONLY_AUDITOR, "422": "a bad filter (named)"}),
    },
)
def list_(query: dict[str, Any]) -> Any:
    """Who read which requester, exported what, opened which confidential ticket: newest first,
    paged; `format=csv` exports every matching row. Each read is itself recorded (read_audit)."""
    found = _filter(query)
    if _wants_csv(query):
        return _export(found)
    with unit_of_work() as session:
        rows, total = audit.list_records(
            session, found, page=query["page"], per_page=query["per_page"]
        )
        body = page_body(rows, total, query)
        # Recorded after the page is read: a read shows the audit as it stood before it.
        audited(
            session,
            AuditAction.READ_AUDIT,
            format="json",
            filters=found.given(),
            page=query["page"],
            rows=len(rows),
        )
        return body


def _export(found: AuditFilter) -> Response:
    """The CSV download: the export is recorded (and committed) first, then streamed."""
    with unit_of_work() as session:
        up_to = audit.last_id(session)
        audited(session, AuditAction.READ_AUDIT, format="csv", filters=found.given(), up_to=up_to)

    def chunks() -> Iterator[str]:
        yield "\ufeff"  # a BOM: spreadsheets then read the Chinese names as UTF-8
        yield from audit.csv_export(services().transaction, found, up_to)

    stamp = clock.now().astimezone(clock.SHANGHAI).strftime("%Y%m%d-%H%M%S")
    response = Response(stream_with_context(chunks()), mimetype=CSV)
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
