"""Bad input on the ticket endpoints (create, list, get): a JSON error naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller, Hotline
from tests.helpers.api import assert_error, ticket_count
from tests.helpers.tickets import ticket_body as valid_body

# -- tickets: create ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in valid_body().items() if k != "channel"}, "channel"),
        ({k: v for k, v in valid_body().items() if k != "category"}, "category"),
        ({k: v for k, v in valid_body().items() if k != "requester"}, "requester"),
        ({k: v for k, v in valid_body().items() if k != "content"}, "content"),
        (valid_body(channel="fax"), "channel"),
        (valid_body(category="gossip"), "category"),
        (valid_body(urgency="asap"), "urgency"),
        (valid_body(urgency=None), "urgency"),
        (valid_body(confidential="true"), "confidential"),
        pytest.param(
            valid_body(confidential=1),
            "confidential",
        ),
        (valid_body(content="   "), "content"),
        (valid_body(content="字" * 20001), "content"),
        (valid_body(content=123), "content"),
        (valid_body(address="路" * 501), "address"),
        (valid_body(district="区" * 101), "district"),
        (valid_body(priority="high"), "priority"),
        (valid_body(requester="张三"), "requester"),
        (valid_body(requester={"name": "张三"}), "requester"),
        (valid_body(requester={"name": "  ", "phone": "13800001234"}), "requester"),
        (valid_body(requester={"name": "张三", "phone": "call me"}), "requester"),
        (valid_body(requester={"name": "张三", "phone": "13800001234", "id": "x"}), "requester"),
    ],
)
def test_create_ticket_refuses_bad_fields(hotline: Hotline, body: dict, field: str) -> None:
    """Each invalid creation field gives 422 naming it, and no ticket is created."""
    response = hotline.operator.post("/api/v1/tickets", json=body)
    assert_error(response, 422, "validation_error", field)
    assert ticket_count(hotline) == 0


def test_create_ticket_nested_requester_errors_name_the_subfield(hotline: Hotline) -> None:
    """A bad requester phone is reported under requester.phone, not only requester."""
    body = valid_body(requester={"name": "张三", "phone": "abc"})
    error = assert_error(
        hotline.operator.post("/api/v1/tickets", json=body), 422, "validation_error", "requester"
    )
    assert "phone" in error["fields"]["requester"], error


@pytest.mark.parametrize("payload", [[valid_body()], "ticket", 42, None])
def test_create_ticket_body_must_be_an_object(hotline: Hotline, payload: Any) -> None:
    """A JSON body that is not an object is refused with 422, not a crash."""
    response = hotline.operator.post("/api/v1/tickets", json=payload)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert_error(response, 422, "validation_error")
    assert ticket_count(hotline) == 0


def test_create_ticket_without_body_names_required_fields(hotline: Hotline) -> None:
    """No body at all: 422 naming the required fields."""
    error = assert_error(hotline.operator.post("/api/v1/tickets"), 422, "validation_error")
    assert {"channel", "category", "requester", "content"} <= set(error["fields"]), error


def test_create_ticket_with_text_body_is_refused(hotline: Hotline) -> None:
    """A text/plain body is not taken as a ticket: a JSON 4xx, nothing created."""
    response = hotline.operator.post("/api/v1/tickets", data="噪音投诉", content_type="text/plain")
    assert response.status_code in (415, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])
    assert ticket_count(hotline) == 0


def test_create_ticket_with_malformed_json_is_422(hotline: Hotline) -> None:
    """A body that is not valid JSON gives a JSON 4xx naming the body, not a 500."""
    response = hotline.operator.post(
        "/api/v1/tickets", data='{"channel": "phone",', content_type="application/json"
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    error = assert_error(response, response.status_code, response.json["error"]["code"])
    assert error["fields"], error
    assert ticket_count(hotline) == 0


@pytest.mark.parametrize("where", ["content", "requester"])
def test_create_ticket_refuses_nul_characters(hotline: Hotline, where: str) -> None:
    """Text with a NUL character is refused with 422 naming the field on every database."""
    if where == "content":
        body = valid_body(content="噪音\x00扰民")
    else:
        body = valid_body(requester={"name": "张\x00三", "phone": "13800001234"})
    response = hotline.operator.post("/api/v1/tickets", json=body)
    assert_error(response, 422, "validation_error", where)


@pytest.mark.parametrize("who", ["unit", "other_unit", "supervisor", "leader"])
def test_create_ticket_forbidden_for_roles_without_intake(hotline: Hotline, who: str) -> None:
    """Only operators, the center and admins register tickets; others get 403."""
    caller: Caller = getattr(hotline, who)
    response = caller.post("/api/v1/tickets", json=valid_body())
    assert_error(response, 403, "forbidden")
    assert ticket_count(hotline) == 0


def test_unit_with_invalid_body_gets_403_and_nothing_is_written(hotline: Hotline) -> None:
    """A caller without the role learns nothing about the body: 403 before validation."""
    response = hotline.unit.post("/api/v1/tickets", json={"channel": "fax"})
    assert_error(response, 403, "forbidden")
    assert ticket_count(hotline) == 0


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("unit", "/api/v1/tickets/GY00000000000001/escalations"),
        ("leader", "/api/v1/tickets/GY00000000000001/escalations"),
        ("unit", "/api/v1/knowledge/questions"),
        ("operator", "/api/v1/knowledge/questions"),
        ("center", "/api/v1/processes/ticket/migrations"),
    ],
)
def test_role_is_checked_before_the_body(hotline: Hotline, who: str, url: str) -> None:
    """An invalid body from a caller who may not use the endpoint is a 403, not a 422."""
    response = getattr(hotline, who).post(url, json={"level": 99, "unit": 5, "from_version": "x"})
    assert_error(response, 403, "forbidden")


# -- tickets: list and get ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("status=open", "status"),
        ("category=gossip", "category"),
    ],
)
def test_ticket_list_refuses_bad_query(hotline: Hotline, query: str, field: str) -> None:
    """Bad paging or filter values give 422 naming the query parameter."""
    hotline.new_ticket()
    response = hotline.center.get(f"/api/v1/tickets?{query}")
    assert_error(response, 422, "validation_error", field)


def test_ticket_list_filters_and_pages(hotline: Hotline) -> None:
    """Valid filters narrow the list; a page past the end is empty, not an error."""
    first = hotline.new_ticket()["number"]
    second = hotline.new_ticket(category="consultation")["number"]
    hotline.center.complete(first, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    by_status = hotline.center.get("/api/v1/tickets?status=dispatched").json
    assert [t["number"] for t in by_status["items"]] == [first]
    by_category = hotline.center.get("/api/v1/tickets?category=consultation").json
    assert [t["number"] for t in by_category["items"]] == [second]
    by_unit = hotline.center.get("/api/v1/tickets?unit=ZJJ").json
    assert [t["number"] for t in by_unit["items"]] == [first]
    far = hotline.center.get("/api/v1/tickets?page=9&per_page=1").json
    assert (far["items"], far["total"], far["page"], far["per_page"]) == ([], 2, 9, 1)


@pytest.mark.parametrize(
    "number", ["GY20261123999999", "nothing", "x" * 300, "GY2026%2F..%2F1", "%E5%B7%A5%E5%8D%95"]
)
def test_ticket_get_unknown_number_is_404(hotline: Hotline, number: str) -> None:
    """Unknown or odd ticket numbers give a JSON 404."""
    hotline.new_ticket()
    assert_error(hotline.center.get(f"/api/v1/tickets/{number}"), 404, "not_found")
