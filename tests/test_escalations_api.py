"""Escalations over HTTP: who may escalate, who reads which escalations, and bad input."""

from __future__ import annotations

from tests.conftest import Caller, Hotline
from tests.helpers.escalation import DONE
from tests.helpers.tickets import dispatched


def escalate(caller: Caller, number: str, level: str, expect: int = 201, **extra: str) -> dict:
    """POST an escalation; assert the status; return the body."""
    body = {"level": level, "reason": "多次催办未果", **extra}
    response = caller.post(f"/api/v1/tickets/{number}/escalations", json=body)
    assert response.status_code == expect, response.json
    return response.json


def listed(caller: Caller, expect: int = 200, **query: str) -> dict:
    """GET /api/v1/escalations as `caller`."""
    response = caller.get("/api/v1/escalations", query_string=query)
    assert response.status_code == expect, response.json
    return response.json


def test_only_center_supervisor_and_admin_escalate(hotline: Hotline) -> None:
    """Units, operators, the leader and the authority get 403; nothing is recorded."""
    number = dispatched(hotline)
    for caller in (hotline.unit, hotline.operator, hotline.leader, hotline.authority):
        response = escalate(caller, number, "urge", expect=403)
        assert response["error"]["code"] == "forbidden"
    assert listed(hotline.supervisor)["total"] == 0
    assert escalate(hotline.center, number, "urge")["actor"] == "demo-center"
    assert escalate(hotline.supervisor, number, "supervision_order")["level"] == "supervision_order"
    assert escalate(hotline.admin, number, "yellow_card")["open"] is True
    rows = listed(hotline.supervisor)["items"]
    assert [(r["level"], r["open"]) for r in rows] == [
        ("yellow_card", True),
        ("supervision_order", False),
        ("urge", False),
    ]
    assert rows[1]["resolution"] == "superseded by yellow_card"


def test_bad_input_is_refused_naming_the_field(hotline: Hotline) -> None:
    """Unknown level, missing or blank reason, unknown fields: 422; unknown ticket: 404."""
    number = dispatched(hotline)
    path = f"/api/v1/tickets/{number}/escalations"
    cases = [
        ({"level": "black_card", "reason": "x"}, "level"),
        ({"level": "urge"}, "reason"),
        ({"level": "urge", "reason": "   "}, "reason"),
        ({"reason": "x"}, "level"),
        ({"level": "urge", "reason": "x", "unit": "LZQ"}, "unit"),
        ({"level": 3, "reason": "x"}, "level"),
    ]
    for body, field in cases:
        response = hotline.supervisor.post(path, json=body)
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["error"]["fields"], (body, response.json)
    assert (
        "yellow_card"
        in hotline.supervisor.post(path, json=cases[0][0]).json["error"]["fields"]["level"][0]
    )
    missing = hotline.supervisor.post(
        "/api/v1/tickets/GY20990101000001/escalations", json={"level": "urge", "reason": "x"}
    )
    assert missing.status_code == 404
    assert listed(hotline.supervisor)["total"] == 0
    for query in ({"level": "black_card"}, {"open": "yes"}, {"per_page": "0"}):
        assert hotline.supervisor.get("/api/v1/escalations", query_string=query).status_code == 422


def test_a_closed_ticket_is_not_escalated(hotline: Hotline) -> None:
    """409 once the ticket is closed."""
    number = hotline.new_ticket(category="consultation")["number"]
    hotline.center.complete(number, "triage", {"disposition": "answer", "answer": "请携带身份证"})
    response = escalate(hotline.supervisor, number, "urge", expect=409)
    assert "closed" in response["error"]["message"]


def test_government_review_by_hand_brings_the_ticket_to_the_leader(hotline: Hotline) -> None:
    """Straight to the top: the leader sees the ticket and its escalations; a second is 409."""
    number = dispatched(hotline)
    other = dispatched(hotline, "LZQ")
    escalate(hotline.supervisor, other, "urge")
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 404
    assert listed(hotline.leader)["items"] == []
    escalate(hotline.supervisor, number, "summons")
    escalate(hotline.supervisor, number, "government_review")
    assert hotline.leader.task_for(number, "government_review")
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 200
    rows = listed(hotline.leader)["items"]
    assert [(r["ticket_number"], r["level"]) for r in rows] == [
        (number, "government_review"),
        (number, "summons"),
    ]
    response = escalate(hotline.supervisor, number, "red_card", expect=409)
    assert "government review" in response["error"]["message"]


def test_units_see_only_escalations_against_themselves(hotline: Hotline) -> None:
    """ZJJ reads its own, not LZQ's; asking for LZQ's is 403; operators read none."""
    mine = dispatched(hotline, "ZJJ")
    theirs = dispatched(hotline, "LZQ")
    escalate(hotline.supervisor, mine, "yellow_card")
    escalate(hotline.supervisor, theirs, "red_card")
    own = listed(hotline.unit)
    assert [(r["ticket_number"], r["unit"], r["level"]) for r in own["items"]] == [
        (mine, "ZJJ", "yellow_card")
    ]
    assert own["total"] == 1
    assert listed(hotline.unit, unit="ZJJ")["total"] == 1
    assert listed(hotline.unit, expect=403, unit="LZQ")["error"]["code"] == "forbidden"
    assert [r["unit"] for r in listed(hotline.other_unit)["items"]] == ["LZQ"]
    assert listed(hotline.third_unit)["items"] == []
    assert listed(hotline.operator, expect=403)["error"]["code"] == "forbidden"
    assert listed(hotline.authority)["total"] == 2


def test_filters_and_pages(hotline: Hotline) -> None:
    """unit, level and open filter; per_page and page cut the list; total counts all."""
    first = dispatched(hotline, "ZJJ")
    second = dispatched(hotline, "LZQ")
    escalate(hotline.supervisor, first, "urge")
    escalate(hotline.supervisor, first, "yellow_card")
    escalate(hotline.supervisor, second, "yellow_card")
    assert listed(hotline.center)["total"] == 3
    assert listed(hotline.center, unit="LZQ")["total"] == 1
    cards = listed(hotline.center, level="yellow_card")["items"]
    assert sorted(r["unit"] for r in cards) == ["LZQ", "ZJJ"]
    assert listed(hotline.center, open="false")["items"][0]["level"] == "urge"
    assert listed(hotline.center, open="true")["total"] == 2
    page = listed(hotline.center, per_page="2", page="2")
    assert (page["total"], len(page["items"]), page["page"], page["per_page"]) == (3, 1, 2, 2)
    assert page["items"][0]["level"] == "urge"


def test_closing_resolves_manual_escalations_too(hotline: Hotline) -> None:
    """A card given by hand stays on the unit's record, resolved when the ticket closes."""
    number = dispatched(hotline)
    escalate(hotline.supervisor, number, "red_card")
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    hotline.unit.complete(number, "handle", DONE)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "basically_satisfied"})
    rows = listed(hotline.unit, level="red_card")["items"]
    assert [(r["open"], r["resolution"]) for r in rows] == [(False, "ticket closed")]
    assert rows[0]["resolved_at"] is not None
    assert listed(hotline.supervisor, open="true")["total"] == 0
