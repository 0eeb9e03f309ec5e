"""The ticket page's diagram routes: the exact deployed XML of the ticket's instance and what
ran of it (counts, active elements, flows taken), under the ticket's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hotline.models import ProcessDefinition, ProcessInstance, Ticket
from tests.conftest import Hotline
from tests.helpers.joint import part_done
from tests.helpers.tickets import ACK, DISPATCH_ZJJ, RETURN_TO_LZQ, dispatched, joint_ticket
from tests.test_web_tickets import signed_in


def state(h: Hotline, number: str, user: str = "demo-center", **query: Any) -> dict[str, Any]:
    """GET /tickets/<number>/diagram.json as `user`."""
    suffix = "".join(f"?{k}={v}" for k, v in query.items())
    answer = signed_in(h, user).get(f"/tickets/{number}/diagram.json{suffix}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()


def runs(body: dict[str, Any]) -> dict[str, int]:
    """Runs per element."""
    return {element: info["runs"] for element, info in body["elements"].items()}


def test_the_xml_is_the_deployed_version_the_instance_runs(hotline: Hotline) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    with h.services.transaction() as session:
        xml = session.scalars(
            select(ProcessDefinition.xml)
            .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
            .join(Ticket, Ticket.id == ProcessInstance.ticket_id)
            .where(Ticket.number == number, ProcessDefinition.process_id == "ticket")
        ).one()
    answer = signed_in(h, "demo-unit-zjj").get(f"/tickets/{number}/diagram.xml")
    assert answer.status_code == 200
    assert answer.mimetype == "application/xml"
    assert answer.get_data(as_text=True) == xml


def test_a_return_loop_counts_the_dispatch_twice_and_the_ready_task_is_active(
    hotline: Hotline,
) -> None:
    h = hotline
    number = dispatched(h, "ZJJ")
    first = state(h, number)
    assert first["process"] == "ticket" and first["status"] == "running"
    assert first["active"] == ["acknowledge"]
    assert runs(first)["triage"] == 1 and runs(first)["dispatch_ticket"] == 1
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", RETURN_TO_LZQ)
    h.center.complete(number, "triage", {**DISPATCH_ZJJ, "unit": "LZQ"})
    body = state(h, number)
    counted = runs(body)
    assert counted["triage"] == 2 and counted["dispatch_ticket"] == 2
    assert counted["join_triage"] == 2 and counted["handle"] == 1
    assert counted["start"] == 1
    assert body["active"] == ["acknowledge"]
    assert body["elements"]["acknowledge"] == {"runs": 2, "active": True}
    assert body["elements"]["triage"]["active"] is False
    # Taken flows: the start, the return path back to triage; never a path not taken.
    assert body["flows"]["flow_start_triage"] == 1
    assert body["flows"]["flow_record_return_triage"] == 1
    assert body["flows"]["flow_dispatch"] == 2
    assert "flow_answer" not in body["flows"]
    # Timers armed beside a task did not run: they are not on the path.
    assert "handle_overdue" not in counted and "acknowledge_overdue" not in counted
    # The text alternative: the steps in the order first reached, with their counts.
    names = [(s["id"], s["runs"], s["active"]) for s in body["steps"]]
    assert names[:3] == [("start", 1, False), ("join_triage", 2, False), ("triage", 2, False)]
    assert ("acknowledge", 2, True) in names
    assert the_ready_task_is(h, number, "acknowledge")


def the_ready_task_is(h: Hotline, number: str, key: str) -> bool:
    """Whether the ticket's one ready task is `key` (the index the inbox reads)."""
    return [t["key"] for t in h.ticket(number)["tasks"]] == [key]


def test_a_joint_ticket_has_its_joint_instance_with_a_run_per_unit(hotline: Hotline) -> None:
    h = hotline
    number = joint_ticket(h)
    for caller in (h.unit, h.third_unit, h.other_unit):
        caller.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "handle_part", part_done("生态环境局"))
    main = state(h, number)
    assert main["active"] == ["joint_handling"]  # the ticket waits for the joint process
    with h.services.transaction() as session:
        joint_id = session.scalars(
            select(ProcessInstance.id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .join(Ticket, Ticket.id == ProcessInstance.ticket_id)
            .where(Ticket.number == number, ProcessDefinition.process_id == "joint")
        ).one()
    body = state(h, number, "demo-unit-hbj", instance=joint_id)
    assert body["process"] == "joint"
    counted = runs(body)
    assert counted["parts"] == 3 and counted["acknowledge_part"] == 3
    assert counted["handle_part"] == 3 and counted["record_part_result"] == 1
    assert set(body["active"]) == {"parts", "handle_part"}
    xml = signed_in(h, "demo-unit-hbj").get(f"/tickets/{number}/diagram.xml?instance={joint_id}")
    assert 'id="parts"' in xml.get_data(as_text=True)
    # The page offers both instances and draws the one asked for.
    page = signed_in(h, "demo-center").get(f"/tickets/{number}?instance={joint_id}")
    text = page.get_data(as_text=True)
    assert f'data-state="/tickets/{number}/diagram.json?instance={joint_id}"' in text
    assert "会签办理 第1版" in text and "工单办理 第1版" in text


def test_an_instance_of_another_ticket_is_not_found(hotline: Hotline) -> None:
    h = hotline
    mine = dispatched(h, "ZJJ")
    other = dispatched(h, "ZJJ")
    with h.services.transaction() as session:
        foreign = session.scalars(
            select(ProcessInstance.id)
            .join(Ticket, Ticket.id == ProcessInstance.ticket_id)
            .where(Ticket.number == other)
        ).first()
    center = signed_in(h, "demo-center")
    for path in ("", "/diagram.xml", "/diagram.json"):
        assert center.get(f"/tickets/{mine}{path}?instance={foreign}").status_code == 404


def test_a_finished_instance_has_no_active_step_and_ends_at_its_end_event(
    hotline: Hotline,
) -> None:
    h = hotline
    number = h.new_ticket(category="consultation", content="社保卡补办需要什么材料？")["number"]
    answer = {"disposition": "answer", "answer": "携带身份证到社保窗口"}
    h.center.complete(number, "triage", answer)
    body = state(h, number)
    assert body["status"] == "completed" and body["active"] == []
    assert runs(body) == {
        "start": 1,
        "join_triage": 1,
        "triage": 1,
        "gw_disposition": 1,
        "answer_directly": 1,
        "end_answered": 1,
    }
    assert set(body["flows"]) == {
        "flow_start_triage",
        "flow_join_triage_triage",
        "flow_triage_gw_disposition",
        "flow_answer",
        "flow_answer_directly_end_answered",
    }
    page = signed_in(h, "demo-center").get(f"/tickets/{number}").get_data(as_text=True)
    assert "当前所在步骤</strong>" not in page and "已直办" in page
