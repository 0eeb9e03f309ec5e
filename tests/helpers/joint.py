"""Joint handling (会签) in tests: the lead's merged reply, a unit's part result, the parts
endpoint and the task a unit is offered for its part."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.conftest import Hotline
    from tests.helpers.api import Caller

MERGE = {
    "basis": "《城市房屋拆迁管理条例》《环境噪声污染防治法》",
    "findings": "施工单位夜间违规作业属实，住建、环保、属地已联合执法",
    "reply": "已责令停止夜间施工并处罚款，已电话告知诉求人",
}


def part_done(what: str) -> dict[str, str]:
    """A unit's result for its part."""
    return {"outcome": "done", "findings": f"{what}：现场核查属实", "opinion": f"{what}：已处理"}


def parts(caller: Caller, number: str) -> dict[str, Any]:
    """The parts endpoint as `caller` sees it."""
    response = caller.get(f"/api/v1/tickets/{number}/parts")
    assert response.status_code == 200, response.json
    return response.json


def task_of(h: Hotline, number: str, key: str, unit: str) -> dict[str, Any]:
    """The ticket's open `key` task offered to `unit` (from the ticket's task list)."""
    found = [
        t
        for t in h.ticket(number)["tasks"]
        if t["key"] == key and t["candidate_group"] == f"unit:{unit}"
    ]
    assert found, f"no {key} task for {unit}: {h.ticket(number)['tasks']}"
    return found[0]
