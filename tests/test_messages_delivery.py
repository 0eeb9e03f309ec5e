"""Every message kind reaches its people over every channel that can reach them.

One test per kind: the step that causes it runs with every recipient routed to all its
channels at once (sms through the local gateway stand-in, e-mail to a real local SMTP server,
in-app to the users' inboxes, the log); one dispatcher round later each row is sent and each
channel's receiver holds the message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from email.header import decode_header, make_header
from email.message import Message

import pytest
from sqlalchemy import select

from hotline import clock
from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from hotline.models import User
from hotline.models.messages import Notification, OutboxMessage
from hotline.policy.messages import KINDS
from tests.conftest import Hotline
from tests.helpers.clock import at, local, move_clock
from tests.helpers.escalation import DONE
from tests.helpers.messages import hotline_with, outbox
from tests.helpers.outbox import messaging
from tests.helpers.receivers import SmsReceiver, SmtpReceiver
from tests.helpers.tickets import ACK, dispatched
from wiring.services import Services

ALL_CHANNELS = (
    "*=log; unit=sms,email,inapp,log; unit_leader=sms,email,inapp,log; requester=sms,log; "
    "government=sms,email,log; duty_office=sms,email,log; center=inapp,log; admin=inapp,log"
)


@pytest.fixture
def receivers() -> Iterator[tuple[SmsReceiver, SmtpReceiver]]:
    """The local SMS gateway stand-in and SMTP server."""
    sms, smtp = SmsReceiver(), SmtpReceiver()
    yield sms, smtp
    sms.close()
    smtp.close()


@pytest.fixture
def make(
    settings: Settings,
    manual_clock: clock.ManualClock,
    receivers: tuple[SmsReceiver, SmtpReceiver],
) -> Iterator[Callable[[str], Hotline]]:
    """`make("guangxi")`: the API under a profile, every channel on, reaching the receivers."""
    built: list[Services] = []

    def build(profile: str) -> Hotline:
        hotline, services = hotline_with(settings, profile, messaging(*receivers, ALL_CHANNELS))
        built.append(services)
        return hotline

    yield build
    for services in built:
        services.dispose()


def _escalated(level: str) -> Callable[[Hotline], str]:
    def step(h: Hotline) -> str:
        number = dispatched(h)
        path = f"/api/v1/tickets/{number}/escalations"
        response = h.supervisor.post(path, json={"level": level, "reason": "督办测试"})
        assert response.status_code == 201, response.json
        return number

    return step


def _reminded(h: Hotline) -> str:
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    move_clock(h, "2026-11-26 00:01")  # 24 h before the complaint's due time (27th 00:00)
    return number


def _urged(h: Hotline) -> str:
    number = dispatched(h)
    move_clock(h, "2026-11-23 09:31")  # not acknowledged within 30 minutes
    return number


def _decided(h: Hotline) -> str:
    number = _escalated("government_review")(h)
    decision = {"instruction": "由生态环境局主办", "unit": "HBJ", "due_at": at("2026-12-20 10:00")}
    h.leader.complete(number, "government_review", decision)
    return number


def _special(h: Hotline) -> str:
    number = h.new_ticket(urgency="special")["number"]
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    return number


def _extended(h: Hotline) -> str:
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    ask = {"outcome": "extension", "extension_reason": "需现场检测", "requester_told": True}
    h.unit.complete(number, "handle", ask)
    h.center.complete(number, "approve_extension", {"approved": True})
    return number


def _reviewed(h: Hotline) -> str:
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    return number


# kind → (profile, the step causing it, the recipients it goes to)
SCENARIOS: dict[str, tuple[str, Callable[[Hotline], str], set[str]]] = {
    "ticket_dispatched": ("guangyuan", dispatched, {"unit"}),
    "deadline_reminder": ("guangyuan", _reminded, {"unit"}),
    "ticket_urged": ("guangyuan", _urged, {"unit"}),
    "supervision_order": ("guangyuan", _escalated("supervision_order"), {"unit", "unit_leader"}),
    "yellow_card": ("guangxi", _escalated("yellow_card"), {"unit", "unit_leader"}),
    "red_card": ("meizhou", _escalated("red_card"), {"unit", "unit_leader"}),
    "summons": ("puyang", _escalated("summons"), {"unit", "unit_leader"}),
    "government_review": ("guangyuan", _escalated("government_review"), {"unit", "unit_leader"}),
    "government_decision": ("guangyuan", _decided, {"unit", "unit_leader"}),
    "special_ticket": ("guangyuan", _special, {"unit", "government"}),
    "emergency_reported": (
        "puyang",
        lambda h: h.new_ticket(urgency="urgent")["number"],
        {"duty_office"},
    ),
    "extension_notice": ("guangyuan", _extended, {"requester"}),
    "result_notice": ("puyang", _reviewed, {"requester"}),
    "callback_request": ("guangxi", _reviewed, {"requester"}),
}


def test_every_kind_a_profile_sends_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(KINDS)


def _text(mail: Message) -> str:
    payload = mail.get_payload(decode=True) if not mail.is_multipart() else None
    if isinstance(payload, bytes):
        return payload.decode(mail.get_content_charset() or "utf-8")
    return "".join(_text(part) for part in mail.walk() if part is not mail)


def _inbox_keys(h: Hotline, unit: str | None, role: str | None) -> dict[str, set[str]]:
    """Message keys in the inboxes of the unit's (or the role's) users, by user name."""
    with h.services.transaction() as session:
        query = select(User.name, Notification.message_key).join(
            Notification, Notification.user_id == User.id
        )
        query = query.where(User.unit_code == unit) if unit else query.where(User.role == role)
        found: dict[str, set[str]] = {}
        for name, key in session.execute(query):
            found.setdefault(name, set()).add(key)
        return found


def _delivered(h: Hotline) -> None:
    while dispatch_round(h.services.sessions, h.services.settings, "test"):
        pass


@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_the_message_reaches_every_channel(
    make: Callable[[str], Hotline],
    receivers: tuple[SmsReceiver, SmtpReceiver],
    caplog: pytest.LogCaptureFixture,
    kind: str,
) -> None:
    profile, step, recipients = SCENARIOS[kind]
    sms, smtp = receivers
    h = make(profile)
    caplog.set_level(logging.INFO, logger="hotline.messages.sent")
    number = step(h)
    _delivered(h)

    rows: list[OutboxMessage] = outbox(h, number, kind=kind)
    assert {r.recipient for r in rows} == recipients
    routes = h.services.settings.messaging.routes
    for recipient in recipients:
        wanted = set(routes.channels(recipient, kind))
        assert {r.channel for r in rows if r.recipient == recipient} == wanted, recipient
    for row in rows:
        assert row.status == "sent" and row.sent_at is not None, (row.channel, row.last_error)
        assert number in row.body
        if row.channel == "sms":
            [text] = [t for t in sms.received if t.body["id"] == row.key]
            assert (text.body["phone"], text.body["text"]) == (row.address, row.body)
            assert text.body["kind"] == kind and text.signature_problem is None
        elif row.channel == "email":
            [mail] = [m for m in smtp.to(row.address) if row.key in (m["Message-ID"] or "")]
            assert str(
                make_header(decode_header(mail["Subject"]))
            ) == row.subject and row.body in _text(mail)
        elif row.channel == "inapp":
            inboxes = _inbox_keys(h, row.unit_code, None)
            assert inboxes and all(row.key in keys for keys in inboxes.values())
        else:  # log
            assert any(
                row.key in r.getMessage() and row.body in r.getMessage() for r in caplog.records
            )


def test_the_ticket_shows_whether_its_special_notices_went_out_within_3_minutes(
    hotline: Hotline,
) -> None:
    """guangyuan 第十三条(四): the local government and the unit's handler are told within
    3 minutes of receipt; the ticket detail measures each notice (due_by against sent_at)."""
    h = hotline
    number = h.new_ticket(urgency="special")["number"]  # received 09:00
    move_clock(h, "2026-11-23 09:01")
    _delivered(h)  # the government's notice leaves at 09:01
    move_clock(h, "2026-11-23 09:05")
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    _delivered(h)  # the unit's leaves at 09:05: two minutes late

    shown = [m for m in h.ticket(number)["messages"] if m["kind"] == "special_ticket"]
    government = [m for m in shown if m["recipient"] == "government"]
    unit = [m for m in shown if m["recipient"] == "unit"]
    assert government and unit
    assert {local(m["due_by"]) for m in shown} == {"2026-11-23 09:03"}
    assert all(m["on_time"] is True and m["status"] == "sent" for m in government)
    assert all(m["on_time"] is False and m["status"] == "sent" for m in unit)
    assert government[0]["rule"] == "000 第十三条(四)"
    assert government[0]["recipient_name"] == "利州区人民政府办公室"
    # Messages without a deadline are not measured.
    dispatch = [m for m in h.ticket(number)["messages"] if m["kind"] == "ticket_dispatched"]
    assert dispatch and all(m["on_time"] is None and m["due_by"] is None for m in dispatch)


def test_an_unsent_notice_past_its_deadline_shows_late_and_units_see_no_message_list(
    hotline: Hotline,
) -> None:
    h = hotline
    number = h.new_ticket(urgency="urgent")["number"]
    [pending] = [m for m in h.ticket(number)["messages"] if m["kind"] == "special_ticket"]
    assert (pending["status"], pending["on_time"]) == ("pending", None)
    move_clock(h, "2026-11-23 09:04")  # no dispatcher ran
    [late] = [m for m in h.ticket(number)["messages"] if m["kind"] == "special_ticket"]
    assert (late["status"], late["on_time"]) == ("pending", False)
    for reader in (h.supervisor, h.admin):
        assert "messages" in reader.get(f"/api/v1/tickets/{number}").json
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    assert "messages" not in h.unit.get(f"/api/v1/tickets/{number}").json
