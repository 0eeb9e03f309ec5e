"""Every path of ticket.bpmn, driven over HTTP as the center and units would."""

from __future__ import annotations

from tests.conftest import Hotline
from tests.helpers.tickets import DONE


def kinds(ticket: dict) -> list[str]:
    """Event kinds of a ticket's history, in order, without task bookkeeping."""
    return [e["kind"] for e in ticket["events"] if e["kind"] not in ("task_created",)]


def dispatch_and_handle(h: Hotline, number: str) -> None:
    """triage → dispatch to ZJJ → acknowledge → handle done."""
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    h.unit.complete(number, "acknowledge", {"contacted": True, "note": "已联系"})
    h.unit.complete(number, "handle", DONE)


def test_answer_directly_closes_at_intake(hotline: Hotline) -> None:
    """直办: the center answers from the knowledge base and the ticket is closed."""
    ticket = hotline.new_ticket(category="consultation", content="社保卡补办需要什么材料？")
    assert ticket["status"] == "new"
    assert [t["key"] for t in ticket["tasks"]] == ["triage"]
    response = hotline.center.complete(
        ticket["number"], "triage", {"disposition": "answer", "answer": "携带身份证到社保窗口"}
    )
    assert response.status_code == 200, response.json
    assert response.json["state"] == "completed"
    after = hotline.ticket(ticket["number"])
    assert after["status"] == "closed"
    assert after["reply"] == "携带身份证到社保窗口"
    assert after["closed_at"] is not None
    assert after["tasks"] == []
    assert kinds(after) == [
        "ticket_created",
        "task_completed",
        "ticket_answered",
        "process_completed",
    ]


def test_full_dispatch_path_to_closed(hotline: Hotline) -> None:
    """dispatch → acknowledge → handle → review → callback satisfied → closed."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    assert hotline.ticket(number)["status"] == "dispatched"
    assert hotline.ticket(number)["current_unit"] == "ZJJ"
    task = hotline.unit.task_for(number, "acknowledge")
    assert task["candidate_group"] == "unit:ZJJ"
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    assert hotline.ticket(number)["status"] == "handling"
    hotline.unit.complete(number, "handle", DONE)
    assert hotline.ticket(number)["status"] == "in_review"
    assert hotline.ticket(number)["reply"] == DONE["reply"]
    hotline.center.complete(number, "review", {"approved": True})
    assert hotline.ticket(number)["status"] == "callback"
    response = hotline.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "closed"
    assert ticket["satisfaction"] == "satisfied"
    assert ticket["tasks"] == []
    assert kinds(ticket) == [
        "ticket_created",
        "task_completed",
        "ticket_dispatched",
        "deadlines_set",
        "task_completed",
        "ticket_acknowledged",
        "task_completed",
        "result_submitted",
        "task_completed",
        "result_approved",
        "task_completed",
        "callback_recorded",
        "ticket_closed",
        "process_completed",
    ]
    completed = [e for e in ticket["events"] if e["kind"] == "task_completed"]
    assert [e["actor"] for e in completed] == [
        "demo-center", "demo-unit-zjj", "demo-unit-zjj", "demo-center", "demo-center",
    ]  # fmt: skip
    assert completed[2]["data"]["findings"] == DONE["findings"]


def test_return_goes_back_to_triage_for_redispatch(hotline: Hotline) -> None:
    """退单: the unit returns with a reason; the center re-dispatches to another unit."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(number, "acknowledge", {"contacted": False})
    response = hotline.unit.complete(
        number,
        "handle",
        {
            "outcome": "return",
            "return_reason": "属地街道职责",
            "return_basis": "属地管理原则",
            "suggested_unit": "LZQ",
        },
    )
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "returned"
    assert ticket["return_count"] == 1
    assert ticket["current_unit"] is None
    assert [t["key"] for t in ticket["tasks"]] == ["triage"]
    returned = next(e for e in ticket["events"] if e["kind"] == "ticket_returned")
    assert returned["data"] == {
        "unit": "ZJJ", "return_reason": "属地街道职责", "suggested_unit": "LZQ",
        "return_basis": "属地管理原则",
    }  # fmt: skip
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    assert hotline.other_unit.task_for(number, "acknowledge")["candidate_group"] == "unit:LZQ"
    assert [t for t in hotline.unit.inbox() if t["ticket_number"] == number] == []
    assert hotline.ticket(number)["current_unit"] == "LZQ"


def test_review_sent_back_returns_to_handle(hotline: Hotline) -> None:
    """审核退回: the center refuses the result with a comment; the unit handles again."""
    number = hotline.new_ticket()["number"]
    dispatch_and_handle(hotline, number)
    response = hotline.center.complete(
        number, "review", {"approved": False, "comment": "调查结论不完整"}
    )
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "handling"
    assert [t["key"] for t in ticket["tasks"]] == ["handle"]
    assert ticket["events"][-2]["kind"] == "result_sent_back"
    assert ticket["events"][-2]["data"]["comment"] == "调查结论不完整"
    hotline.unit.complete(number, "handle", DONE)
    assert hotline.ticket(number)["status"] == "in_review"


def test_extension_approved_moves_the_due_time_and_a_second_is_refused(hotline: Hotline) -> None:
    """延期申请 (guangyuan 第十三条(三)): approved once, +2 working days; once in principle."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    due = hotline.ticket(number)["due_at"]
    ask = {"outcome": "extension", "extension_reason": "需现场检测噪音", "requester_told": True}
    hotline.unit.complete(number, "handle", ask)
    assert hotline.ticket(number)["status"] == "extension_requested"
    hotline.center.complete(number, "approve_extension", {"approved": True})
    ticket = hotline.ticket(number)
    assert ticket["status"] == "handling"
    assert ticket["extension_count"] == 1
    assert ticket["due_at"] > due  # Thu 24:00 → Mon 24:00 (two working days later)
    # 原则上只能申请一次 is a soft cap: a second request reaches the center, which may grant
    # it only with a written reason (issue 11 §1.9; tests/test_rules_deadlines.py).
    hotline.unit.complete(number, "handle", ask)
    refused = hotline.center.complete(number, "approve_extension", {"approved": True}, expect=422)
    message = refused.json["error"]["fields"]["override_reason"][0]
    assert "at most 1" in message and "第十三条" in message
    assert [t["key"] for t in hotline.ticket(number)["tasks"]] == ["approve_extension"]
    decisions = [e["kind"] for e in hotline.ticket(number)["events"] if "extension_" in e["kind"]]
    assert decisions == ["extension_requested", "extension_approved", "extension_requested"]


def test_extension_refused_by_the_center_keeps_the_due_time(hotline: Hotline) -> None:
    """The center may refuse an extension with a reason; the unit goes on, due unchanged."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    due = hotline.ticket(number)["due_at"]
    hotline.unit.complete(
        number,
        "handle",
        {"outcome": "extension", "extension_reason": "复杂", "requester_told": True},
    )
    hotline.center.complete(
        number, "approve_extension", {"approved": False, "comment": "不符合延期条件"}
    )
    ticket = hotline.ticket(number)
    assert (ticket["status"], ticket["due_at"], ticket["extension_count"]) == ("handling", due, 0)
    assert [t["key"] for t in ticket["tasks"]] == ["handle"]
    assert ticket["events"][-2]["kind"] == "extension_refused"


def test_unsatisfied_and_reasonable_goes_back_to_the_unit(hotline: Hotline) -> None:
    """重办: unsatisfied and reasonable → the same unit handles again, then closes."""
    number = hotline.new_ticket()["number"]
    dispatch_and_handle(hotline, number)
    hotline.center.complete(number, "review", {"approved": True})
    response = hotline.center.complete(
        number, "callback", {"satisfaction": "unsatisfied", "reasonable": True}
    )
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "handling"
    assert ticket["rehandle_count"] == 1
    assert hotline.unit.task_for(number, "handle")
    hotline.unit.complete(number, "handle", DONE)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "basically_satisfied"})
    ticket = hotline.ticket(number)
    assert ticket["status"] == "closed"
    assert ticket["satisfaction"] == "basically_satisfied"


def test_unsatisfied_not_reasonable_closes_with_note(hotline: Hotline) -> None:
    """备注办结: unsatisfied for objective reasons; archived with the note."""
    number = hotline.new_ticket()["number"]
    dispatch_and_handle(hotline, number)
    hotline.center.complete(number, "review", {"approved": True})
    response = hotline.center.complete(
        number,
        "callback",
        {"satisfaction": "unsatisfied", "reasonable": False, "comment": "诉求超出政策范围"},
    )
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "closed_with_note"
    assert ticket["close_note"] == "诉求超出政策范围"
    assert ticket["satisfaction"] == "unsatisfied"
    assert ticket["closed_at"] is not None


def test_no_response_callback_closes(hotline: Hotline) -> None:
    """A callback nobody answers still closes the ticket, rated no_response."""
    number = hotline.new_ticket()["number"]
    dispatch_and_handle(hotline, number)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "no_response"})
    ticket = hotline.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "no_response")


def test_decline_records_the_reason(hotline: Hotline) -> None:
    """不予受理: declined with a reason, no unit involved."""
    number = hotline.new_ticket(content="要求撤销法院判决")["number"]
    response = hotline.center.complete(
        number, "triage", {"disposition": "decline", "decline_reason": "属司法程序，不予受理"}
    )
    assert response.status_code == 200, response.json
    ticket = hotline.ticket(number)
    assert ticket["status"] == "declined"
    assert ticket["close_note"] == "属司法程序，不予受理"
    assert ticket["current_unit"] is None
    assert "ticket_declined" in kinds(ticket)
