"""The confidential channel (meizhou 第二十一条: 涉及保密事项的…通过专门的保密渠道、指定专门的
工作人员流转办理): a confidential ticket reaches only the unit's named staff, never the unit
at large. Over HTTP, as the unit's users meet it."""

from __future__ import annotations

from tests.conftest import Hotline
from tests.helpers.api import Caller, assert_error
from tests.helpers.confidential import (
    SECRET_CONTENT,
    dispatched_secret,
    named_staff,
    secret_ticket,
)
from tests.helpers.tickets import ACK, DONE


def numbers(caller: Caller, **query: str) -> set[str]:
    """The ticket numbers `caller` lists."""
    response = caller.get("/api/v1/tickets", query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.json
    return {t["number"] for t in response.json["items"]}


def test_a_confidential_ticket_is_invisible_to_a_unit_member_who_is_not_named(
    hotline: Hotline,
) -> None:
    """Done-when: ZJJ's ordinary user does not list, open, find in its inbox, read the task
    of, or complete a confidential ticket dispatched to ZJJ; a plain ticket it does."""
    h = hotline
    secret = dispatched_secret(h)
    plain = h.new_ticket()["number"]
    h.center.complete(plain, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    staff = named_staff(h)
    task = staff.task_for(secret, "acknowledge")
    assert task["candidate_group"] == "unit:ZJJ"  # the diagram offers it to the unit as ever

    for unnamed in (h.unit, h.reviewer):
        assert numbers(unnamed) == {plain}
        assert numbers(unnamed, status="dispatched", unit="ZJJ") == {plain}
        detail = unnamed.get(f"/api/v1/tickets/{secret}")
        error = assert_error(detail, 404, "not_found")
        assert error["message"] == f"ticket {secret} not found"  # as if it did not exist
        assert SECRET_CONTENT not in detail.get_data(as_text=True)
        assert {t["ticket_number"] for t in unnamed.inbox()} == {plain}
        assert_error(unnamed.get(f"/api/v1/tasks/{task['id']}"), 404, "not_found")
        for sub in ("parts", "milestones", "repeats"):
            response = unnamed.get(f"/api/v1/tickets/{secret}/{sub}")
            assert response.status_code == 404, (sub, response.json)
        refused = unnamed.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": ACK})
        assert_error(refused, 403, "forbidden")
    assert h.ticket(secret)["status"] == "dispatched"  # nothing moved
    # Another unit's named staff is no more ZJJ's than its other users are.
    lzq_staff = named_staff(h, "LZQ")
    assert numbers(lzq_staff) == set()
    assert lzq_staff.get(f"/api/v1/tickets/{secret}").status_code == 404


def test_named_staff_handle_a_confidential_ticket_end_to_end(hotline: Hotline) -> None:
    """ZJJ's named staff see it whole, acknowledge and handle it; the center reviews and
    closes it; the unit's other users never meet it on the way."""
    h = hotline
    secret = dispatched_secret(h)
    staff = named_staff(h)
    assert numbers(staff) == {secret}
    shown = staff.get(f"/api/v1/tickets/{secret}").json
    assert (shown["content"], shown["confidential"]) == (SECRET_CONTENT, True)
    staff.complete(secret, "acknowledge", ACK)
    assert h.unit.inbox() == []
    staff.complete(secret, "handle", DONE)
    assert h.ticket(secret)["status"] == "in_review"
    h.center.complete(secret, "review", {"approved": True})
    h.center.complete(secret, "callback", {"satisfaction": "satisfied"})
    assert h.ticket(secret)["status"] == "closed"
    assert secret in numbers(staff, status="closed")
    assert numbers(h.unit) == set()


def test_joint_parts_of_a_confidential_ticket_go_to_each_units_named_staff(
    hotline: Hotline,
) -> None:
    """会签: each unit's part is offered to its named staff only; the lead's too."""
    h = hotline
    number = secret_ticket(h)
    joint = {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ"}
    h.center.complete(number, "triage", joint)
    zjj, hbj = named_staff(h), named_staff(h, "HBJ")
    for unnamed in (h.unit, h.third_unit):
        assert unnamed.inbox() == []
        assert unnamed.get(f"/api/v1/tickets/{number}/parts").status_code == 404
    for staff in (zjj, hbj):
        staff.complete(number, "acknowledge_part", ACK)
    assert h.ticket(number)["status"] == "handling"
    assert numbers(zjj) == numbers(hbj) == {number}
    assert numbers(h.unit) == numbers(h.third_unit) == set()


def test_escalations_of_a_confidential_ticket_reach_only_named_staff(hotline: Hotline) -> None:
    """A supervision order's reason may retell the matter: against ZJJ, its named staff read
    it, its other users read only those of plain tickets; the supervisor reads all."""
    h = hotline
    secret = dispatched_secret(h)
    plain = h.new_ticket()["number"]
    h.center.complete(plain, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    for number in (secret, plain):
        body = {"level": "supervision_order", "reason": "举报事项久拖未办"}
        response = h.supervisor.post(f"/api/v1/tickets/{number}/escalations", json=body)
        assert response.status_code == 201, response.json

    def escalated(caller: Caller) -> set[str]:
        response = caller.get("/api/v1/escalations", query_string={"per_page": 100})
        assert response.status_code == 200, response.json
        return {e["ticket_number"] for e in response.json["items"]}

    assert escalated(h.unit) == {plain}
    assert escalated(named_staff(h)) == escalated(h.supervisor) == {secret, plain}
