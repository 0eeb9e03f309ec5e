"""Profile rules for messages (issue 14): which message kinds a profile sends, to whom, with
which Chinese template, within how long, and the article each comes from.

Read from the profile's optional [messages] table, one sub-table per message kind:

    [messages.ticket_dispatched]
    to = ["unit"]                          # recipient classes (RECIPIENTS)
    template = "【12345】工单{number}…"      # public fields only (PLACEHOLDERS)
    urgencies = ["special", "urgent"]      # optional match: categories, urgencies, channels
    send = false                           # optional: the article says not to (default true)
    source = "000_….txt 第十三条(一)"

    [messages.special_ticket.within]       # optional: deliver by (clock minutes or hours)
    minutes = 3
    source = "000_….txt 第十三条(四)"

A kind without a table is not sent. Which ticket event causes which kind is code
(hotline.messages.rules), the same in every profile; the profile says whether and to whom.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from hotline.policy import basics as b

# Message kinds a profile rule can send (outbox_messages.kind). Two more kinds are written by
# the service itself, not by a profile rule: callback_unsatisfied (hotline.sms_replies) and
# message_failed (hotline.messages.dispatch).
KINDS = (
    "ticket_dispatched",
    "deadline_reminder",
    "ticket_urged",
    "supervision_order",
    "yellow_card",
    "red_card",
    "summons",
    "government_review",
    "government_decision",
    "special_ticket",
    "emergency_reported",
    "extension_notice",
    "result_notice",
    "callback_request",
)
# Who a rule can address; hotline.messages.settings.RECIPIENTS says which channels reach each
# (kept equal by tests/test_messages_rules.py: policy may not import hotline.messages).
RECIPIENTS = ("unit", "unit_leader", "requester", "government", "duty_office", "center", "admin")
# Recipients that are a handling unit's people: a message goes to the unit the event names.
UNIT_RECIPIENTS = ("unit", "unit_leader")
# The public fields a template may use; never the requester's name, phone or the content.
PLACEHOLDERS = ("number", "category", "urgency", "unit", "due", "level")
CLOCK_UNITS = ("minutes", "hours")


class TicketLike(Protocol):
    """What a rule matches on: the ticket's category, urgency and channel."""

    category: str
    urgency: str
    channel: str


@dataclass(frozen=True)
class MessageRule:
    """One message kind of a profile: sent or not, to whom, its template and deadline."""

    kind: str
    send: bool
    to: tuple[str, ...]
    template: str
    match: b.Match
    within: b.Limit | None  # deliver by this long after its cause; None: no limit
    origin: b.Provenance

    def applies(self, ticket: TicketLike) -> bool:
        """Whether the rule sends for this ticket (sent at all, and the ticket matches)."""
        return self.send and self.match.applies(ticket.category, ticket.urgency, ticket.channel)


@dataclass(frozen=True)
class Messages:
    """The [messages] rules of a profile, one per kind it names."""

    rules: tuple[MessageRule, ...]
    origin: b.Provenance

    def rule(self, kind: str) -> MessageRule | None:
        """The rule of `kind`, sent or not; None when the profile names no such rule."""
        return next((r for r in self.rules if r.kind == kind), None)


NO_MESSAGES = Messages((), b.default_provenance("the profile has no [messages] table"))


def read_messages(top: Any, limit_table: Any, match: Any, provenance: Any) -> Messages:
    """[messages] with one table per kind of KINDS (to, template, match, within, send)."""
    t = top.table("messages", required=False)
    if t is None:
        return NO_MESSAGES
    for name, value in t.data.items():
        if isinstance(value, dict) and name not in KINDS:
            t.fail(name, f"unknown message kind; expected one of {', '.join(KINDS)}")
    rules = []
    for kind in KINDS:
        k = t.table(kind, required=False)
        if k is not None:
            rules.append(_rule(kind, k, limit_table, match, provenance))
    messages = Messages(tuple(rules), provenance(t))
    t.done()
    return messages


def _rule(kind: str, k: Any, limit_table: Any, match: Any, provenance: Any) -> MessageRule:
    send = k.get("send", (bool,))
    send = True if send is None else bool(send)
    to = k.choices("to", RECIPIENTS, "recipient")
    template = k.text("template", required=send)
    if send and not to:
        k.fail("to", "a message that is sent needs its recipients")
    if template is not None:
        _check_template(k, template)
    within = limit_table(k, "within", CLOCK_UNITS, positive=True, required=False)
    rule = MessageRule(
        kind,
        send,
        tuple(r for r in RECIPIENTS if r in (to or ())),
        template or "",
        match(k),
        within,
        provenance(k),
    )
    k.done()
    return rule


def _check_template(k: Any, template: str) -> None:
    """Only PLACEHOLDERS, plain (no format spec): a template cannot reach other data."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        k.fail("template", f"not a valid template: {exc}")
    for _text, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            allowed = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            k.fail(
                "template",
                f"unknown placeholder {{{field}}}; use {allowed} (public fields only: never "
                "the requester's name, phone or the content)",
            )


def messages_of(profile: object) -> Messages:
    """A profile's message rules (none for a profile object without any)."""
    return getattr(profile, "messages", None) or NO_MESSAGES


# Rule home: 000 第十三条, 第十四条, 第二十六条, 第二十七条; 001 第九条, 第十七条;
# 002 第二十五条(二), 第二十六条(二)9, 第二十七条, 第三十四条; 003 第十二条; 004 三(三)–三(六).
def message_recipients(profile: object, kind: str, ticket: TicketLike) -> MessageRule | None:
    """The rule that sends `kind` for this ticket (its recipients, template, within), or None
    when the profile does not send it (no rule, send = false, or the ticket does not match)."""
    rule = messages_of(profile).rule(kind)
    return rule if rule is not None and rule.applies(ticket) else None


# Rule home: 002 第二十七条(二) (短信回复诉求人，并征求诉求人的满意度); 000 第十四条 (短信、电话等).
def sms_callback_enabled(profile: object) -> bool:
    """Whether the requester gets a text asking for satisfaction when the callback starts."""
    rule = messages_of(profile).rule("callback_request")
    return rule is not None and rule.send and "requester" in rule.to


# Rule home: 000 第十三条(四) (3 分钟内…向事件属地政府…向承办单位经办人交办); 002 第二十五条(二).
def notify_within(profile: object, ticket: TicketLike) -> timedelta | None:
    """How soon after receipt the special/urgent ticket notice must be delivered, or None."""
    rule = message_recipients(profile, "special_ticket", ticket)
    if rule is None or rule.within is None:
        return None
    return rule.within.clock_time
