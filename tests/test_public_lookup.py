"""Progress lookup for requesters (GET /public/tickets/{number}?phone_tail=NNNN), guizhou 第十一条.

Clock: Monday 2026-11-23 09:00 Shanghai. The demo requester's phone is 13800001234 (tail 1234).
No token anywhere: these are the requester's own requests.
"""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from hotline.lookup import CLIENT_LIMIT, NUMBER_LIMIT
from hotline.models.messages import LookupThrottle
from tests.conftest import Hotline
from tests.helpers.api import assert_error
from tests.helpers.clock import local, move_clock
from tests.helpers.sms import at_callback
from tests.helpers.tickets import DISPATCH_ZJJ, DONE, NOISE

TAIL = "1234"


def public(h: Hotline) -> FlaskClient:
    """A client with no token."""
    return h.app.test_client()


def look(h: Hotline, number: str, tail: str = TAIL, client: str = "203.0.113.7") -> Any:
    """GET the lookup from address `client`; the response."""
    return public(h).get(
        f"/public/tickets/{number}",
        query_string={"phone_tail": tail},
        environ_base={"REMOTE_ADDR": client},
    )


def test_the_requester_reads_status_steps_and_the_approved_reply_only(hotline: Hotline) -> None:
    """guizhou 第十一条: progress and result, with dates; no name, phone, content or unit."""
    number = at_callback(hotline)
    hotline.center.complete(number, "callback", {"satisfaction": "satisfied"})
    response = look(hotline, number)
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"number", "status", "status_label", "steps", "reply"}
    assert (body["number"], body["status"], body["status_label"]) == (number, "closed", "已办结")
    assert body["reply"] == DONE["reply"]
    assert [s["step"] for s in body["steps"]] == [
        "registered", "dispatched", "acknowledged", "result_approved", "callback", "closed",
    ]  # fmt: skip
    assert all(set(s) == {"step", "label", "at"} for s in body["steps"])
    assert local(body["steps"][0]["at"]) == "2026-11-23 09:00"
    text = json.dumps(body, ensure_ascii=False)
    for private in ("张三", "13800001234", NOISE, "ZJJ", "住建", DONE["findings"], DONE["basis"]):
        assert private not in text


def test_the_reply_shows_only_once_the_center_approved_it(hotline: Hotline) -> None:
    """A unit's reply waiting for review is not the answer yet: null until approved."""
    number = hotline.new_ticket()["number"]
    assert look(hotline, number).json["status"] == "accepted"
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    assert look(hotline, number).json["status"] == "handling"
    hotline.unit.complete(number, "handle", DONE)
    reviewing = look(hotline, number).json
    assert (reviewing["status"], reviewing["reply"]) == ("reviewing", None)
    hotline.center.complete(number, "review", {"approved": True})
    approved = look(hotline, number).json
    assert (approved["status"], approved["reply"]) == ("callback", DONE["reply"])


def test_a_confidential_ticket_shows_its_status_only(hotline: Hotline) -> None:
    """No steps and no reply for a confidential ticket, even to the right phone tail."""
    number = at_callback(hotline, confidential=True)
    body = look(hotline, number).json
    assert body == {"number": number, "status": "callback", "status_label": "回访中"}


def test_a_wrong_tail_and_an_unknown_number_look_exactly_alike(hotline: Hotline) -> None:
    """The lookup never tells whether a number exists: the same 404, the same body."""
    number = hotline.new_ticket()["number"]
    wrong = look(hotline, number, "4321")
    unknown = look(hotline, number[:-1] + ("9" if number[-1] != "9" else "8"))
    nonsense = look(hotline, "X" * 60)
    assert wrong.status_code == unknown.status_code == nonsense.status_code == 404
    assert wrong.json == unknown.json == nonsense.json
    assert_error(wrong, 404, "not_found")
    assert look(hotline, number.lower()).status_code == 200  # typed in lower case


def test_the_phone_tail_must_be_four_digits(hotline: Hotline) -> None:
    """A missing or malformed tail is a 422 naming phone_tail."""
    number = hotline.new_ticket()["number"]
    client = public(hotline)
    assert_error(client.get(f"/public/tickets/{number}"), 422, "validation_error", "phone_tail")
    for bad in ("123", "12345", "12a4", "１２３４"):
        assert_error(look(hotline, number, bad), 422, "validation_error", "phone_tail")


def test_failed_lookups_of_one_number_are_limited_and_the_right_tail_waits_too(
    hotline: Hotline,
) -> None:
    """Five wrong tails within the hour, then 429 with Retry-After for everyone asking for
    that number (so guessing 4 digits takes months); other numbers and, after the hour,
    this one answer again. Unknown numbers are limited alike (no hint either)."""
    number = hotline.new_ticket()["number"]
    other = hotline.new_ticket()["number"]
    for i in range(NUMBER_LIMIT.count):
        assert look(hotline, number, f"000{i}", client=f"198.51.100.{i}").status_code == 404
    refused = look(hotline, number)
    assert_error(refused, 429, "too_many_requests")
    assert 0 < int(refused.headers["Retry-After"]) <= NUMBER_LIMIT.seconds
    assert look(hotline, other).status_code == 200
    unknown = "GY2026112399999"
    for _ in range(NUMBER_LIMIT.count):
        assert look(hotline, unknown, client="198.51.100.9").status_code == 404
    assert look(hotline, unknown, client="198.51.100.9").status_code == 429
    move_clock(hotline, "2026-11-23 10:01")
    assert look(hotline, number).status_code == 200


def test_the_requesters_own_lookups_never_lock_the_number(hotline: Hotline) -> None:
    """Right-tail lookups do not count against the number, only against the client."""
    number = hotline.new_ticket()["number"]
    for i in range(NUMBER_LIMIT.count * 3):
        assert look(hotline, number, client=f"192.0.2.{i}").status_code == 200


def test_one_client_is_limited_whatever_it_asks_for(hotline: Hotline) -> None:
    """30 lookups per client address in 10 minutes; another address goes on; the window ends."""
    number = hotline.new_ticket()["number"]
    for _ in range(CLIENT_LIMIT.count):
        assert look(hotline, number).status_code == 200
    refused = look(hotline, number)
    assert_error(refused, 429, "too_many_requests")
    assert 0 < int(refused.headers["Retry-After"]) <= CLIENT_LIMIT.seconds
    assert look(hotline, number, client="203.0.113.8").status_code == 200
    move_clock(hotline, "2026-11-23 09:10")
    assert look(hotline, number).status_code == 200


def test_ended_windows_are_swept_away(hotline: Hotline) -> None:
    """Throttle rows of windows long gone (a day: hotline.throttle.KEPT) are deleted as new
    windows start."""
    number = hotline.new_ticket()["number"]
    for i in range(20):
        look(hotline, number, "0000", client=f"198.51.100.{i}")
    move_clock(hotline, "2026-11-24 09:01")
    look(hotline, number, client="192.0.2.1")
    with hotline.services.transaction() as session:
        keys = session.scalars(select(LookupThrottle.key)).all()
        assert sorted(keys) == ["client:192.0.2.1"]
        assert session.scalar(select(func.count()).select_from(LookupThrottle)) == 1


def test_the_lookup_is_in_the_openapi_document_without_a_token(hotline: Hotline) -> None:
    """Documented: phone_tail, the 200 body, the shared 404 and the 429 with Retry-After."""
    doc = hotline.app.test_client().get("/api/openapi.json").json
    operation = doc["paths"]["/public/tickets/{number}"]["get"]
    assert "security" not in operation
    assert "phone_tail" in [p["name"] for p in operation["parameters"]]
    assert {"200", "404", "422", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    inbound = doc["paths"]["/api/v1/sms/inbound"]["post"]
    assert {"401", "422", "503"} <= set(inbound["responses"])
