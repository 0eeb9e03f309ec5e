"""The HTTP API in tests: a caller with a token, the JSON error shape, what refusals leave."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient
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


def at_triage(h: Hotline) -> tuple[str, dict[str, Any], tuple[dict, dict, list[str]]]:
    """A new ticket, the center's triage task and the snapshot taken before acting on it."""
    number = h.new_ticket()["number"]
    task = h.center.task_for(number, "triage")
    return number, task, snapshot(h, number, task["id"])


class Caller:
    """An HTTP client acting as one demo user: `center.post("/api/v1/...", json=...)`."""

    def __init__(self, client: FlaskClient, token: str, name: str) -> None:
        self.client = client
        self.token = token
        self.name = name

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        """GET with this caller's token."""
        return self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, **kwargs: Any) -> TestResponse:
        """POST with this caller's token."""
        return self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def inbox(self) -> list[dict[str, Any]]:
        """The caller's ready tasks."""
        response = self.get("/api/v1/tasks?per_page=100")
        assert response.status_code == 200, response.json
        return response.json["items"]

    def task_for(self, number: str, key: str) -> dict[str, Any]:
        """The ready task `key` (e.g. "handle") of ticket `number` in this caller's inbox."""
        found = [t for t in self.inbox() if t["ticket_number"] == number and t["key"] == key]
        assert found, f"{self.name} has no {key} task for {number}: {self.inbox()}"
        return found[0]

    def complete(
        self, number: str, key: str, data: dict[str, Any], expect: int = 200
    ) -> TestResponse:
        """Complete the ticket's `key` task with form `data`; assert the `expect`ed status."""
        task = self.task_for(number, key)
        response = self.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == expect, response.json
        return response
