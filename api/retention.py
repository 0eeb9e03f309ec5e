"""/api/v1/tickets/{number}/legal-holds and /api/v1/tickets/{number}/archive: retention of
closed tickets (legal holds stop a purge; the archive record as JSON and PDF)."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, audited, require, unit_of_work
from api.errors import documented_errors, secured
from api.schemas.common import Shown
from api.schemas.retention import (
    ArchiveSchema,
    LegalHoldCreateSchema,
    LegalHoldListSchema,
    LegalHoldSchema,
)
from hotline import access, legal_holds, retention, tickets
from hotline.audit import AuditAction
from hotline.models import Ticket
from hotline.models.retention import ArchiveRecord, LegalHold

blp = Blueprint("retention", __name__, url_prefix="/api/v1", description="Retention (归档与清除)")

TICKET = "/tickets/<string(maxlength=32):number>"
HOLD_KEEPERS = "only the center and admins place and release legal holds"
ARCHIVE_READERS = "only the center and admins read archive records"


def _ticket(session: Session, number: str) -> Ticket:
    return tickets.get_ticket(session, actor(), number)


def _hold(row: LegalHold, number: str) -> Shown:
    return Shown(row, ticket_number=number, active=row.released_at is None)


@blp.route(f"{TICKET}/legal-holds", methods=["POST"])
@require(access.may_hold, message=HOLD_KEEPERS)
@blp.arguments(LegalHoldCreateSchema)
@blp.response(201, LegalHoldSchema)
@blp.doc(**secured({"403": "not center or admin", "404": "no such ticket"}))
def place(body: dict[str, Any], number: str) -> Shown:
    """Put the ticket under a legal hold: its personal data and files are not purged, whatever
    their period, until the hold is released (the archive still happens)."""
    with unit_of_work() as session:
        ticket = _ticket(session, number)
        return _hold(legal_holds.place_hold(session, ticket, actor(), body["reason"]), number)


@blp.route(f"{TICKET}/legal-holds", methods=["GET"])
@require(access.may_hold, message=HOLD_KEEPERS)
@blp.response(200, LegalHoldListSchema)
@blp.doc(**secured({"403": "not center or admin", "404": "no such ticket"}))
def list_(number: str) -> dict[str, Any]:
    """The ticket's legal holds, released or not, oldest first."""
    with unit_of_work() as session:
        ticket = _ticket(session, number)
        return {"items": [_hold(row, number) for row in legal_holds.holds_of(session, ticket)]}


@blp.route(f"{TICKET}/legal-holds/<int(max=2147483647):hold_id>", methods=["DELETE"])
@require(access.may_hold, message=HOLD_KEEPERS)
@blp.response(200, LegalHoldSchema)
@blp.doc(
    **secured(
        {"403": "not center or admin", "404": "no such ticket or hold", "409": "released already"}
    )
)
def release(number: str, hold_id: int) -> Shown:
    """Release a legal hold; the next retention run purges what is past its period."""
    with unit_of_work() as session:
        ticket = _ticket(session, number)
        return _hold(legal_holds.release_hold(session, ticket, hold_id, actor()), number)


@blp.route(f"{TICKET}/archive", methods=["GET"])
@require(access.may_read_archive, message=ARCHIVE_READERS)
@blp.response(200, ArchiveSchema)
@blp.doc(**secured({"403": "not center or admin", "404": "no such ticket, or not archived yet"}))
def archive(number: str) -> Shown:
    """The ticket's archive record: the stored document and its sha256, with the requester
    as the ticket holds it now, as the caller may see it (（已清除） once purged). Recorded in
    the access audit as an export."""
    with unit_of_work() as session:
        ticket = _ticket(session, number)
        row = retention.archive_of(session, ticket)
        who = actor()
        requester: dict[str, Any] = {
            **access.requester_shown(ticket, who),
            "address": access.address_shown(ticket, who),
        }
        clear = ticket.purged_at is None and requester["phone"] == ticket.requester_phone
        audited(session, AuditAction.EXPORT, ticket, what="archive", format="json", requester=clear)
        return Shown(
            row,
            purged_at=ticket.purged_at,
            requester=requester,
            legal_holds=[_hold(h, number) for h in legal_holds.holds_of(session, ticket)],
            pdf_url=url_for("retention.archive_pdf", number=number),
        )


@blp.route(f"{TICKET}/archive.pdf", methods=["GET"])
@require(access.may_read_archive, message=ARCHIVE_READERS)
@blp.doc(
    security=[{"bearer": []}],
    summary="The archive record's PDF summary (Chinese)",
    responses={
        "200": {
            "description": "the summary exactly as archived, as a download",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **documented_errors(
            {"403": "not center or admin", "404": "no such ticket, or not archived yet"}
        ),
    },
)
def archive_pdf(number: str) -> Response:
    """The PDF summary, byte for byte as archived. Recorded in the access audit."""
    with unit_of_work() as session:
        ticket = _ticket(session, number)
        row: ArchiveRecord = retention.archive_of(session, ticket)
        audited(session, AuditAction.EXPORT, ticket, what="archive", format="pdf")
        body = row.pdf
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="archive-{number}.pdf"'
    return response
