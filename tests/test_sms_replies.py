"""SMS callback replies (POST /api/v1/sms/inbound) under guangxi 第二十七条(二)(三).

Clock: Monday 2026-11-23 09:00 Shanghai. The gateway is the stand-in (tests.helpers.receivers);
replies are signed as it signs them. A ticket at `callback` has had its callback text
(callback_request) delivered to the requester's phone 13800001234 by the dispatcher.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from hotline.messages.replies import rating_of, reply_prompt
from hotline.models.messages import InboundSms, OutboxMessage
from hotline.sms_replies import national_number
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from tests.helpers.api import assert_error
from tests.helpers.clock import move_clock
from tests.helpers.receivers import SmsReceiver
from tests.helpers.servers import LiveServer, race
from tests.helpers.sms import INBOUND, at_callback, reply, signed_headers, with_gateway
from tests.helpers.tickets import events, kinds
from wiring.services import build_services

PHONE = "13800001234"


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The stand-in SMS gateway."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def gx(settings: Settings, manual_clock, gateway: SmsReceiver) -> Iterator[Hotline]:
    """guangxi, texting requesters through the stand-in gateway."""
    services = build_services(with_gateway(settings, gateway.url, gateway.secret, "guangxi"))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    yield make_hotline(services)
    services.dispose()


def waiting(h: Hotline, gateway: SmsReceiver) -> str:
    """A ticket at callback whose requester got the callback text (callback_request) through
    the gateway, as guangxi's [messages] rule sends it when the callback starts."""
    number = at_callback(h)
    dispatch_round(h.services.sessions)
    asked = [t for t in gateway.texts(PHONE) if t["kind"] == "callback_request"]
    assert asked and number in asked[-1]["text"] and "1 满意" in asked[-1]["text"], asked
    return number


def outcome(h: Hotline, secret: str, text: str, phone: str = PHONE, **kw: str) -> str:
    """Post a signed reply; its outcome (asserting 200)."""
    response = reply(h, secret, phone, text, **kw)
    assert response.status_code == 200, response.json
    return response.json["outcome"]


def test_reply_1_records_satisfied_on_the_callback_task_and_closes(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """guangxi 第二十七条(二): the requester answers the text; the center's callback task is
    completed with that satisfaction through ticket.bpmn, as an operator would, and closes."""
    number = waiting(gx, gateway)
    response = reply(gx, gateway.secret, PHONE, "1", gateway_id="gw-1")
    assert response.status_code == 200, response.json
    assert response.json == {"id": "gw-1", "outcome": "satisfied", "replayed": False}
    ticket = gx.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "satisfied")
    history = kinds(ticket)
    tail = history[history.index("sms_reply_received") :]
    assert tail[:1] == ["sms_reply_received"]
    assert {"task_completed", "callback_recorded", "ticket_closed"} <= set(tail)
    (completed,) = [e for e in events(gx, number, "task_completed") if e["task"] == "callback"]
    assert completed["actor"] == "sms reply"
    assert completed["data"]["satisfaction"] == "satisfied"
    assert [t for t in gx.center.inbox() if t["ticket_number"] == number] == []


def test_words_and_full_width_digits_count_as_answers(gx: Hotline, gateway: SmsReceiver) -> None:
    """Phones send full-width digits and punctuation; 满意 is not mistaken for 基本满意."""
    for text, satisfaction in [
        ("２", "basically_satisfied"),
        (" 基本满意！", "basically_satisfied"),
        ("满意。", "satisfied"),
    ]:
        number = waiting(gx, gateway)
        assert outcome(gx, gateway.secret, text) == satisfaction
        assert gx.ticket(number)["satisfaction"] == satisfaction


def test_reply_3_goes_to_the_center_for_a_manual_callback(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """guangxi 第二十七条(三): 不满意 → the center reviews and calls back by hand. The task stays
    in the center's inbox, the no-answer default (满意 after 24 h) no longer applies, the
    center is told in-app, and the center's own callback decides (here: rehandle)."""
    number = waiting(gx, gateway)
    assert outcome(gx, gateway.secret, "3") == "unsatisfied"
    ticket = gx.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("callback", None)
    assert events(gx, number, "callback_unsatisfied")[0]["data"]["rule"] == "002 第二十七条(三)"
    assert gx.center.task_for(number, "callback")
    with gx.services.transaction() as session:
        told = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "callback_unsatisfied")
        ).all()
        assert [(m.channel, m.recipient) for m in told] == [("inapp", "center")]
        assert number in told[0].body and PHONE not in told[0].body
    dispatch_round(gx.services.sessions)
    inbox = gx.center.get("/api/v1/notifications", query_string={"unread": "true"}).json
    told_center = [n for n in inbox["items"] if n["kind"] == "callback_unsatisfied"]
    assert [n["ticket_number"] for n in told_center] == [number]
    assert "人工回访" in told_center[0]["body"]
    move_clock(gx, "2026-11-25 09:00")  # 48 h later: no default satisfaction
    assert gx.ticket(number)["status"] == "callback"
    assert events(gx, number, "callback_no_answer") == []
    # A second answer to the same text changes nothing: the center has it now.
    assert outcome(gx, gateway.secret, "1") == "already_answered"
    assert gx.ticket(number)["status"] == "callback"
    gx.center.complete(number, "callback", {"satisfaction": "unsatisfied", "reasonable": True})
    assert gx.ticket(number)["status"] == "handling"


def test_no_reply_within_24_hours_counts_as_satisfied_and_a_late_reply_does_nothing(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """guangxi 第二十七条(二): 如诉求人24小时内未回复，则默认为满意; a reply after that finds
    no open callback and is only recorded."""
    number = waiting(gx, gateway)
    move_clock(gx, "2026-11-24 09:01")
    ticket = gx.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "satisfied")
    assert outcome(gx, gateway.secret, "3") == "no_callback"
    assert gx.ticket(number)["satisfaction"] == "satisfied"
    assert events(gx, number, "sms_reply_received") == []


def test_other_texts_and_unknown_phones_are_recorded_and_change_nothing(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """A question or a stranger's text is kept (inbound_sms) and does nothing else."""
    number = waiting(gx, gateway)
    assert outcome(gx, gateway.secret, "请问什么时候能修好？") == "not_understood"
    assert outcome(gx, gateway.secret, "1", phone="13900009999") == "no_callback"
    assert gx.ticket(number)["status"] == "callback"
    assert events(gx, number, "sms_reply_received") == []
    with gx.services.transaction() as session:
        rows = session.scalars(select(InboundSms).order_by(InboundSms.id)).all()
        assert [(r.phone, r.outcome) for r in rows] == [
            (PHONE, "not_understood"),
            ("13900009999", "no_callback"),
        ]
        assert rows[0].text == "请问什么时候能修好？" and rows[0].ticket_id is not None


def test_the_phone_may_come_with_country_code_and_spaces(gx: Hotline, gateway: SmsReceiver) -> None:
    """Gateways write +86 and spaces; the requester is the same."""
    number = waiting(gx, gateway)
    assert outcome(gx, gateway.secret, "1", phone="+86 138 0000 1234") == "satisfied"
    assert gx.ticket(number)["status"] == "closed"


def test_a_reply_answers_the_latest_text_to_that_phone(gx: Hotline, gateway: SmsReceiver) -> None:
    """Two tickets of one requester at callback: the answer is for the text sent last."""
    first = waiting(gx, gateway)
    move_clock(gx, "2026-11-23 09:05")
    second = waiting(gx, gateway)
    assert outcome(gx, gateway.secret, "2") == "basically_satisfied"
    assert gx.ticket(second)["status"] == "closed"
    assert gx.ticket(first)["status"] == "callback"
    assert outcome(gx, gateway.secret, "1") == "satisfied"  # now the first one's
    assert gx.ticket(first)["status"] == "closed"


def test_a_retried_gateway_id_answers_its_first_outcome_and_does_nothing_twice(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """The gateway retries a reply it thinks was lost: 200, the first outcome, one effect."""
    number = waiting(gx, gateway)
    first = reply(gx, gateway.secret, PHONE, "3", gateway_id="gw-7")
    again = reply(gx, gateway.secret, PHONE, "3", gateway_id="gw-7")
    assert first.json == {"id": "gw-7", "outcome": "unsatisfied", "replayed": False}
    assert again.status_code == 200
    assert again.json == {"id": "gw-7", "outcome": "unsatisfied", "replayed": True}
    assert len(events(gx, number, "callback_unsatisfied")) == 1


def test_the_same_reply_posted_at_once_acts_once(gx: Hotline, gateway: SmsReceiver) -> None:
    """Four identical posts over real HTTP at the same moment: all 200, one effect."""
    number = waiting(gx, gateway)
    raw = json.dumps({"id": "gw-race", "phone": PHONE, "text": "1"}).encode()
    server = LiveServer(gx.app)
    try:

        def post() -> tuple[int, dict]:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            try:
                connection.request("POST", INBOUND, raw, signed_headers(gateway.secret, raw))
                response = connection.getresponse()
                return response.status, json.loads(response.read())
            finally:
                connection.close()

        results = race([post] * 4)
    finally:
        server.close()
    assert [status for status, _ in results] == [200] * 4, results
    assert {body["outcome"] for _, body in results} == {"satisfied"}
    assert sorted(body["replayed"] for _, body in results) == [False, True, True, True]
    assert len(events(gx, number, "sms_reply_received")) == 1
    assert len(events(gx, number, "callback_recorded")) == 1


def test_unsigned_or_wrongly_signed_replies_are_refused_naming_the_header(
    gx: Hotline, gateway: SmsReceiver
) -> None:
    """401 names the header; the signature is checked before the body; no token needed."""
    number = waiting(gx, gateway)
    raw = json.dumps({"id": "gw-x", "phone": PHONE, "text": "1"}).encode()
    client = gx.app.test_client()
    json_only = {"Content-Type": "application/json"}
    missing = client.post(INBOUND, data=raw, headers=json_only)
    assert_error(missing, 401, "unauthorized", "X-Hotline-Timestamp")
    forged = signed_headers("not-the-secret", raw)
    assert_error(client.post(INBOUND, data=raw, headers=forged), 401, "unauthorized",
                 "X-Hotline-Signature")  # fmt: skip
    stale = signed_headers(gateway.secret, raw, timestamp=1_700_000_000)
    assert_error(client.post(INBOUND, data=raw, headers=stale), 401, "unauthorized",
                 "X-Hotline-Timestamp")  # fmt: skip
    tampered = signed_headers(gateway.secret, raw)
    other = raw.replace(b'"1"', b'"3"')
    assert_error(client.post(INBOUND, data=other, headers=tampered), 401, "unauthorized",
                 "X-Hotline-Signature")  # fmt: skip
    unsigned_junk = client.post(INBOUND, data=b"{}", headers=json_only)
    assert_error(unsigned_junk, 401, "unauthorized")
    signed_junk = client.post(INBOUND, data=b"{}", headers=signed_headers(gateway.secret, b"{}"))
    assert_error(signed_junk, 422, "validation_error", "phone")
    assert gx.ticket(number)["status"] == "callback"


def test_without_a_gateway_inbound_answers_503(hotline: Hotline) -> None:
    """No HOTLINE_SMS_URL/SECRET: nothing to check a signature with, so nothing is accepted."""
    raw = b'{"id": "gw-1", "phone": "13800001234", "text": "1"}'
    response = hotline.app.test_client().post(INBOUND, data=raw, headers=signed_headers("x", raw))
    assert_error(response, 503, "sms_not_configured")


def test_reply_vocabulary() -> None:
    """The text asks for 1/2/3; the reader takes codes, words or both, nothing else."""
    assert reply_prompt() == "回复1满意，2基本满意，3不满意。"
    assert [rating_of(t) for t in ("1", "1满意", "不满意", "3 不满意", "2")] == [
        "satisfied", "satisfied", "unsatisfied", "unsatisfied", "basically_satisfied",
    ]  # fmt: skip
    assert [rating_of(t) for t in ("4", "好的", "13", "满意吗", "")] == [None] * 5
    assert national_number("+86 138-0000-1234") == national_number("008613800001234") == PHONE
