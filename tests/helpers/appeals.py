"""Appeals in tests: file one over HTTP, read it with its history, complete its tasks."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Caller

URL = "/api/v1/appeals"
REASON = "当日系统故障，工单未能按时推送至本单位"
EVIDENCE = ["平台故障通知（2026-11-20）", "录音 REC-20261120-0815"]


def file(caller: Caller, expect: int = 201, **body: Any) -> dict[str, Any]:
    """File an appeal (by default about a day's data) and assert the status."""
    payload = {"kind": "appeal", "reason": REASON, "evidence": EVIDENCE, **body}
    response = caller.post(URL, json=payload)
    assert response.status_code == expect, response.json
    return response.json


def shown(caller: Caller, appeal_id: int) -> dict[str, Any]:
    """The appeal with its history, as `caller` sees it."""
    response = caller.get(f"{URL}/{appeal_id}")
    assert response.status_code == 200, response.json
    return response.json


def complete(caller: Caller, task_id: str, data: dict[str, Any], expect: int = 200) -> Any:
    """Complete a task through the tasks API, like every user task."""
    response = caller.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data})
    assert response.status_code == expect, response.json
    return response.json


def kinds(appeal: dict[str, Any]) -> list[str]:
    """The kinds of the appeal's history steps, in order."""
    return [step["kind"] for step in appeal["history"]]
