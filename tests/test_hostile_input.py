"""Inputs that must never break anything (issue 11 §3): each answers a clear 4xx, not a 500."""

from __future__ import annotations

from typing import Any

from tests.conftest import Hotline
from tests.test_concurrency import BODY

# guangyuan 第十一条: an upper-platform ticket is due 3 hours before the upper platform's limit.
UPPER = {**BODY, "channel": "upper_platform", "upper_deadline": "2026-11-30T18:00:00+08:00"}


def _tickets(h: Hotline) -> int:
    response = h.center.get("/api/v1/tickets")
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_upper_deadline_without_idempotency_key_registers_the_ticket(hotline: Hotline) -> None:
    """An upper-platform ticket with its upper deadline is registered (was a 500)."""
    response = hotline.operator.post("/api/v1/tickets", json=UPPER)
    assert response.status_code == 201, response.json
    assert response.json["upper_deadline"] == "2026-11-30T18:00:00+08:00"
    assert _tickets(hotline) == 1


def test_upper_deadline_retry_with_idempotency_key_returns_the_same_ticket(
    hotline: Hotline,
) -> None:
    """The retry (even with the same instant written in UTC) replays the first ticket."""
    headers = {"Idempotency-Key": "upper-0001"}
    first = hotline.operator.post("/api/v1/tickets", json=UPPER, headers=headers)
    assert first.status_code == 201, first.json
    same_instant: dict[str, Any] = {**UPPER, "upper_deadline": "2026-11-30T10:00:00+00:00"}
    again = hotline.operator.post("/api/v1/tickets", json=same_instant, headers=headers)
    assert again.status_code == 201, again.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["number"] == first.json["number"]
    other = {**UPPER, "upper_deadline": "2026-12-01T18:00:00+08:00"}
    refused = hotline.operator.post("/api/v1/tickets", json=other, headers=headers)
    assert refused.status_code in (409, 422), refused.json
    assert _tickets(hotline) == 1
