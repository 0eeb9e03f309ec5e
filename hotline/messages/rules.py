"""The hook: an event becomes outbox rows by the profile's [messages] rules.

`on_event(session, ticket_id, event)` is called by hotline.history.record_event in the
transaction of every ticket event. It decides at once which kinds the event causes and for
whom (`causes`, the profile's rule: hotline.policy.messages); the rows themselves are written
just before that transaction commits, so a message shows the ticket as the step leaves it
(the number intake takes last, the due time a dispatch sets after its event). A rolled-back
step writes nothing; a committed one commits its rows with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session, SessionTransaction

from hotline.messages.context import messaging_of, profile_of
from hotline.messages.outbox import enqueue
from hotline.messages.recipients import addresses
from hotline.messages.templates import PublicFields, render, subject
from hotline.models import Ticket, TicketEvent, Unit
from hotline.policy.messages import (
    UNIT_RECIPIENTS,
    MessageRule,
    message_recipients,
    sms_callback_enabled,
)

PENDING_KEY = "messages_pending"  # session.info: messages decided, written before commit
HOOKED_KEY = "messages_hooked"
CALLBACK_TASK = "callback"  # ticket.bpmn's callback user task: its creation asks by SMS
# Escalation rungs (hotline.policy.escalation.LEVELS) and the message each sends.
RUNG_KINDS = {
    "urge": "ticket_urged",
    "supervision_order": "supervision_order",
    "yellow_card": "yellow_card",
    "red_card": "red_card",
    "summons": "summons",
    "government_review": "government_review",
}
# An urge these triggers start follows a `ticket_urged` event that already sent it.
URGED_BY_EVENT = ("overdue", "acknowledge_overdue")
# Kinds whose deadline counts from the ticket's receipt (000 第十三条(四): 收到…3 分钟内).
FROM_RECEIPT = ("special_ticket", "emergency_reported")
DISPATCHES = ("ticket_dispatched", "ticket_dispatched_jointly", "part_reassigned")
EVENTS = frozenset(
    {
        "ticket_created",
        *DISPATCHES,
        "government_decision_applied",
        "deadline_reminder",
        "ticket_urged",
        "ticket_escalated",
        "extension_approved",
        "result_approved",
        "task_created",
    }
)


@dataclass(frozen=True)
class Cause:
    """One message kind an event causes: for which units, limited to which recipients."""

    kind: str
    units: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None  # None: every recipient of the profile's rule
    level: str | None = None


@dataclass
class Planned:
    """A message decided in the event's transaction, written just before it commits."""

    ticket_id: int
    rule: MessageRule
    recipient: str
    unit_code: str | None
    due_by: datetime | None
    due: datetime | None  # the due time the event names; None: the ticket's own
    level: str | None
    savepoint: SessionTransaction | None = field(default=None, compare=False)


def _units(data: dict[str, Any], *names: str) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        value = data.get(name)
        for code in value if isinstance(value, list) else [value]:
            if isinstance(code, str) and code and code not in found:
                found.append(code)
    return tuple(found)


def causes(event: TicketEvent, callback_by_sms: bool) -> list[Cause]:
    """The message kinds `event` causes (the profile then says whether and to whom)."""
    data, kind = event.data or {}, event.kind
    if kind == "ticket_created":
        # The unit is not known yet: its handler hears at dispatch (below).
        others = ("government", "duty_office", "center", "requester")
        return [Cause("special_ticket", only=others), Cause("emergency_reported")]
    if kind in DISPATCHES:
        units = _units(data, "unit", "units")
        return [
            Cause("ticket_dispatched", units),
            Cause("special_ticket", units, only=UNIT_RECIPIENTS),
        ]
    if kind == "government_decision_applied":
        return [Cause("government_decision", _units(data, "unit"))]
    if kind in ("deadline_reminder", "ticket_urged"):
        return [Cause(kind, _units(data, "unit"))]
    if kind == "ticket_escalated":
        level = data.get("level")
        if level not in RUNG_KINDS or (level == "urge" and data.get("trigger") in URGED_BY_EVENT):
            return []
        return [Cause(RUNG_KINDS[level], _units(data, "unit"), level=level)]
    if kind == "extension_approved":
        return [Cause("extension_notice")]
    if kind == "result_approved":
        return [Cause("result_notice")]
    if kind == "task_created" and event.task == CALLBACK_TASK and callback_by_sms:
        return [Cause("callback_request")]
    return []


def on_event(session: Session, ticket_id: int, event: TicketEvent) -> None:
    """Decide the messages `event` causes (none when the session carries no profile)."""
    if event.kind not in EVENTS:
        return
    profile = profile_of(session)
    if profile is None:
        return
    found = causes(event, sms_callback_enabled(profile))
    ticket = session.get(Ticket, ticket_id) if found else None
    if ticket is None:
        return
    due = _when((event.data or {}).get("due_at"))
    for cause in found:
        rule = message_recipients(profile, cause.kind, ticket)
        if rule is None:
            continue
        due_by = _due_by(rule, ticket, event)
        for recipient in rule.to:
            if cause.only is not None and recipient not in cause.only:
                continue
            if recipient in UNIT_RECIPIENTS:
                units: tuple[str | None, ...] = cause.units  # one message per unit named
            else:
                units = (cause.units[0] if cause.units else ticket.current_unit,)
            for unit in units:
                _plan(session, Planned(ticket_id, rule, recipient, unit, due_by, due, cause.level))


def _when(value: Any) -> datetime | None:
    """An ISO time from event data; None for none or the timers' NEVER (year 9999)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if when.year >= 9999 else when


def _due_by(rule: MessageRule, ticket: Ticket, event: TicketEvent) -> datetime | None:
    """Deliver by: the rule's `within` after the receipt (special, emergency) or the event."""
    within = rule.within.clock_time if rule.within is not None else None
    if within is None:
        return None
    start = ticket.created_at if rule.kind in FROM_RECEIPT else event.at
    return start + within


# -- written just before commit --------------------------------------------------------------


def _plan(session: Session, planned: Planned) -> None:
    planned.savepoint = session.get_nested_transaction()
    session.info.setdefault(PENDING_KEY, []).append(planned)
    if not session.info.get(HOOKED_KEY):
        session.info[HOOKED_KEY] = True
        orm_event.listen(session, "before_commit", _write_pending)
        orm_event.listen(session, "after_soft_rollback", _drop_pending)


def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    """A rolled-back step sends nothing: a savepoint's own messages, or all of them."""
    pending: list[Planned] = session.info.get(PENDING_KEY, [])
    if previous.nested:
        pending[:] = [p for p in pending if p.savepoint is not previous]
    else:
        pending.clear()


def _write_pending(session: Session) -> None:
    """The outbox rows of the messages decided in this transaction."""
    if session.in_nested_transaction():
        return  # a savepoint commits; the transaction goes on
    pending: list[Planned] = session.info.get(PENDING_KEY, [])
    if not pending:
        return
    planned_now, pending[:] = list(pending), []
    routes = messaging_of(session).routes
    for planned in planned_now:
        ticket = session.get(Ticket, planned.ticket_id)
        if ticket is None:
            continue
        kind = planned.rule.kind
        unit = session.get(Unit, planned.unit_code) if planned.unit_code else None
        fields = PublicFields(
            number=ticket.number,
            category=ticket.category,
            urgency=ticket.urgency,
            unit_name=unit.name if unit is not None else None,
            due=planned.due or ticket.due_at,
            level=planned.level,
        )
        body = render(planned.rule.template, fields)
        for channel in routes.channels(planned.recipient, kind):
            for to in addresses(session, planned.recipient, channel, ticket, planned.unit_code):
                enqueue(
                    session,
                    kind=kind,
                    channel=channel,
                    recipient=planned.recipient,
                    address=to.address,
                    recipient_name=to.name,
                    contact_id=to.contact_id,
                    ticket_id=ticket.id,
                    unit_code=planned.unit_code,
                    subject=subject(kind, ticket.number),
                    body=body,
                    rule=rule_text(planned.rule),
                    due_by=planned.due_by,
                )


def rule_text(rule: MessageRule) -> str:
    """The rule's article as the outbox keeps it: `000 第十三条(四)`, `(default)` marked."""
    seed, _, article = rule.origin.source.partition(" ")
    text = f"{seed[:3]} {article}".strip()
    return text + " (default)" if rule.origin.default_not_from_regulation else text
