"""Joint handling (会签, guangyuan 第十二条(三)) over HTTP: parts per unit, one merged reply.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai (guangyuan profile). A complaint's lead unit
has 3 working days (due 24:00 Thursday 26); assisting units report 1 working day earlier
(the profile's joint.assist_lead default), i.e. by 24:00 Wednesday 25.
"""

from __future__ import annotations

import dataclasses

from hotline.policy.loader import load_profile
from tests.conftest import Caller, Hotline
from tests.helpers.clock import local, move_clock
from tests.helpers.joint import MERGE, part_done, parts, task_of
from tests.helpers.tickets import ACK, events, joint_ticket


def allow_joint_returns(h: Hotline) -> None:
    """Run with meizhou's [returns]: 第十六条 lets any unit, a joint one too, return a ticket
    outside its remit (guangyuan 第十二条(三) forbids it: tests/test_return_rules.py)."""
    extras = h.services.runtime.extras
    meizhou = load_profile("meizhou").returns
    extras["profile"] = dataclasses.replace(extras["profile"], returns=meizhou)  # type: ignore[index]


def status_by_unit(caller: Caller, number: str) -> dict[str, str]:
    """unit → status of every part, as `caller` sees them."""
    return {p["unit"]: p["status"] for p in parts(caller, number)["items"]}


def test_joint_ticket_from_triage_to_closed(hotline: Hotline) -> None:
    """Every unit acknowledges and handles its part; the lead merges; review, callback, close."""
    h = hotline
    number = joint_ticket(h)
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["current_unit"]) == ("dispatched", "ZJJ")
    [dispatched] = events(h, number, "ticket_dispatched_jointly")
    assert dispatched["data"]["lead_unit"] == "ZJJ"
    assert dispatched["data"]["units"] == ["ZJJ", "HBJ", "LZQ"]

    listed = parts(h.center, number)
    assert listed["lead_unit"] == "ZJJ"
    due = {p["unit"]: (p["role"], local(p["due_at"])) for p in listed["items"]}
    assert due == {
        "ZJJ": ("lead", "2026-11-27 00:00"),  # 24:00 Thu 26: the ticket's due
        "HBJ": ("assisting", "2026-11-26 00:00"),  # one working day before the lead's
        "LZQ": ("assisting", "2026-11-26 00:00"),
    }
    assert local(ticket["due_at"]) == "2026-11-27 00:00"
    # Each unit finds its own part in its inbox, due as the profile says.
    for caller in (h.unit, h.third_unit, h.other_unit):
        task = caller.task_for(number, "acknowledge_part")
        assert local(task["due_at"]) == "2026-11-23 09:30"  # guangyuan: 30 min
        caller.complete(number, "acknowledge_part", ACK)
    assert h.ticket(number)["status"] == "handling"
    lead_task = h.unit.task_for(number, "handle_part")
    assisting_task = h.third_unit.task_for(number, "handle_part")
    assert assisting_task["due_at"] < lead_task["due_at"]

    h.third_unit.complete(number, "handle_part", part_done("生态环境局"))
    # Everyone involved sees the other parts' status.
    for caller in (h.center, h.unit, h.other_unit, h.third_unit):
        assert status_by_unit(caller, number) == {
            "ZJJ": "handling",
            "HBJ": "done",
            "LZQ": "handling",
        }
    hbj = next(p for p in parts(h.unit, number)["items"] if p["unit"] == "HBJ")
    assert hbj["result"] == {
        "findings": "生态环境局：现场核查属实",
        "opinion": "生态环境局：已处理",
    }
    assert hbj["acknowledged_at"] and hbj["completed_at"]

    h.other_unit.complete(number, "handle_part", part_done("利州区"))
    h.unit.complete(number, "handle_part", part_done("住建局"))
    merge = h.unit.task_for(number, "merge")
    assert local(merge["due_at"]) == "2026-11-27 00:00"
    assert [e["data"]["parts"] for e in events(h, number, "joint_parts_completed")] == [
        [
            {"unit": "ZJJ", "role": "lead", "status": "done"},
            {"unit": "HBJ", "role": "assisting", "status": "done"},
            {"unit": "LZQ", "role": "assisting", "status": "done"},
        ]
    ]
    h.unit.complete(number, "merge", MERGE)
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["reply"]) == ("in_review", MERGE["reply"])
    [submitted] = events(h, number, "result_submitted")
    assert submitted["data"]["unit"] == "ZJJ"

    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "satisfied")
    assert ticket["tasks"] == []


def test_only_the_owning_unit_completes_its_part(hotline: Hotline) -> None:
    """A unit cannot complete another unit's part (403); units without a part get 404."""
    h = hotline
    number = joint_ticket(h, units="HBJ")
    hbj_task = task_of(h, number, "acknowledge_part", "HBJ")
    response = h.unit.post(f"/api/v1/tasks/{hbj_task['id']}/complete", json={"data": ACK})
    assert response.status_code == 403, response.json
    assert status_by_unit(h.center, number) == {"ZJJ": "dispatched", "HBJ": "dispatched"}
    # LZQ has no part: neither the ticket nor its parts exist for it; nor for the leader.
    for outsider in (h.other_unit, h.leader):
        assert outsider.get(f"/api/v1/tickets/{number}/parts").status_code == 404
        assert outsider.get(f"/api/v1/tickets/{number}").status_code == 404
    assert h.third_unit.get(f"/api/v1/tickets/{number}").status_code == 200
    assert h.center.get("/api/v1/tickets/NOSUCH/parts").status_code == 404


def test_returned_part_is_reassigned_to_another_unit(hotline: Hotline) -> None:
    """HBJ returns its part; the center gives it to LZQ, which acknowledges and handles it."""
    h = hotline
    allow_joint_returns(h)
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(number, "acknowledge_part", ACK)
    back = {"outcome": "return", "return_reason": "噪声属属地街道管理，不属我局职责"}
    h.third_unit.complete(number, "handle_part", back)
    assert status_by_unit(h.center, number) == {"ZJJ": "dispatched", "HBJ": "returned"}
    assert h.other_unit.get(f"/api/v1/tickets/{number}").status_code == 404

    response = h.center.complete(number, "reassign_part", {"decision": "reassign"}, expect=422)
    assert "unit" in response.json["error"]["fields"]
    taken = {"decision": "reassign", "unit": "ZJJ"}
    response = h.center.complete(number, "reassign_part", taken, expect=422)
    assert "already has a part" in response.json["error"]["fields"]["unit"][0]
    h.center.complete(number, "reassign_part", {"decision": "reassign", "unit": "LZQ"})
    [moved] = events(h, number, "part_reassigned")
    assert moved["data"]["from_unit"] == "HBJ" and moved["data"]["unit"] == "LZQ"

    # LZQ now holds a part: it sees the ticket, and its part keeps the assisting deadline.
    assert h.other_unit.get(f"/api/v1/tickets/{number}").status_code == 200
    items = {p["unit"]: p for p in parts(h.other_unit, number)["items"]}
    assert items["HBJ"]["status"] == "reassigned"
    assert items["HBJ"]["result"]["reassigned_to"] == "LZQ"
    assert (items["LZQ"]["role"], local(items["LZQ"]["due_at"])) == (
        "assisting",
        "2026-11-26 00:00",
    )
    h.other_unit.complete(number, "acknowledge_part", ACK)
    h.other_unit.complete(number, "handle_part", part_done("利州区"))
    h.unit.complete(number, "acknowledge_part", ACK)
    h.unit.complete(number, "handle_part", part_done("住建局"))
    assert status_by_unit(h.unit, number) == {"ZJJ": "done", "HBJ": "reassigned", "LZQ": "done"}
    h.unit.complete(number, "merge", MERGE)
    assert h.ticket(number)["status"] == "in_review"


def test_returned_part_is_dropped(hotline: Hotline) -> None:
    """The center may drop a returned assisting part (with a reason); the rest goes on."""
    h = hotline
    allow_joint_returns(h)
    number = joint_ticket(h)
    h.other_unit.complete(number, "acknowledge_part", ACK)
    h.other_unit.complete(number, "handle_part", {"outcome": "return", "return_reason": "无关"})
    response = h.center.complete(number, "reassign_part", {"decision": "drop"}, expect=422)
    assert "comment" in response.json["error"]["fields"]
    h.center.complete(number, "reassign_part", {"decision": "drop", "comment": "无需属地参与"})
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", part_done(caller.name))
    assert status_by_unit(h.center, number) == {"ZJJ": "done", "HBJ": "done", "LZQ": "dropped"}
    assert [e["data"]["comment"] for e in events(h, number, "part_dropped")] == ["无需属地参与"]
    assert h.unit.task_for(number, "merge")


def test_returned_lead_part_moves_the_lead(hotline: Hotline) -> None:
    """The lead's part cannot be dropped; reassigned, the new unit merges and is sent back to."""
    h = hotline
    allow_joint_returns(h)
    number = joint_ticket(h, units="HBJ")
    h.unit.complete(number, "acknowledge_part", ACK)
    h.unit.complete(number, "handle_part", {"outcome": "return", "return_reason": "属地管理"})
    drop = {"decision": "drop", "comment": "撤销"}
    response = h.center.complete(number, "reassign_part", drop, expect=422)
    assert "lead" in response.json["error"]["fields"]["decision"][0]
    h.center.complete(number, "reassign_part", {"decision": "reassign", "unit": "LZQ"})
    assert h.ticket(number)["current_unit"] == "LZQ"
    assert parts(h.center, number)["lead_unit"] == "LZQ"
    h.other_unit.complete(number, "acknowledge_part", ACK)
    h.other_unit.complete(number, "handle_part", part_done("利州区"))
    h.third_unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "handle_part", part_done("生态环境局"))
    h.other_unit.complete(number, "merge", MERGE)
    h.center.complete(number, "review", {"approved": False, "comment": "答复不完整"})
    assert h.other_unit.task_for(number, "handle")["candidate_group"] == "unit:LZQ"


def test_rejected_review_goes_back_to_the_lead(hotline: Hotline) -> None:
    """审核退回: the merged reply goes back to the lead unit's `handle` in ticket.bpmn."""
    h = hotline
    number = joint_ticket(h, units="HBJ")
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", part_done(caller.name))
    h.unit.complete(number, "merge", MERGE)
    h.center.complete(number, "review", {"approved": False, "comment": "请补充处罚依据"})
    ticket = h.ticket(number)
    assert ticket["status"] == "handling"
    assert [t["key"] for t in ticket["tasks"]] == ["handle"]
    h.unit.complete(number, "handle", {"outcome": "done", **MERGE})
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "basically_satisfied"})
    assert h.ticket(number)["status"] == "closed"


def test_overdue_parts_are_marked_by_timer(hotline: Hotline) -> None:
    """Past 24:00 Wednesday the unfinished assisting parts are overdue; the lead a day later."""
    h = hotline
    number = joint_ticket(h)
    h.unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "handle_part", part_done("生态环境局"))
    move_clock(h, "2026-11-25 23:59")
    assert not any(p["overdue"] for p in parts(h.center, number)["items"])
    move_clock(h, "2026-11-26 00:01")
    overdue = {p["unit"]: p["overdue"] for p in parts(h.center, number)["items"]}
    # HBJ finished in time; LZQ never even acknowledged; the lead still has a day.
    assert overdue == {"ZJJ": False, "HBJ": False, "LZQ": True}
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["LZQ"]
    assert h.ticket(number)["overdue"] is False
    move_clock(h, "2026-11-27 00:01")
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["LZQ", "ZJJ"]
    assert h.ticket(number)["overdue"] is True
    # Late parts can still be finished; each is marked once.
    h.other_unit.complete(number, "acknowledge_part", ACK)
    h.other_unit.complete(number, "handle_part", part_done("利州区"))
    move_clock(h, "2026-11-30 10:00")
    assert len(events(h, number, "part_overdue")) == 2


def test_designated_unit_cannot_return_its_part(hotline: Hotline) -> None:
    """批办 (guangyuan 第十二条(四)): units the leader designated may not return their part."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "leader"})
    instruction = {"lead_unit": "ZJJ", "units": "HBJ", "instruction": "住建牵头，环保配合"}
    h.leader.complete(number, "leader_instruction", instruction)
    assert status_by_unit(h.center, number) == {"ZJJ": "dispatched", "HBJ": "dispatched"}
    h.third_unit.complete(number, "acknowledge_part", ACK)
    back = {"outcome": "return", "return_reason": "不属职责"}
    response = h.third_unit.complete(number, "handle_part", back, expect=422)
    message = response.json["error"]["fields"]["outcome"][0]
    assert "第十二条" in message and "leader" in message
    h.third_unit.complete(number, "handle_part", part_done("生态环境局"))
    assert status_by_unit(h.center, number)["HBJ"] == "done"


def test_bad_input_names_the_field(hotline: Hotline) -> None:
    """Unknown unit, missing lead, incomplete part result, merge without reply → 422."""
    h = hotline
    number = h.new_ticket()["number"]
    cases = [
        ({"lead_unit": "ZJJ", "units": "HBJ,NOPE"}, "units"),
        ({"units": "HBJ,LZQ"}, "lead_unit"),
        ({"lead_unit": "NOPE", "units": "HBJ"}, "lead_unit"),
        ({"lead_unit": "ZJJ", "units": "ZJJ"}, "units"),
    ]
    for fields, named in cases:
        response = h.center.complete(
            number, "triage", {"disposition": "joint", **fields}, expect=422
        )
        assert named in response.json["error"]["fields"], (fields, response.json)
    assert h.ticket(number)["status"] == "new"
    assert h.center.get(f"/api/v1/tickets/{number}/parts").json["items"] == []

    number = joint_ticket(h, units="HBJ")
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "acknowledge_part", ACK)
    response = h.unit.complete(number, "handle_part", {"outcome": "done"}, expect=422)
    assert set(response.json["error"]["fields"]) == {"findings", "opinion"}
    allow_joint_returns(h)
    response = h.unit.complete(number, "handle_part", {"outcome": "return"}, expect=422)
    assert "return_reason" in response.json["error"]["fields"]
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "handle_part", part_done(caller.name))
    no_reply = {"basis": MERGE["basis"], "findings": MERGE["findings"]}
    response = h.unit.complete(number, "merge", no_reply, expect=422)
    assert "reply" in response.json["error"]["fields"]
    response = h.unit.complete(number, "merge", {**MERGE, "reply": "  "}, expect=422)
    assert "reply" in response.json["error"]["fields"]
    assert h.ticket(number)["status"] == "handling"


def test_lead_returns_after_review_and_the_parts_units_lose_sight(hotline: Hotline) -> None:
    """Sent back to the lead, the lead may return the ticket; re-dispatched alone, it is no
    longer joint and the former part units no longer see it."""
    h = hotline
    allow_joint_returns(h)
    number = joint_ticket(h, units="ZJJ,HBJ")
    for caller in (h.unit, h.third_unit):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", part_done("x"))
    h.unit.complete(number, "merge", MERGE)
    h.center.complete(number, "review", {"approved": False, "comment": "答复不完整"})
    back = {"outcome": "return", "return_reason": "主要属利州区职责", "suggested_unit": "LZQ"}
    h.unit.complete(number, "handle", back)
    assert h.ticket(number)["status"] == "returned"
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    ticket = h.ticket(number)
    assert (ticket["joint"], ticket["current_unit"]) == (False, "LZQ")
    assert h.third_unit.get(f"/api/v1/tickets/{number}").status_code == 404
    assert h.unit.get(f"/api/v1/tickets/{number}").status_code == 404
    assert h.other_unit.get(f"/api/v1/tickets/{number}").status_code == 200


def test_parts_finished_in_another_worker_still_complete_the_joint(hotline: Hotline) -> None:
    """A second server process (its own parsed diagrams) finishes every part: merge follows.

    SpiffWorkflow wires a multi-instance to its children only where it creates them; a
    worker that merely loads the state must be wired too.
    """
    from api import create_app
    from wiring.services import build_services

    number = joint_ticket(hotline, units="ZJJ,HBJ")  # children created in this process
    other = build_services(hotline.services.settings)
    try:
        client = create_app(other).test_client()
        zjj = Caller(client, hotline.unit.token, "zjj-other-worker")
        hbj = Caller(client, hotline.third_unit.token, "hbj-other-worker")
        for caller in (hbj, zjj):
            caller.complete(number, "acknowledge_part", ACK)
            caller.complete(number, "handle_part", part_done("x"))
        assert [t["key"] for t in hotline.ticket(number)["tasks"]] == ["merge"]
    finally:
        other.dispose()


def test_returned_parts_count_as_returns_on_the_supervision_ladder(hotline: Hotline) -> None:
    """Handing a part back is a return (退回) by that unit: the ticket's second return is a
    supervision order (guangyuan 第二十八条(三)) against the unit that returned it."""
    h = hotline
    allow_joint_returns(h)
    number = joint_ticket(h)
    back = {"outcome": "return", "return_reason": "不属本单位职责"}
    for caller in (h.third_unit, h.other_unit):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", back)
    assert h.ticket(number)["return_count"] == 2
    response = h.supervisor.get("/api/v1/escalations", query_string={"per_page": 100})
    rows = [r for r in response.json["items"] if r["ticket_number"] == number]
    assert [(r["unit"], r["level"], r["trigger"]) for r in rows] == [
        ("LZQ", "supervision_order", "returned")
    ]
