"""What both sides of lifecycle.py share: the intake, the user-task paths, timing summaries."""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
try:
    import hotline  # noqa: F401  (installed editable in the project's venv)
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))

BPMN_DIR = REPO_ROOT / "bpmn"
PROCESS_ID = "ticket"
UNIT_CODE = "BENCH01"
CENTER, UNIT = "center", "unit"

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "category": "complaint",
    "urgency": "normal",
    "requester": {"name": "王女士", "phone": "13800000000"},
    "content": (
        "小区门口道路施工噪音持续到深夜，影响居民休息，希望有关部门督促施工单位按规定时间作业。"
    ),
    "address": "广元市利州区东坝街道某小区",
    "district": "利州区",
}
DONE = {
    "outcome": "done",
    "basis": "《中华人民共和国噪声污染防治法》第四十三条",
    "findings": "经现场核查，施工单位夜间作业属实，已责令整改并限定作业时间。",
    "reply": "已电话联系诉求人，告知处理结果，诉求人表示认可。",
}


@dataclass(frozen=True)
class Step:
    """One user task of a lifecycle: which task must be ready, who completes it, with what."""

    task: str
    role: str
    form: dict[str, Any]


DISPATCH = Step("triage", CENTER, {"disposition": "dispatch", "unit": UNIT_CODE})
ACK = Step("acknowledge", UNIT, {"contacted": True, "note": "已签收"})
HANDLE = Step("handle", UNIT, DONE)
APPROVE = Step("review", CENTER, {"approved": True})
SATISFIED = Step("callback", CENTER, {"satisfaction": "satisfied", "comment": "满意"})

PATHS: dict[str, tuple[Step, ...]] = {
    # triage dispatch -> acknowledge -> handle done -> review approved -> callback satisfied
    "happy": (DISPATCH, ACK, HANDLE, APPROVE, SATISFIED),
    # ... plus one return to the center, one review rejection and one rehandle after callback.
    "loops": (
        DISPATCH,
        ACK,
        Step(
            "handle",
            UNIT,
            {
                "outcome": "return",
                "return_reason": "不属本单位职责",
                "return_basis": "三定方案",
                "suggested_unit": "X",
            },
        ),
        DISPATCH,
        ACK,
        HANDLE,
        Step("review", CENTER, {"approved": False, "comment": "答复依据不充分"}),
        HANDLE,
        APPROVE,
        Step("callback", CENTER, {"satisfaction": "unsatisfied", "reasonable": True}),
        HANDLE,
        APPROVE,
        SATISFIED,
    ),
}


class BenchError(AssertionError):
    """The lifecycle did not go where the bench expected: its timings would be meaningless."""


def summary(values: list[float]) -> dict[str, float]:
    """Mean, median and 95th percentile, in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "mean": statistics.fmean(values) * 1e3,
        "p50": statistics.median(values) * 1e3,
        "p95": p95 * 1e3,
    }
