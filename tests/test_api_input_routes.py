"""Tokens, health, unknown routes and hostile input (huge numbers, NUL): JSON, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import Hotline
from tests.helpers.api import assert_error, at_triage, snapshot, ticket_count
from tests.helpers.tickets import ticket_body as valid_body

# -- auth, health, unknown routes ---------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/v1/tickets"),
    ("POST", "/api/v1/tickets"),
    ("GET", "/api/v1/tickets/GY20261123000001"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/00000000-0000-0000-0000-000000000000"),
    ("POST", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete"),
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/definitions"),
    ("POST", "/api/v1/definitions"),
    ("GET", "/api/v1/nothing-here"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer   ", "Bearer not-a-token", "Basic dXNlcjpwdw==", "token"]
)
def test_every_api_endpoint_needs_a_valid_token(
    hotline: Hotline, method: str, url: str, header: str | None
) -> None:
    """Missing, malformed or unknown tokens give a JSON 401 on every /api/v1 endpoint."""
    headers = {"Authorization": header} if header is not None else {}
    client = hotline.operator.client
    response = client.open(url, method=method, headers=headers, json=valid_body())
    assert_error(response, 401, "unauthorized")
    assert ticket_count(hotline) == 0


def test_health_needs_no_token_and_refuses_post(hotline: Hotline) -> None:
    """Health answers without a token; a wrong method is a JSON 405."""
    client = hotline.operator.client
    response = client.get("/api/health")
    assert response.status_code == 200
    assert (response.json["status"], response.json["profile"]) == ("ok", "guangyuan")
    assert_error(client.post("/api/health"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("DELETE", "/api/v1/tickets/GY20261123000001", 405, "method_not_allowed"),
        ("PUT", "/api/v1/tasks", 405, "method_not_allowed"),
        ("GET", "/api/v1/tasks/x/complete", 405, "method_not_allowed"),
        ("GET", "/api/index.html", 404, "not_found"),
    ],
)
def test_unknown_routes_and_methods_are_json(
    hotline: Hotline, method: str, url: str, status: int, code: str
) -> None:
    """Unknown URLs and methods answer with the JSON error shape, never HTML."""
    response = hotline.center.client.open(
        url, method=method, headers={"Authorization": f"Bearer {hotline.center.token}"}
    )
    assert_error(response, status, code)
    assert "<html" not in response.get_data(as_text=True).lower()


def test_openapi_document_is_served(hotline: Hotline) -> None:
    """The OpenAPI document lists the ticket and task endpoints."""
    response = hotline.operator.client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    assert "/api/v1/tickets" in paths and "/api/v1/tasks/{task_id}/complete" in paths


# -- hostile but plausible input: huge numbers, deep nesting, NUL characters ----------------


def backend(h: Hotline) -> str:
    """'sqlite' or 'postgresql'."""
    return h.services.engine.dialect.name


@pytest.mark.parametrize("url", ["/api/v1/tickets", "/api/v1/tasks"])
@pytest.mark.parametrize("page", ["100000000000000000000", "922337203685477580"])
def test_huge_page_number_is_not_a_500(hotline: Hotline, url: str, page: str) -> None:
    """A page far beyond any data is an empty page or a 422 naming `page`, never a 500."""
    hotline.new_ticket()
    response = hotline.center.get(f"{url}?page={page}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.json["items"] == []
    else:
        assert_error(response, 422, "validation_error", "page")


@pytest.mark.parametrize("where", ["ticket", "complete"])
def test_deeply_nested_json_is_a_4xx(hotline: Hotline, where: str) -> None:
    """A 200 KB body of nested brackets is refused as bad input, not a 500; nothing moves."""
    number, task, before = at_triage(hotline)
    nested = "[" * 100_000 + "]" * 100_000
    if where == "ticket":
        url, body = "/api/v1/tickets", nested
    else:
        url, body = f"/api/v1/tasks/{task['id']}/complete", '{"data": ' + nested + "}"
    response = hotline.center.post(url, data=body, content_type="application/json")
    assert response.status_code in (400, 413, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])
    assert snapshot(hotline, number, task["id"]) == before
    assert ticket_count(hotline) == 1


@pytest.mark.parametrize("url", ["/api/v1/tickets/GY2026%00", "/api/v1/tasks/ab%00cd"])
def test_nul_in_path_is_404(hotline: Hotline, url: str) -> None:
    """A NUL in a ticket number or task id is just not found."""
    response = hotline.center.get(url)
    assert response.status_code in (404, 405), response.get_data(as_text=True)
    assert_error(response, response.status_code, response.json["error"]["code"])


def test_nul_in_query_filter_is_not_a_500(hotline: Hotline) -> None:
    """`?unit=` with a NUL finds nothing (or is refused), never a 500."""
    hotline.new_ticket()
    response = hotline.center.get("/api/v1/tickets?unit=ZJJ%00")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.json["items"] == []
    else:
        assert_error(response, 422, "validation_error", "unit")


def test_nul_in_dispatch_unit_is_422(hotline: Hotline) -> None:
    """Triage to unit 'ZJJ\\x00' is refused naming `unit`; the ticket does not move."""
    number, task, before = at_triage(hotline)
    response = hotline.center.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"disposition": "dispatch", "unit": "ZJJ\x00"}},
    )
    assert_error(response, 422, "validation_error", "unit")
    assert snapshot(hotline, number, task["id"]) == before


def test_nul_in_idempotency_key_is_not_a_500(hotline: Hotline) -> None:
    """An Idempotency-Key with a NUL is either refused (422) or works as a key."""
    response = hotline.operator.post(
        "/api/v1/tickets", json=valid_body(), headers={"Idempotency-Key": "a\x00b"}
    )
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert_error(response, 422, "validation_error", "Idempotency-Key")
