"""Who sees and does what: units only their own tickets and tasks, roles only their tasks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hotline.directory import add_unit, add_user
from tests.conftest import Caller, Hotline
from tests.helpers.confidential import named_staff
from tests.helpers.tickets import CONTACTED, acknowledged

DISPATCH_ZJJ = {"disposition": "dispatch", "unit": "ZJJ"}
DISPATCH_LZQ = {"disposition": "dispatch", "unit": "LZQ"}
SECRET_NAME = "王秘密"
SECRET_PHONE = "13912345678"


def numbers(response: Any) -> list[str]:
    """Ticket numbers of a list response, asserting it is a 200."""
    assert response.status_code == 200, response.json
    return [t["number"] for t in response.json["items"]]


def inbox_of(caller: Caller, number: str) -> list[str]:
    """Keys of the caller's ready tasks on ticket `number`."""
    return [t["key"] for t in caller.inbox() if t["ticket_number"] == number]


def state(h: Hotline, number: str) -> dict[str, Any]:
    """The ticket with events and open tasks, as the center sees it."""
    return h.ticket(number)


@pytest.fixture
def two_units(hotline: Hotline) -> tuple[str, str, str]:
    """One ticket at ZJJ (acknowledge ready), one at LZQ, one not yet dispatched."""
    at_zjj = hotline.new_ticket()["number"]
    at_lzq = hotline.new_ticket(content="路灯不亮")["number"]
    untouched = hotline.new_ticket(content="公交线路咨询")["number"]
    hotline.center.complete(at_zjj, "triage", DISPATCH_ZJJ)
    hotline.center.complete(at_lzq, "triage", DISPATCH_LZQ)
    return at_zjj, at_lzq, untouched


def test_unit_ticket_list_shows_only_its_own(hotline: Hotline, two_units: tuple) -> None:
    """ZJJ lists only ZJJ's ticket, LZQ only LZQ's; the center lists all three."""
    at_zjj, at_lzq, untouched = two_units
    assert numbers(hotline.unit.get("/api/v1/tickets")) == [at_zjj]
    assert hotline.unit.get("/api/v1/tickets").json["total"] == 1
    assert numbers(hotline.other_unit.get("/api/v1/tickets")) == [at_lzq]
    assert sorted(numbers(hotline.center.get("/api/v1/tickets"))) == sorted(
        [at_zjj, at_lzq, untouched]
    )


@pytest.mark.parametrize(
    "query", ["unit=LZQ", "status=dispatched&unit=LZQ", "status=new", "category=complaint"]
)
def test_unit_filters_never_widen_visibility(
    hotline: Hotline, two_units: tuple, query: str
) -> None:
    """Filtering by another unit, or by a status/category, shows a unit nothing of others."""
    at_zjj, _at_lzq, _untouched = two_units
    listed = numbers(hotline.unit.get(f"/api/v1/tickets?{query}"))
    assert set(listed) <= {at_zjj}
    total = hotline.unit.get(f"/api/v1/tickets?{query}").json["total"]
    assert total == len(listed)


def test_unit_get_other_units_ticket_is_404(hotline: Hotline, two_units: tuple) -> None:
    """A unit gets 404 for another unit's ticket and for a ticket not dispatched at all."""
    at_zjj, at_lzq, untouched = two_units
    assert hotline.unit.get(f"/api/v1/tickets/{at_zjj}").status_code == 200
    for number in (at_lzq, untouched):
        response = hotline.unit.get(f"/api/v1/tickets/{number}")
        assert response.status_code == 404, response.json
        assert response.json["error"]["code"] == "not_found"
        assert number in response.json["error"]["message"]
    assert hotline.other_unit.get(f"/api/v1/tickets/{at_zjj}").status_code == 404


def test_unit_inbox_shows_only_its_own_tasks(hotline: Hotline, two_units: tuple) -> None:
    """Each unit's inbox holds only its acknowledge task; no center triage tasks."""
    at_zjj, at_lzq, untouched = two_units
    zjj = hotline.unit.inbox()
    lzq = hotline.other_unit.inbox()
    assert [(t["ticket_number"], t["key"]) for t in zjj] == [(at_zjj, "acknowledge")]
    assert [(t["ticket_number"], t["key"]) for t in lzq] == [(at_lzq, "acknowledge")]
    assert hotline.unit.get("/api/v1/tasks").json["total"] == 1
    assert inbox_of(hotline.center, untouched) == ["triage"]


def test_unit_cannot_get_or_complete_another_units_task(hotline: Hotline, two_units: tuple) -> None:
    """GET of LZQ's task by ZJJ is 404; completing it is 403 and changes nothing."""
    _at_zjj, at_lzq, _untouched = two_units
    task = hotline.other_unit.task_for(at_lzq, "acknowledge")
    before = state(hotline, at_lzq)
    got = hotline.unit.get(f"/api/v1/tasks/{task['id']}")
    assert got.status_code == 404, got.json
    response = hotline.unit.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "forbidden"
    assert state(hotline, at_lzq) == before
    assert inbox_of(hotline.other_unit, at_lzq) == ["acknowledge"]


def test_unit_cannot_get_or_complete_center_tasks(hotline: Hotline, two_units: tuple) -> None:
    """A unit cannot see (404) or complete (403) the center's triage task."""
    _at_zjj, _at_lzq, untouched = two_units
    task = hotline.center.task_for(untouched, "triage")
    before = state(hotline, untouched)
    assert hotline.unit.get(f"/api/v1/tasks/{task['id']}").status_code == 404
    response = hotline.unit.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": DISPATCH_ZJJ}
    )
    assert response.status_code == 403, response.json
    assert state(hotline, untouched) == before


@pytest.mark.parametrize("who", ["operator", "supervisor", "leader", "unit"])
def test_only_the_center_completes_triage(hotline: Hotline, who: str) -> None:
    """Operator, supervisor, leader and units get 403 on triage; nothing is written."""
    number = hotline.new_ticket()["number"]
    task = hotline.center.task_for(number, "triage")
    caller: Caller = getattr(hotline, who)
    assert inbox_of(caller, number) == []
    before = state(hotline, number)
    response = caller.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": DISPATCH_ZJJ})
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "forbidden"
    assert state(hotline, number) == before
    assert before["status"] == "new"


@pytest.mark.parametrize("who", ["center", "operator", "other_unit"])
def test_only_the_assigned_unit_acknowledges(hotline: Hotline, who: str) -> None:
    """The center, the operator and another unit get 403 on a unit's acknowledge task."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    task = hotline.unit.task_for(number, "acknowledge")
    before = state(hotline, number)
    caller: Caller = getattr(hotline, who)
    response = caller.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 403, response.json
    assert state(hotline, number) == before


def test_redispatched_ticket_leaves_the_first_units_inbox(hotline: Hotline) -> None:
    """After 退单 and re-dispatch to LZQ, ZJJ has no task on it and cannot complete LZQ's."""
    number = acknowledged(hotline, CONTACTED)
    back = {"return_reason": "属地", "return_basis": "属地管理", "suggested_unit": "LZQ"}
    hotline.unit.complete(number, "handle", {"outcome": "return", **back})
    hotline.center.complete(number, "triage", DISPATCH_LZQ)
    assert inbox_of(hotline.unit, number) == []
    task = hotline.other_unit.task_for(number, "acknowledge")
    response = hotline.unit.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 403, response.json
    assert numbers(hotline.other_unit.get("/api/v1/tickets")) == [number]


def test_operator_inbox_is_empty_and_supervisor_sees_all_tickets(
    hotline: Hotline, two_units: tuple
) -> None:
    """No ticket task is offered to operator or supervisor; they still list every ticket.

    The leader role sees only tickets brought to it, so none of these.
    """
    for caller in (hotline.operator, hotline.supervisor):
        assert caller.inbox() == [], caller.name
        assert caller.get("/api/v1/tickets").json["total"] == 3, caller.name
    assert hotline.leader.inbox() == []
    assert hotline.leader.get("/api/v1/tickets").json["total"] == 0


# -- confidential tickets -----------------------------------------------------------------


@pytest.fixture
def confidential(hotline: Hotline) -> str:
    """A confidential ticket dispatched to ZJJ and acknowledged by its named staff."""
    number = hotline.new_ticket(
        confidential=True, requester={"name": SECRET_NAME, "phone": SECRET_PHONE}
    )["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    named_staff(hotline).complete(number, "acknowledge", {"contacted": True, "note": "已回电"})
    return number


def test_confidential_requester_is_masked_for_oversight(
    hotline: Hotline, confidential: str
) -> None:
    """The supervisor sees `***` and 139****5678 in get and list; the unit at large sees
    nothing of the ticket; the name and phone appear in neither's answers."""
    got = hotline.supervisor.get(f"/api/v1/tickets/{confidential}")
    assert got.status_code == 200
    assert got.json["requester"] == {"name": "***", "phone": "139****5678"}
    assert got.json["confidential"] is True
    listed = hotline.supervisor.get("/api/v1/tickets").json["items"]
    assert [t["requester"] for t in listed] == [{"name": "***", "phone": "139****5678"}]
    unit = hotline.unit
    assert unit.get(f"/api/v1/tickets/{confidential}").status_code == 404
    for response in (
        got,
        hotline.supervisor.get("/api/v1/tickets"),
        unit.get("/api/v1/tickets"),
        unit.get("/api/v1/tasks"),
    ):
        text = json.dumps(response.json, ensure_ascii=False)
        assert SECRET_NAME not in text and SECRET_PHONE not in text


def test_confidential_requester_is_not_in_the_units_completion_reply(
    hotline: Hotline, confidential: str
) -> None:
    """Completing a task returns no requester data, even to the named staff."""
    response = named_staff(hotline, name="secret-zjj-2").complete(
        confidential,
        "handle",
        {"outcome": "done", "basis": "条例", "findings": "属实", "reply": "已处理"},
    )
    text = json.dumps(response.json, ensure_ascii=False)
    assert SECRET_NAME not in text and SECRET_PHONE not in text


@pytest.mark.parametrize("who", ["center", "operator"])
def test_confidential_requester_is_visible_to_the_center(
    hotline: Hotline, confidential: str, who: str
) -> None:
    """The center needs the contact data for callbacks: shown in full."""
    caller: Caller = getattr(hotline, who)
    got = caller.get(f"/api/v1/tickets/{confidential}").json
    assert got["requester"] == {"name": SECRET_NAME, "phone": SECRET_PHONE}


def test_non_confidential_requester_is_shown_to_the_unit(hotline: Hotline) -> None:
    """Without the confidential flag the unit sees the requester to contact them."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    got = hotline.unit.get(f"/api/v1/tickets/{number}").json
    assert got["requester"] == {"name": "张三", "phone": "13800001234"}


@pytest.mark.parametrize("phone", ["12345678", "0839-1234"])
def test_confidential_short_phone_is_really_masked(hotline: Hotline, phone: str) -> None:
    """A short landline on a confidential ticket hides at least 4 digits from oversight."""
    number = hotline.new_ticket(confidential=True, requester={"name": "赵六", "phone": phone})[
        "number"
    ]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    masked = hotline.supervisor.get(f"/api/v1/tickets/{number}").json["requester"]["phone"]
    shown = sum(c.isdigit() for c in masked)
    total = sum(c.isdigit() for c in phone)
    assert total - shown >= 4, masked


# -- unit codes with LIKE wildcards --------------------------------------------------------


@pytest.fixture
def wildcard_unit(hotline: Hotline) -> Caller:
    """Units LZQ_DB (利州区东坝街道) and LZQXDB; a user of LZQ_DB."""
    with hotline.services.transaction() as session:
        add_unit(session, "LZQ_DB", "利州区东坝街道办事处", "利州区")
        add_unit(session, "LZQXDB", "利州区西坝街道办事处", "利州区")
        session.flush()
        token = add_user(session, "db-clerk", "unit", "LZQ_DB")
    return Caller(hotline.unit.client, token, "db-clerk")


def test_unit_code_with_underscore_sees_no_other_units_tasks(
    hotline: Hotline, wildcard_unit: Caller
) -> None:
    """A user of LZQ_DB neither lists nor gets a task offered to unit LZQXDB."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQXDB"})
    task = hotline.admin.task_for(number, "acknowledge")
    assert task["candidate_group"] == "unit:LZQXDB"
    assert wildcard_unit.inbox() == []
    assert wildcard_unit.get(f"/api/v1/tasks/{task['id']}").status_code == 404


def test_unit_code_with_underscore_cannot_complete_other_units_task(
    hotline: Hotline, wildcard_unit: Caller
) -> None:
    """Completion checks the exact group: LZQ_DB gets 403 on LZQXDB's task."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQXDB"})
    task = hotline.admin.task_for(number, "acknowledge")
    before = state(hotline, number)
    response = wildcard_unit.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 403, response.json
    assert state(hotline, number) == before
    assert wildcard_unit.get(f"/api/v1/tickets/{number}").status_code == 404
