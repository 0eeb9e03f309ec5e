"""Idempotency-Key on POST /api/v1/tickets: retries are safe, reuse is refused."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from werkzeug.test import TestResponse

from tests.conftest import Caller, Hotline
from tests.helpers.servers import LiveServer, race
from tests.helpers.tickets import TICKET_BODY as BODY


def create(caller: Caller, key: str | None, **overrides: Any) -> TestResponse:
    """POST a ticket as `caller` with an optional Idempotency-Key."""
    headers = {"Idempotency-Key": key} if key is not None else {}
    return caller.post("/api/v1/tickets", json={**BODY, **overrides}, headers=headers)


def total(h: Hotline) -> int:
    """How many tickets exist (as the center sees them)."""
    response = h.center.get("/api/v1/tickets")
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_retry_returns_the_same_ticket(hotline: Hotline) -> None:
    """A retry with the same key and body: 201, same number, Idempotent-Replayed: true."""
    first = create(hotline.operator, "call-20261123-0001")
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    again = create(hotline.operator, "call-20261123-0001")
    assert again.status_code == 201, again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["number"] == first.json["number"]
    assert again.headers["Location"].endswith(f"/api/v1/tickets/{first.json['number']}")
    assert again.json == first.json
    assert total(hotline) == 1
    ticket = hotline.ticket(first.json["number"])
    assert [e["kind"] for e in ticket["events"]].count("ticket_created") == 1
    assert [t["key"] for t in ticket["tasks"]] == ["triage"]


def test_many_retries_create_one_ticket(hotline: Hotline) -> None:
    """Five retries leave one ticket and one triage task."""
    numbers = {create(hotline.operator, "k-many").json["number"] for _ in range(5)}
    assert len(numbers) == 1
    assert total(hotline) == 1
    assert len([t for t in hotline.center.inbox() if t["key"] == "triage"]) == 1


def test_retry_with_reordered_keys_and_explicit_defaults_is_a_replay(hotline: Hotline) -> None:
    """The same request with keys reordered and defaults spelled out is still a retry."""
    body = {k: v for k, v in BODY.items() if k not in ("urgency", "confidential")}
    first = hotline.operator.post("/api/v1/tickets", json=body, headers={"Idempotency-Key": "k"})
    assert first.status_code == 201, first.json
    reordered = dict(reversed(list(BODY.items())))
    again = hotline.operator.post(
        "/api/v1/tickets", json=reordered, headers={"Idempotency-Key": "k"}
    )
    assert again.status_code == 201, again.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json["number"] == first.json["number"]
    assert total(hotline) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"content": "另一件事：路灯不亮"},
        {"urgency": "urgent"},
        {"confidential": True},
        {"requester": {"name": "李四", "phone": "13800001234"}},
        {"address": None},
    ],
)
def test_reuse_with_a_different_body_is_409(hotline: Hotline, change: dict[str, Any]) -> None:
    """The same key with a different body: 409 naming Idempotency-Key, no new ticket."""
    first = create(hotline.operator, "k-reuse")
    assert first.status_code == 201
    reused = create(hotline.operator, "k-reuse", **change)
    assert reused.status_code == 409, reused.json
    assert reused.json["error"]["code"] == "conflict"
    assert "Idempotency-Key" in reused.json["error"]["fields"]
    assert total(hotline) == 1
    again = create(hotline.operator, "k-reuse")
    assert again.status_code == 201
    assert again.json["number"] == first.json["number"]
    assert again.json["content"] == BODY["content"]


def test_different_users_keys_do_not_collide(hotline: Hotline) -> None:
    """Operator and center using the same key get two tickets, neither replayed."""
    mine = create(hotline.operator, "shared-key")
    theirs = create(hotline.center, "shared-key")
    admins = create(hotline.admin, "shared-key", content="管理员登记")
    assert [r.status_code for r in (mine, theirs, admins)] == [201, 201, 201]
    assert all("Idempotent-Replayed" not in r.headers for r in (mine, theirs, admins))
    assert len({r.json["number"] for r in (mine, theirs, admins)}) == 3
    assert total(hotline) == 3
    replay = create(hotline.center, "shared-key")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json["number"] == theirs.json["number"]


def test_different_keys_or_no_key_make_new_tickets(hotline: Hotline) -> None:
    """Without a key, or with a new key, the same body creates another ticket."""
    numbers = [
        create(hotline.operator, None).json["number"],
        create(hotline.operator, None).json["number"],
        create(hotline.operator, "a").json["number"],
        create(hotline.operator, "b").json["number"],
    ]
    assert len(set(numbers)) == 4
    assert total(hotline) == 4


def test_replay_after_the_ticket_moved_on_returns_it_as_it_is_now(hotline: Hotline) -> None:
    """A late retry returns the same ticket in its current status, without restarting it."""
    first = create(hotline.operator, "late-retry")
    number = first.json["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
    again = create(hotline.operator, "late-retry")
    assert again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (again.json["number"], again.json["status"]) == (number, "dispatched")
    assert [t["key"] for t in again.json["tasks"]] == ["acknowledge"]
    assert total(hotline) == 1


def test_refused_request_does_not_burn_the_key(hotline: Hotline) -> None:
    """A 422 with a key stores nothing: the corrected request with that key creates."""
    bad = create(hotline.operator, "k-fix", channel="fax")
    assert bad.status_code == 422
    assert total(hotline) == 0
    good = create(hotline.operator, "k-fix")
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good.headers
    assert create(hotline.operator, "k-fix").headers.get("Idempotent-Replayed") == "true"


def test_forbidden_request_does_not_burn_the_key(hotline: Hotline) -> None:
    """A unit's refused attempt stores nothing under its key."""
    refused = create(hotline.unit, "k-unit")
    assert refused.status_code == 403
    assert total(hotline) == 0


@pytest.mark.parametrize(("key", "why"), [("", "empty"), ("k" * 201, "too long")])
def test_malformed_key_is_422(hotline: Hotline, key: str, why: str) -> None:
    """An empty or over-long Idempotency-Key is refused naming the header."""
    response = create(hotline.operator, key)
    assert response.status_code == 422, (why, response.json)
    assert "Idempotency-Key" in response.json["error"]["fields"]
    assert total(hotline) == 0


def test_key_of_maximum_length_and_unicode_works(hotline: Hotline) -> None:
    """A 200-character key, and a key in Chinese, are accepted and replayed."""
    for key in ("k" * 200, "来电-0001"):
        headers = {"Idempotency-Key": key.encode().decode("latin-1")}
        first = hotline.operator.post("/api/v1/tickets", json=BODY, headers=headers)
        assert first.status_code == 201, first.json
        again = hotline.operator.post("/api/v1/tickets", json=BODY, headers=headers)
        assert again.headers.get("Idempotent-Replayed") == "true"
        assert again.json["number"] == first.json["number"]
    assert total(hotline) == 2


def test_header_name_is_case_insensitive(hotline: Hotline, live: LiveServer) -> None:
    """`idempotency-key` (as HTTP/2 proxies send it) works like Idempotency-Key."""
    token = hotline.operator.token
    status, headers, first = live.request(
        "POST", "/api/v1/tickets", token, BODY, {"idempotency-key": "lower"}
    )
    assert status == 201, first
    status, headers, again = live.request(
        "POST", "/api/v1/tickets", token, BODY, {"IDEMPOTENCY-KEY": "lower"}
    )
    assert status == 201, again
    assert headers.get("Idempotent-Replayed") == "true"
    assert again["number"] == first["number"]


def test_simultaneous_retries_create_exactly_one_ticket(hotline: Hotline, live: LiveServer) -> None:
    """Eight retries racing with one key: one ticket; each answer is it (201) or a 409."""
    for round_ in range(3):
        key = f"race-{round_}"
        results = race(
            [
                partial(
                    live.request,
                    "POST",
                    "/api/v1/tickets",
                    hotline.operator.token,
                    BODY,
                    {"Idempotency-Key": key},
                )
            ]
            * 8
        )
        created = [body for status, _h, body in results if status == 201]
        assert created, results
        assert len({body["number"] for body in created}) == 1, results
        assert all(s in (201, 409) for s, _h, _b in results), results
        assert all(b["error"]["code"] == "conflict" for s, _h, b in results if s == 409)
        fresh = [h for s, h, _b in results if s == 201 and "Idempotent-Replayed" not in h]
        assert len(fresh) == 1, results
        assert total(hotline) == round_ + 1
        settled = create(hotline.operator, key)
        assert settled.headers.get("Idempotent-Replayed") == "true"
        assert settled.json["number"] == created[0]["number"]
