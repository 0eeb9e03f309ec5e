"""Leader instruction (批办) and dispatch objections (派单异议) in ticket.bpmn, over HTTP."""

from __future__ import annotations

from tests.conftest import Hotline
from tests.helpers.tickets import ACK, kinds
from tests.helpers.tickets import acknowledged as dispatched_to_zjj

OBJECT = {"outcome": "objection", "objection_reason": "该路段属利州区管辖，不属我局职责"}
RETURN = {"outcome": "return", "return_reason": "不属职责", "suggested_unit": "LZQ"}
INSTRUCTION = {"lead_unit": "ZJJ", "instruction": "请市住建局牵头，一周内拿出整改方案"}


def open_keys(h: Hotline, number: str) -> list[str]:
    """Keys of the ticket's open tasks."""
    return [t["key"] for t in h.ticket(number)["tasks"]]


def to_leader(h: Hotline) -> str:
    """A new ticket the center sends to the leader for instruction."""
    number = h.new_ticket()["number"]
    h.center.complete(number, "triage", {"disposition": "leader"})
    return number


# -- leader instruction ------------------------------------------------------------------


def test_leader_sees_only_tickets_brought_to_it(hotline: Hotline) -> None:
    """The leader role lists and opens only tickets sent to it for instruction."""
    other = hotline.new_ticket()["number"]
    assert hotline.leader.get("/api/v1/tickets").json["total"] == 0
    number = to_leader(hotline)
    listed = hotline.leader.get("/api/v1/tickets").json
    assert [t["number"] for t in listed["items"]] == [number]
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 200
    assert hotline.leader.get(f"/api/v1/tickets/{other}").status_code == 404
    task = hotline.leader.task_for(number, "leader_instruction")
    assert task["candidate_group"] == "leader"
    # The center cannot answer for the leader.
    response = hotline.center.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": INSTRUCTION}
    )
    assert response.status_code == 403, response.json


def test_leader_designates_a_unit_that_cannot_return_or_object(hotline: Hotline) -> None:
    """批办 → dispatch to the designated unit; its handle form refuses return and objection."""
    number = to_leader(hotline)
    hotline.leader.complete(number, "leader_instruction", INSTRUCTION)
    ticket = hotline.ticket(number)
    assert ticket["current_unit"] == "ZJJ"
    assert ticket["status"] == "dispatched"
    assert ticket["designated_by"] == "leader"
    instructed = next(e for e in ticket["events"] if e["kind"] == "leader_instructed")
    assert instructed["data"]["lead_unit"] == "ZJJ"
    assert instructed["data"]["instruction"] == INSTRUCTION["instruction"]
    # The leader still sees the ticket it instructed.
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 200
    hotline.unit.complete(number, "acknowledge", ACK)
    for data in (RETURN, OBJECT):
        response = hotline.unit.complete(number, "handle", data, expect=422)
        message = " ".join(response.json["error"]["fields"]["outcome"])
        assert "第十二条" in message and "leader" in message
    assert open_keys(hotline, number) == ["handle"]
    assert hotline.ticket(number)["current_unit"] == "ZJJ"


def test_leader_instruction_form_is_checked(hotline: Hotline) -> None:
    """Unknown units and a missing instruction are refused, naming the field."""
    number = to_leader(hotline)
    bad = hotline.leader.complete(
        number, "leader_instruction", {**INSTRUCTION, "lead_unit": "NOPE"}, expect=422
    )
    assert "NOPE" in " ".join(bad.json["error"]["fields"]["lead_unit"])
    bad = hotline.leader.complete(
        number, "leader_instruction", {**INSTRUCTION, "units": "HBJ,GONE"}, expect=422
    )
    assert "GONE" in " ".join(bad.json["error"]["fields"]["units"])
    bad = hotline.leader.complete(number, "leader_instruction", {"lead_unit": "ZJJ"}, expect=422)
    assert "instruction" in bad.json["error"]["fields"]
    assert open_keys(hotline, number) == ["leader_instruction"]


# -- dispatch objections -----------------------------------------------------------------


def test_objection_reassigned_by_the_center(hotline: Hotline) -> None:
    """The unit objects; the center reassigns to another unit, who now holds the ticket."""
    number = dispatched_to_zjj(hotline)
    hotline.unit.complete(number, "handle", OBJECT)
    assert hotline.ticket(number)["status"] == "objection_raised"
    assert open_keys(hotline, number) == ["coordinate_objection"]
    hotline.center.complete(
        number,
        "coordinate_objection",
        {"decision": "reassign", "unit": "LZQ", "comment": "经核实属利州区管辖"},
    )
    ticket = hotline.ticket(number)
    assert ticket["current_unit"] == "LZQ"
    assert open_keys(hotline, number) == ["acknowledge"]
    assert hotline.other_unit.task_for(number, "acknowledge")
    assert hotline.unit.get(f"/api/v1/tickets/{number}").status_code == 404
    history = kinds(ticket)
    assert history.index("dispatch_objected") < history.index("objection_coordinated")
    assert history[history.index("objection_coordinated") :].count("ticket_dispatched") == 1
    coordinated = next(e for e in ticket["events"] if e["kind"] == "objection_coordinated")
    assert coordinated["data"]["decision"] == "reassign"
    assert coordinated["data"]["new_unit"] == "LZQ"


def test_objection_upheld_then_authority_designates_finally(hotline: Hotline) -> None:
    """Upheld, the unit objects again: the authority designates a unit, and that is final."""
    number = dispatched_to_zjj(hotline)
    hotline.unit.complete(number, "handle", OBJECT)
    hotline.center.complete(
        number, "coordinate_objection", {"decision": "uphold", "comment": "属住建局职责"}
    )
    assert hotline.ticket(number)["current_unit"] == "ZJJ"
    assert open_keys(hotline, number) == ["handle"]
    hotline.unit.complete(number, "handle", {**OBJECT, "objection_reason": "仍认为不属我局"})
    assert open_keys(hotline, number) == ["designate_unit"]
    task = hotline.authority.task_for(number, "designate_unit")
    assert task["candidate_group"] == "authority"
    forbidden = hotline.center.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"unit": "HBJ", "comment": "x"}}
    )
    assert forbidden.status_code == 403
    hotline.authority.complete(
        number, "designate_unit", {"unit": "HBJ", "comment": "由市生态环境局承办"}
    )
    ticket = hotline.ticket(number)
    assert ticket["current_unit"] == "HBJ"
    assert ticket["designated_by"] == "authority"
    assert ticket["objection_count"] == 2
    hotline.third_unit.complete(number, "acknowledge", ACK)
    refused = hotline.third_unit.complete(number, "handle", OBJECT, expect=422)
    # guangyuan 第十二条(四): a unit named after coordination (批办) may not object again.
    assert "第十二条(四)" in " ".join(refused.json["error"]["fields"]["outcome"])
    stages = [e["data"]["stage"] for e in ticket["events"] if e["kind"] == "dispatch_objected"]
    assert stages == ["coordinate", "authority"]
    assert "unit_designated" in kinds(ticket)


def test_objection_forms_name_the_field(hotline: Hotline) -> None:
    """Objection needs a reason; reassigning needs another active unit; the unit cannot decide."""
    number = dispatched_to_zjj(hotline)
    bad = hotline.unit.complete(number, "handle", {"outcome": "objection"}, expect=422)
    assert "objection_reason" in bad.json["error"]["fields"]
    hotline.unit.complete(number, "handle", OBJECT)
    task = hotline.center.task_for(number, "coordinate_objection")
    by_unit = hotline.unit.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"decision": "uphold", "comment": "我说了算"}},
    )
    assert by_unit.status_code == 403
    for data, field in (
        ({"decision": "reassign", "comment": "改派"}, "unit"),
        ({"decision": "reassign", "unit": "ZJJ", "comment": "改派"}, "unit"),
        ({"decision": "reassign", "unit": "NOPE", "comment": "改派"}, "unit"),
        ({"decision": "uphold"}, "comment"),
    ):
        bad = hotline.center.complete(number, "coordinate_objection", data, expect=422)
        assert field in bad.json["error"]["fields"], bad.json
    assert open_keys(hotline, number) == ["coordinate_objection"]
    assert hotline.ticket(number)["current_unit"] == "ZJJ"


def test_upheld_unit_keeps_the_ticket_even_if_a_unit_is_given(hotline: Hotline) -> None:
    """`uphold` with a stray unit code does not move the ticket."""
    number = dispatched_to_zjj(hotline)
    hotline.unit.complete(number, "handle", OBJECT)
    hotline.center.complete(
        number, "coordinate_objection", {"decision": "uphold", "unit": "LZQ", "comment": "维持"}
    )
    assert hotline.ticket(number)["current_unit"] == "ZJJ"
    assert hotline.unit.task_for(number, "handle")["candidate_group"] == "unit:ZJJ"


def test_a_reassigned_units_first_objection_goes_to_the_center(hotline: Hotline) -> None:
    """Coordination counts for the unit it was for: the new unit's first objection is
    coordinated again, not sent straight to the authority."""
    number = dispatched_to_zjj(hotline)
    hotline.unit.complete(number, "handle", OBJECT)
    hotline.center.complete(
        number, "coordinate_objection", {"decision": "reassign", "unit": "LZQ", "comment": "改派"}
    )
    hotline.other_unit.complete(number, "acknowledge", ACK)
    hotline.other_unit.complete(number, "handle", {**OBJECT, "objection_reason": "也不属我区"})
    assert open_keys(hotline, number) == ["coordinate_objection"]


def test_a_joint_ticket_names_at_most_thirty_units(hotline: Hotline) -> None:
    """A runaway unit list is refused quickly, naming `units`."""
    number = hotline.new_ticket()["number"]
    many = ",".join(f"U{i}" for i in range(5000))
    bad = hotline.center.complete(
        number, "triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": many}, expect=422
    )
    assert bad.json["error"]["fields"]["units"] == ["at most 30 units, got 5000"]
