"""The center's side of the task page (web.task_panels): unit pick-lists for the dispatch,
joint, leader and objection forms; possible repeats beside triage; the unit's request beside
the approval forms; the parts of a joint ticket beside the joint forms.

Imported by web/__init__.py for its registrations. Panels read what the API gives the same
user: repeats only for `hotline.access.sees_repeats` (with the same access audit), knowledge
hits only for knowledge readers, contacts only for `may_read_contacts`.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from api.context import source
from hotline import access, audit, clock, joint, repeats, search
from hotline.errors import Forbidden
from hotline.messages.contacts import HANDLER, contact_query
from hotline.models import JointPart, Ticket, TicketEvent, Unit
from hotline.statuses import (
    CATEGORY_LABELS,
    PART_ROLE_LABELS,
    PART_STATUS_LABELS,
    TICKET_STATUS_LABELS,
    PartStatus,
    TicketStatus,
)
from web import session as web_session
from web.center import (
    KINDS,
    NONE,
    UnitRequest,
    latest_requests,
    request_codes,
    shown_time,
    unit_label,
    unit_names,
    unit_request,
)
from web.task_panels import TaskView, choices, panel

# Form fields holding one unit code (triage, objection, designation, return, joint reassign,
# leader instruction, government review), and the one holding several (会签单位).
UNIT_FIELDS = ("unit", "lead_unit", "suggested_unit")
MULTI_UNIT_FIELDS = ("units",)

REPEAT_REASONS = {repeats.SAME_PHONE: "同一来电号码", repeats.SIMILAR_CONTENT: "内容相似"}
REPEATS_OPEN = 5  # shown at once; the others behind 其余 N 件
CONTENT_SHOWN = 300  # characters of another ticket's content beside the new one
ARTICLES_SHOWN = 5
SEARCH_CHARS = 500  # as the knowledge search API takes at most (api.schemas.knowledge_search)


# -- unit pick-lists ------------------------------------------------------------------------


def active_units(session: Session, district: str | None) -> list[tuple[str, str]]:
    """Active units as (code, '名称（code）'): the ticket's district's first (属地管理), then
    by district and code."""
    local = case((Unit.district == district, 0), else_=1) if district else None
    order = [local] if local is not None else []
    rows = session.execute(
        select(Unit.code, Unit.name)
        .where(Unit.active.is_(True))
        .order_by(*order, Unit.district, Unit.code)
    )
    return [(code, f"{name}（{code}）") for code, name in rows]


def unit_choices(view: TaskView) -> list[tuple[str, str]]:
    """The active units a unit field may name, the ticket's own district first."""
    return active_units(view.session, view.ticket.district if view.ticket else None)


for _field in UNIT_FIELDS:
    choices(_field)(unit_choices)
for _field in MULTI_UNIT_FIELDS:
    choices(_field, multiple=True)(unit_choices)


# -- rendering --------------------------------------------------------------------------------


def _render(template: str, **context: Any) -> Markup:
    return Markup(render_template(f"center/{template}", **context))


def _short(text: str | None, limit: int = CONTENT_SHOWN) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _ticket_facts(ticket: Ticket, names: dict[str, str]) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "status": TICKET_STATUS_LABELS.get(ticket.status, ticket.status),
        "category": CATEGORY_LABELS.get(ticket.category, ticket.category),
        "created": shown_time(ticket.created_at),
        "unit": unit_label(ticket.current_unit, names),
        "district": ticket.district or NONE,
        "confidential": ticket.confidential,
        "content": None if ticket.confidential else _short(ticket.content),
    }


# -- triage: a returned ticket's return, possible repeats, knowledge --------------------------


@panel("ticket", "triage")
def returned_panel(view: TaskView) -> Markup | None:
    """A ticket back at triage after a return: the unit's reasons beside the new dispatch."""
    ticket = view.ticket
    if ticket is None or ticket.status != TicketStatus.RETURNED:
        return None
    return _request_panel(view.session, view, ticket, "return", "退单申请")


@panel("ticket", "triage")
def repeats_panel(view: TaskView) -> Markup | None:
    """Possible repeats side by side with the new ticket: what GET …/repeats gives, with each
    other ticket's content, handling unit and status (the center sees those tickets)."""
    ticket = view.ticket
    if ticket is None or not access.sees_repeats(view.actor):
        return None
    found = repeats.possible_repeats(view.session, ticket)
    found = audit.shown_repeats(view.session, ticket, view.actor, found, source())
    # The same caller again is the likeliest repeat: those first, each group by similarity.
    found = sorted(found, key=lambda r: r["reason"] != repeats.SAME_PHONE)
    others = {
        t.number: t
        for t in view.session.scalars(
            select(Ticket).where(Ticket.number.in_([r["number"] for r in found]))
        )
    }
    codes = {t.current_unit for t in [ticket, *others.values()] if t.current_unit}
    names = unit_names(view.session, codes)
    rows = []
    for flag in found:
        other = others.get(flag["number"])
        if other is None:
            continue
        rows.append(
            {
                **_ticket_facts(other, names),
                "reason": REPEAT_REASONS.get(flag["reason"], flag["reason"]),
                "score": f"{round((flag['score'] or 0) * 100)}%",
                "high": (flag["score"] or 0) >= 0.8,
                "open": other.closed_at is None,
            }
        )
    return _render(
        "panel_repeats.html",
        this=_ticket_facts(ticket, names),
        rows=rows[:REPEATS_OPEN],
        more=rows[REPEATS_OPEN:],
        articles=_articles(view, ticket),
    )


def _articles(view: TaskView, ticket: Ticket) -> list[dict[str, Any]]:
    """Published articles the answer could cite (直办): the knowledge search on the content."""
    try:
        access.check_knowledge_reader(view.actor)
    except Forbidden:
        return []
    text = (ticket.content or "").strip()[:SEARCH_CHARS]
    if not text:
        return []
    found = search.search(view.session, text, region=ticket.district, per_page=ARTICLES_SHOWN)
    return [
        {
            "id": hit.article.id,
            "question_html": Markup(hit.question_html),  # escaped by hotline.search, <em> marks
            "snippet": Markup(hit.snippet),
            "unit": hit.unit_name,
        }
        for hit in found.hits
    ]


# -- approvals: the unit's request beside the form --------------------------------------------


def _request_panel(
    session: Session, view: TaskView, ticket: Ticket, kind: str, heading: str
) -> Markup | None:
    events = latest_requests(session, [ticket.id])
    event = events.get((ticket.id, KINDS[kind][2]))
    if event is None:
        return None
    names = unit_names(session, request_codes([event]))
    profile = web_session.services().runtime.profile
    found = unit_request(event, names, profile)
    return _render(
        "panel_request.html",
        heading=heading,
        request=found,
        unit=unit_label(found.unit, names),
        asked=shown_time(found.at),
        ticket=_deadline_facts(ticket),
        contacts=_contacts(session, view, found),
    )


def _deadline_facts(ticket: Ticket) -> dict[str, Any]:
    return {
        "due": shown_time(ticket.due_at),
        "extensions": ticket.extension_count,
        "returns": ticket.return_count,
        "objections": ticket.objection_count,
        "designated": ticket.designated_by,
    }


def _contacts(session: Session, view: TaskView, found: UnitRequest) -> list[dict[str, str]]:
    """The requesting unit's handlers (经办人), for a call before deciding."""
    if not found.unit or not access.may_read_contacts(view.actor, found.unit):
        return []
    rows = session.scalars(contact_query(role=HANDLER, unit_code=found.unit))
    return [{"name": c.name, "phone": c.phone or NONE, "email": c.email or NONE} for c in rows]


@panel("ticket", "approve_extension")
def extension_panel(view: TaskView) -> Markup | None:
    """延期审批: the unit's reason, kind and statement, the rule's length, the due time now."""
    if view.ticket is None:
        return None
    return _request_panel(view.session, view, view.ticket, "extension", "延期申请")


@panel("ticket", "coordinate_objection")
def objection_panel(view: TaskView) -> Markup | None:
    """协调派单异议: why the unit objects to the dispatch."""
    if view.ticket is None:
        return None
    return _request_panel(view.session, view, view.ticket, "objection", "派单异议")


@panel("ticket", "designate_unit")
def designation_panel(view: TaskView) -> Markup | None:
    """明确承办单位: the objection, and the dispatch history it came from."""
    if view.ticket is None:
        return None
    found = _request_panel(view.session, view, view.ticket, "objection", "派单异议")
    history = history_panel(view)
    return Markup("").join(p for p in (found, history) if p) or None


HISTORY_KINDS = {
    "ticket_dispatched": "转办",
    "ticket_dispatched_jointly": "会签派单",
    "ticket_returned": "退单",
    "dispatch_objected": "派单异议",
    "objection_coordinated": "中心协调",
    "part_returned": "分办退回",
    "part_reassigned": "分办改派",
    "leader_instructed": "领导批办",
    "unit_designated": "明确承办单位",
}


@panel("ticket", "leader_instruction")
def history_panel(view: TaskView) -> Markup | None:
    """Which units the ticket went to and why it came back: to choose the lead unit."""
    ticket = view.ticket
    if ticket is None:
        return None
    events = list(
        view.session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(list(HISTORY_KINDS)))
            .order_by(TicketEvent.at, TicketEvent.id)
        )
    )
    codes: set[str] = set()
    for event in events:
        data = event.data or {}
        named = ("unit", "lead_unit", "new_unit", "from_unit")
        codes.update(str(data[k]) for k in named if data.get(k))
        codes.update(str(u) for u in data.get("units") or data.get("assisting_units") or [])
    names = unit_names(view.session, codes)
    rows = [_history_row(event, names) for event in events]
    return _render("panel_history.html", rows=rows, ticket=_deadline_facts(ticket))


def _history_row(event: TicketEvent, names: dict[str, str]) -> dict[str, str]:
    data = event.data or {}
    unit = data.get("new_unit") or data.get("lead_unit") or data.get("unit")
    others = data.get("assisting_units") or [u for u in data.get("units") or [] if u != unit]
    reason = (
        data.get("return_reason")
        or data.get("reason")
        or data.get("comment")
        or data.get("instruction")
        or ""
    )
    return {
        "at": shown_time(event.at),
        "what": HISTORY_KINDS[event.kind],
        "unit": unit_label(unit, names),
        "others": "、".join(unit_label(u, names) for u in others),
        "by": event.actor_name,
        "reason": _short(str(reason), 200),
    }


# -- joint tickets: the parts beside the joint forms ------------------------------------------


def _parts_panel(view: TaskView, heading: str, *, returned_first: bool = False) -> Markup | None:
    ticket = view.ticket
    if ticket is None or not ticket.joint:
        return None
    parts = joint.parts_of(view.session, ticket.id)
    if not parts:
        return None
    names = unit_names(view.session, {p.unit_code for p in parts})
    now = clock.now()
    rows = [_part_row(part, names, now) for part in parts]
    returned = [r for r in rows if r["returned"]] if returned_first else []
    return _render("panel_parts.html", heading=heading, rows=rows, returned=returned)


def _part_row(part: JointPart, names: dict[str, str], now: Any) -> dict[str, Any]:
    result = part.result or {}
    said = result.get("findings") or result.get("opinion") or result.get("return_reason")
    return {
        "unit": unit_label(part.unit_code, names),
        "role": PART_ROLE_LABELS.get(part.role, part.role),
        "status": PART_STATUS_LABELS.get(part.status, part.status),
        "returned": part.status == PartStatus.RETURNED,
        "due": shown_time(part.due_at),
        "overdue": joint.is_part_overdue(part, now),
        "done": shown_time(part.completed_at) if part.completed_at else None,
        "said": _short(str(said), 200) if said else None,
        "return_reason": result.get("return_reason"),
    }


@panel("joint", "reassign_part")
def reassign_panel(view: TaskView) -> Markup | None:
    """分办改派: the part handed back (its reason) and the other parts."""
    return _parts_panel(view, "会签分办情况", returned_first=True)


@panel("joint", "merge")
def merge_panel(view: TaskView) -> Markup | None:
    """汇总答复: every unit's part and result, for the lead unit to merge."""
    return _parts_panel(view, "各单位分办结果")


@panel("ticket", "review")
def review_parts_panel(view: TaskView) -> Markup | None:
    """审核 of a joint ticket: the parts the merged reply rests on."""
    return _parts_panel(view, "会签分办情况")


@panel("ticket", "callback")
def callback_parts_panel(view: TaskView) -> Markup | None:
    """回访 of a joint ticket: which units took part."""
    return _parts_panel(view, "会签分办情况")


__all__ = ["active_units", "unit_choices"]
