"""The top of the escalation ladder: government review (报同级人民政府督办) end to end.

Profile guangyuan: a summons without effect goes to the government (第二十七条(三)), where
the leader decides and the ticket follows.
"""

from __future__ import annotations

from datetime import datetime

from tests.conftest import Hotline
from tests.helpers.clock import at, move_clock
from tests.helpers.escalation import DONE, climb_to_government
from tests.helpers.tickets import dispatched, escalations, joint_ticket


def test_a_government_decision_redirects_the_ticket(hotline: Hotline) -> None:
    """The leader designates HBJ with a new deadline; HBJ acknowledges next, ZJJ loses it."""
    number = dispatched(hotline)
    climb_to_government(hotline, number)
    decision = {
        "instruction": "由生态环境局牵头，限期解决夜间施工噪音",
        "unit": "HBJ",
        "due_at": at("2026-12-18 18:00"),
    }
    hotline.leader.complete(number, "government_review", decision)
    ticket = hotline.ticket(number)
    assert (ticket["current_unit"], ticket["status"]) == ("HBJ", "dispatched")
    assert ticket["designated_by"] == "government"
    assert datetime.fromisoformat(ticket["due_at"]) == datetime.fromisoformat(decision["due_at"])
    assert ticket["overdue"] is False
    assert [t["key"] for t in ticket["tasks"]] == ["acknowledge"]
    assert hotline.third_unit.task_for(number, "acknowledge")["candidate_group"] == "unit:HBJ"
    assert [t for t in hotline.unit.inbox() if t["ticket_number"] == number] == []
    assert hotline.unit.get(f"/api/v1/tickets/{number}").status_code == 404
    applied = [e for e in ticket["events"] if e["kind"] == "government_decision_applied"]
    assert applied[0]["data"]["instruction"] == decision["instruction"]
    assert applied[0]["actor"] == "demo-leader"
    rows = escalations(hotline)
    assert rows[-1]["level"] == "government_review" and rows[-1]["open"] is False
    assert decision["instruction"] in rows[-1]["resolution"]
    # The designated unit goes on: acknowledge, handle; it may not return the ticket.
    hotline.third_unit.complete(number, "acknowledge", {"contacted": True})
    ret = {"outcome": "return", "return_reason": "非本单位职责", "suggested_unit": "ZJJ"}
    refused = hotline.third_unit.complete(number, "handle", ret, expect=422)
    assert "government" in refused.json["error"]["fields"]["outcome"][0]
    hotline.third_unit.complete(number, "handle", DONE)
    assert hotline.ticket(number)["status"] == "in_review"


def test_a_decision_the_ticket_cannot_take_is_refused_and_nothing_stored(
    hotline: Hotline,
) -> None:
    """At review the ticket no longer waits for a decision: 422 naming the ticket."""
    number = dispatched(hotline)
    climb_to_government(hotline, number)
    # The center hands the ticket on by hand meanwhile (admins may complete any task).
    hotline.admin.complete(number, "acknowledge", {"contacted": True})
    hotline.admin.complete(number, "handle", DONE)
    decision = {"instruction": "改派", "unit": "HBJ", "due_at": at("2026-12-18 18:00")}
    response = hotline.leader.complete(number, "government_review", decision, expect=422)
    assert "ticket" in response.json["error"]["fields"]
    ticket = hotline.ticket(number)
    assert (ticket["current_unit"], ticket["status"]) == ("ZJJ", "in_review")
    assert hotline.leader.task_for(number, "government_review")


def test_the_leaders_form_is_checked(hotline: Hotline) -> None:
    """Unknown unit, a past or zone-less deadline, a missing instruction: 422 per field."""
    number = dispatched(hotline)
    climb_to_government(hotline, number)
    bad = {"instruction": "改派", "unit": "NOPE", "due_at": at("2026-12-01 10:00")}
    fields = hotline.leader.complete(number, "government_review", bad, expect=422).json
    assert set(fields["error"]["fields"]) == {"unit", "due_at"}
    naive = {"instruction": "改派", "unit": "HBJ", "due_at": "2026-12-20T10:00:00"}
    response = hotline.leader.complete(number, "government_review", naive, expect=422)
    assert "time zone" in response.json["error"]["fields"]["due_at"][0]
    missing = {"unit": "HBJ", "due_at": at("2026-12-20 10:00")}
    response = hotline.leader.complete(number, "government_review", missing, expect=422)
    assert "instruction" in response.json["error"]["fields"]


def test_closing_during_government_review_withdraws_the_leaders_task(hotline: Hotline) -> None:
    """The ticket closes while the leader deliberates: the task goes away."""
    number = dispatched(hotline)
    climb_to_government(hotline, number)
    hotline.admin.complete(number, "acknowledge", {"contacted": True})
    hotline.admin.complete(number, "handle", DONE)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert [t for t in hotline.leader.inbox() if t["ticket_number"] == number] == []
    assert escalations(hotline, open="true") == []


def test_a_decision_at_triage_dispatches_to_the_designated_unit(hotline: Hotline) -> None:
    """Escalated by hand before dispatch: the decision replaces the center's triage."""
    number = hotline.new_ticket()["number"]
    response = hotline.supervisor.post(
        f"/api/v1/tickets/{number}/escalations",
        json={"level": "government_review", "reason": "责任不清的热点问题 (贵州 第十七条)"},
    )
    assert response.status_code == 201, response.json
    assert response.json["unit"] is None  # against nobody: no unit holds the ticket yet
    decision = {
        "instruction": "由利州区政府牵头办理",
        "unit": "LZQ",
        "due_at": at("2026-12-04 18:00"),
    }
    hotline.leader.complete(number, "government_review", decision)
    ticket = hotline.ticket(number)
    assert [t["key"] for t in ticket["tasks"]] == ["acknowledge"]
    assert (ticket["current_unit"], ticket["designated_by"]) == ("LZQ", "government")
    assert hotline.other_unit.task_for(number, "acknowledge")


def test_a_decision_ends_joint_handling(hotline: Hotline) -> None:
    """A joint ticket redirected by the government: the parts stop, one unit takes over."""
    number = hotline.new_ticket()["number"]
    joint = {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ"}
    hotline.center.complete(number, "triage", joint)
    response = hotline.supervisor.post(
        f"/api/v1/tickets/{number}/escalations",
        json={"level": "government_review", "reason": "部门间推诿"},
    )
    assert response.status_code == 201, response.json
    decision = {"instruction": "由利州区政府牵头", "unit": "LZQ", "due_at": at("2026-12-04 18:00")}
    hotline.leader.complete(number, "government_review", decision)
    ticket = hotline.ticket(number)
    assert [(t["key"], t["candidate_group"]) for t in ticket["tasks"]] == [
        ("acknowledge", "unit:LZQ")
    ]
    assert ticket["joint"] is False
    for caller in (hotline.unit, hotline.third_unit):
        assert [t for t in caller.inbox() if t["ticket_number"] == number] == []
    cancelled = [e for e in ticket["events"] if e["kind"] == "process_cancelled"]
    assert [e["data"]["process"] for e in cancelled] == ["joint"]


def test_a_decision_deadline_beyond_a_year_is_refused(hotline: Hotline) -> None:
    """A far-future deadline is a typo, not a decision: 422 on due_at, nothing stored."""
    number = dispatched(hotline)
    body = {"level": "government_review", "reason": "久拖未决"}
    assert hotline.supervisor.post(f"/api/v1/tickets/{number}/escalations", json=body).status_code
    for due in ("9999-12-31T23:00:00-05:00", "2028-01-01T00:00:00+08:00"):
        decision = {"instruction": "限期办结", "unit": "LZQ", "due_at": due}
        bad = hotline.leader.complete(number, "government_review", decision, expect=422)
        assert "due_at" in bad.json["error"]["fields"]
    assert hotline.ticket(number)["current_unit"] == "ZJJ"


def test_a_government_decision_ends_every_units_ladder(hotline: Hotline) -> None:
    """Joint ticket: HBJ is urged for its late part, the lead ZJJ is brought to the leader,
    who designates HBJ with a new deadline (guangyuan 第二十七条(三)). HBJ's older ladder must
    not climb on a working day later against the unit the government just gave the ticket."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.unit.complete(number, "acknowledge_part", {"contacted": True})
    h.third_unit.complete(number, "acknowledge_part", {"contacted": True})
    move_clock(h, "2026-11-26 00:05")  # HBJ's part (due 24:00 Wednesday) is late: urged
    assert [(e["level"], e["unit"]) for e in escalations(h)] == [("urge", "HBJ")]
    body = {"level": "government_review", "reason": "部门间推诿"}
    assert h.supervisor.post(f"/api/v1/tickets/{number}/escalations", json=body).status_code == 201
    decision = {"instruction": "由生态环境局办理", "unit": "HBJ", "due_at": at("2026-12-18 18:00")}
    h.leader.complete(number, "government_review", decision)
    h.third_unit.complete(number, "acknowledge", {"contacted": True})  # HBJ takes it at once
    move_clock(h, "2026-11-28 00:10")  # HBJ's urge would have climbed now
    rows = escalations(h)
    assert [(e["level"], e["unit"], e["open"]) for e in rows] == [
        ("urge", "HBJ", False),
        ("government_review", "ZJJ", False),
    ]
    assert h.ticket(number)["status"] == "handling"
