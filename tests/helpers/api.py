"""Checks over the HTTP API: the JSON error shape, and what a refused request must not change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.test import TestResponse

if TYPE_CHECKING:
    from tests.conftest import Hotline


def assert_error(response: TestResponse, status: int, code: str, field: str | None = None) -> dict:
    """Assert the JSON error shape, status and code, and that `fields` names `field`."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    if field is not None:
        assert field in error["fields"], error
    return error


def ticket_count(h: Hotline) -> int:
    """How many tickets the center sees."""
    response = h.center.get("/api/v1/tickets")
    assert response.status_code == 200, response.json
    return response.json["total"]


def snapshot(h: Hotline, number: str, task_id: str) -> tuple[dict, dict, list[str]]:
    """The ticket (with events and tasks), the task detail and the inbox ids, as seen now."""
    ticket = h.ticket(number)
    task = h.admin.get(f"/api/v1/tasks/{task_id}")
    assert task.status_code == 200, task.json
    return ticket, task.json, [t["id"] for t in h.admin.inbox()]
