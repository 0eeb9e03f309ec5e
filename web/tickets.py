"""The workplace's 工单 pages: the ticket list, one ticket with its history and the diagram of
its process as it stands, and the downloads of its attachments.

Every page reads through the domain functions GET /api/v1/tickets and GET …/<number> use,
under the same scope (hotline.access.ticket_scope): a ticket the user may not see answers
404, never 403, so a page never confirms that it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select

from api.attachments import download as api_download
from hotline import tickets
from hotline.calendar import WorkingCalendar
from hotline.errors import NotFound
from hotline.models import Ticket, Unit
from hotline.models.attachments import Attachment
from hotline.policy import CATEGORIES
from hotline.statuses import TicketStatus, values
from web import diagram, pages
from web.session import services
from web.ticket_page import ticket_context
from web.ticket_view import (
    CATEGORY_LABELS,
    TICKET_STATUS_LABELS,
    handling_due,
    local_time,
)

bp = Blueprint("web_tickets", __name__)
PER_PAGE = 20
MAX_PAGE = 100_000
NOT_FOUND = pages.ERROR_TITLES[404]


def _not_found() -> Response:
    return pages.error_page(404, NOT_FOUND)


def list_filters(args: Any) -> dict[str, Any]:
    """The list's filters from the query string; values the API would refuse are dropped."""
    found: dict[str, Any] = {}
    status = args.get("status", "")
    if status in values(TicketStatus):
        found["status"] = status
    category = args.get("category", "")
    if category in CATEGORIES:
        found["category"] = category
    unit = args.get("unit", "").strip()
    if unit and len(unit) <= 32:
        found["unit"] = unit
    overdue = args.get("overdue", "")
    if overdue in ("true", "false"):
        found["overdue"] = overdue == "true"
    due_before = _aware(args.get("due_before", ""))
    if due_before is not None:  # the dashboard's 临期 links: open tickets due before then
        found["due_before"] = due_before
    return found


def _aware(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text[:40]) if text else None
    except ValueError:
        return None
    return when if when is not None and when.tzinfo is not None else None


def _page_number(args: Any) -> int:
    raw = args.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) >= 1 else 1


@bp.route("/tickets")
@pages.page_for("tickets")
def index() -> Response:
    """工单: the tickets the user may see, newest first, filtered and paged."""
    who = pages.signed_in_actor()
    filters = list_filters(request.args)
    number = request.args.get("number", "").strip()[:40]
    page = _page_number(request.args)
    with services().transaction() as session:
        if number:  # a number asks for that one ticket, under the same scope
            try:
                rows, total = [tickets.get_ticket(session, who, number)], 1
            except NotFound:
                rows, total = [], 0
        else:
            rows, total = tickets.list_tickets(
                session, who, **filters, page=page, per_page=PER_PAGE
            )
        calendar = WorkingCalendar.load(session)
        units = {u.code: u.name for u in session.scalars(select(Unit).order_by(Unit.code))}
        items = [_row(ticket, calendar, units) for ticket in rows]
    pages_total = max(1, -(-total // PER_PAGE))
    kept = ("status", "category", "unit", "overdue", "due_before")
    query = {k: request.args.get(k, "") for k in kept}

    def pager_query(to: int) -> str:
        return urlencode({**{k: v for k, v in query.items() if v}, "page": to})

    return pages.render(
        "tickets/list.html",
        title="工单",
        active="tickets",
        items=items,
        total=total,
        page=page,
        pages_total=pages_total,
        number=number,
        query=query,
        statuses=TICKET_STATUS_LABELS,
        categories=[(c, CATEGORY_LABELS.get(c, c)) for c in CATEGORIES],
        units=units,
        pager_query=pager_query,
        due_before_shown=local_time(filters.get("due_before")),
        without_due_before=urlencode(
            {k: v for k, v in query.items() if v and k != "due_before"} | {"number": number}
        ),
    )


def _row(ticket: Ticket, calendar: WorkingCalendar, units: dict[str, str]) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "status": TICKET_STATUS_LABELS.get(ticket.status, ticket.status),
        "category": CATEGORY_LABELS.get(ticket.category, ticket.category),
        "unit": units.get(ticket.current_unit or "", ticket.current_unit or "—"),
        "created_at": local_time(ticket.created_at),
        "content": ticket.content[:60] + ("…" if len(ticket.content) > 60 else ""),
        "due": handling_due(calendar, ticket),
        "joint": ticket.joint,
    }


@bp.route("/tickets/<string:number>")
@pages.page_for("tickets")
def show(number: str) -> Response:
    """One ticket: everything GET /api/v1/tickets/<number> shows, its history as a timeline
    and the diagram of its process as it stands."""
    who = pages.signed_in_actor()
    host = services()
    with host.transaction() as session:
        try:
            ticket = tickets.get_ticket(session, who, number)
        except NotFound:
            return _not_found()
        context = ticket_context(session, host.runtime, who, ticket, _instance_arg())
    if context is None:
        return _not_found()
    return pages.render("tickets/detail.html", active="tickets", **context)


def _instance_arg() -> int | None:
    raw = request.args.get("instance", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@bp.route("/tickets/<string:number>/diagram.xml")
@pages.page_for("tickets")
def diagram_xml(number: str) -> Response:
    """The BPMN XML of the exact version the ticket's instance (`?instance=`) runs."""
    who = pages.signed_in_actor()
    with services().transaction() as session:
        try:
            ticket = tickets.get_ticket(session, who, number)
            row = diagram.pick(diagram.ticket_instances(session, ticket), _instance_arg())
        except NotFound:
            return _not_found()
        xml = row.definition.xml
    response = Response(xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/tickets/<string:number>/diagram.json")
@pages.page_for("tickets")
def diagram_json(number: str) -> Response:
    """Per element how often it ran and whether it is active now; the sequence flows taken."""
    who = pages.signed_in_actor()
    host = services()
    with host.transaction() as session:
        try:
            ticket = tickets.get_ticket(session, who, number)
            row = diagram.pick(diagram.ticket_instances(session, ticket), _instance_arg())
        except NotFound:
            return _not_found()
        state = diagram.diagram_state(host.runtime, session, row)
        body = state.as_json(diagram.shape_of(row.definition))
        body.update(
            process=row.definition.process_id,
            version=row.definition.version,
            status=row.instance.status,
        )
    response = jsonify(body)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/tickets/<string:number>/attachments/<int(max=2147483647):attachment_id>")
@pages.page_for("tickets")
def attachment(number: str, attachment_id: int) -> Response:
    """An attachment of the ticket, streamed and audited as the API's download does it."""
    who = pages.signed_in_actor()
    with services().transaction() as session:
        try:
            ticket = tickets.get_ticket(session, who, number)
        except NotFound:
            return _not_found()
        owner = session.scalar(select(Attachment.ticket_id).where(Attachment.id == attachment_id))
        if owner != ticket.id:
            return _not_found()
    return api_download(attachment_id)  # the same scope check, audit row and streaming
