"""Hot-spot early warnings (热点预警): guangyuan 第二十一条 (000_27d936bb79493c2c.txt),
puyang 三(八) (004_b7797ffbb60d21c4.txt): 对群众反映较为集中的热点问题，及时向相关单位发出预警.

A burst of noise complaints in 利州区 against a month of other complaints raises one warning
naming its tickets and the units concerned (the unit handling them, ZJJ, and the district's
government, LZQ); each acknowledges it from its inbox. Clock: Monday 2026-11-23 09:00.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Hotline
from tests.helpers.api import assert_error
from tests.helpers.clock import move_clock
from tests.helpers.hotspots import add_background, run_detection, warning, warnings
from tests.helpers.tickets import DISPATCH_ZJJ, events

NOISE_CALLS = (
    "滨河路工地半夜打桩，吵得睡不着",
    "夜间施工噪音扰民，晚上十一点还在作业",
    "工地晚上施工太吵了，严重扰民",
    "半夜还在施工，噪音很大",
    "建筑工地夜间施工噪音扰民",
    "晚上工地打桩噪音太大睡不着",
    "附近工地夜里施工扰民",
)


def noise_burst(h: Hotline, calls: tuple[str, ...] = NOISE_CALLS, dispatch: int = 3) -> list[str]:
    """The calls registered as complaints in 利州区; the first `dispatch` go to ZJJ."""
    numbers = [h.new_ticket(content=text)["number"] for text in calls]
    for number in numbers[:dispatch]:
        h.center.complete(number, "triage", DISPATCH_ZJJ)
    return numbers


def acknowledge(caller: Any, task_id: str, measures: str, expect: int = 200) -> dict[str, Any]:
    """Complete an acknowledge_warning task through /api/v1/tasks."""
    response = caller.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": {"measures": measures}}
    )
    assert response.status_code == expect, response.json
    return response.json


def test_a_burst_raises_one_warning_the_units_acknowledge(hotline: Hotline) -> None:
    h = hotline
    add_background(h)
    numbers = noise_burst(h)
    [warning_id] = run_detection(h)

    [listed] = warnings(h.center)
    assert listed["id"] == warning_id
    assert (listed["category"], listed["district"], listed["status"]) == (
        "complaint",
        "利州区",
        "open",
    )
    assert "噪音" in listed["keywords"]
    assert listed["count"] == len(NOISE_CALLS) and listed["ratio"] >= 2
    detail = warning(h.center, warning_id)
    assert sorted(t["number"] for t in detail["tickets"]) == sorted(numbers)
    assert [u["unit"] for u in detail["units"]] == ["LZQ", "ZJJ"]
    # Each ticket's history says which warning named it.
    [event] = events(h, numbers[0], "ticket_in_hotspot_warning")
    assert event["data"]["warning_id"] == warning_id and "噪音" in event["data"]["keywords"]

    # Each unit finds the task in its inbox and acknowledges it with its measures.
    [zjj_task] = [t for t in h.unit.inbox() if t["key"] == "acknowledge_warning"]
    [lzq_task] = [t for t in h.other_unit.inbox() if t["key"] == "acknowledge_warning"]
    assert {u["unit"]: u["task_id"] for u in detail["units"]} == {
        "LZQ": lzq_task["id"],
        "ZJJ": zjj_task["id"],
    }
    acknowledge(h.other_unit, zjj_task["id"], "不是本单位的", expect=403)
    acknowledge(h.unit, zjj_task["id"], "约谈施工单位，夜间停止作业")
    assert warning(h.center, warning_id)["status"] == "open"  # LZQ has not yet
    acknowledge(h.other_unit, lzq_task["id"], "街道每晚巡查工地")
    done = warning(h.center, warning_id)
    assert done["status"] == "acknowledged" and done["acknowledged_at"]
    measures = {u["unit"]: u["measures"] for u in done["units"]}
    assert measures == {"ZJJ": "约谈施工单位，夜间停止作业", "LZQ": "街道每晚巡查工地"}
    assert all(u["task_id"] is None for u in done["units"])
    assert not [t for t in h.unit.inbox() if t["key"] == "acknowledge_warning"]


def test_a_unit_sees_only_the_warnings_that_concern_it(hotline: Hotline) -> None:
    h = hotline
    add_background(h)
    noise_burst(h)
    [warning_id] = run_detection(h)
    assert [w["id"] for w in warnings(h.unit)] == [warning_id]
    assert warnings(h.third_unit) == []  # HBJ: neither handling nor the district's
    warning(h.third_unit, warning_id, expect=404)
    response = h.third_unit.get("/api/v1/warnings", query_string={"unit": "ZJJ"})
    assert response.status_code == 403
    assert h.operator.get("/api/v1/warnings").status_code == 403
    assert [w["id"] for w in warnings(h.supervisor)] == [warning_id]
    assert warnings(h.center, status="acknowledged") == []
    assert [w["id"] for w in warnings(h.center, unit="ZJJ", district="利州区")] == [warning_id]


def test_detection_is_idempotent_and_an_ongoing_cluster_updates_its_warning(
    hotline: Hotline,
) -> None:
    h = hotline
    add_background(h)
    noise_burst(h, dispatch=0)
    [first] = run_detection(h)
    assert run_detection(h) == [first]  # the same day again: the same warning
    assert len(warnings(h.center)) == 1
    [task] = [t for t in h.other_unit.inbox() if t["key"] == "acknowledge_warning"]
    acknowledge(h.other_unit, task["id"], "街道每晚巡查工地")
    assert warning(h.center, first)["status"] == "acknowledged"

    # The next evening the calls go on, and ZJJ now handles some: the warning grows.
    move_clock(h, "2026-11-24 08:00")
    more = noise_burst(h, NOISE_CALLS[:6], dispatch=2)
    assert run_detection(h) == [first]
    [listed] = warnings(h.center)
    assert listed["detections"] == 2 and listed["status"] == "open"
    detail = warning(h.center, first)
    assert set(more) <= {t["number"] for t in detail["tickets"]}
    assert [u["unit"] for u in detail["units"]] == ["LZQ", "ZJJ"]
    # Only the unit added gets a task; LZQ's acknowledgement stands.
    assert not [t for t in h.other_unit.inbox() if t["key"] == "acknowledge_warning"]
    [zjj_task] = [t for t in h.unit.inbox() if t["key"] == "acknowledge_warning"]
    acknowledge(h.unit, zjj_task["id"], "约谈施工单位")
    assert warning(h.center, first)["status"] == "acknowledged"


def test_ordinary_days_raise_no_warning(hotline: Hotline) -> None:
    h = hotline
    add_background(h)
    noise_burst(h, NOISE_CALLS[:2], dispatch=0)  # two calls are no hot spot
    assert run_detection(h) == []
    assert warnings(h.center) == []


def test_the_cli_detects_and_says_what_it_raised(hotline: Hotline, run) -> None:
    h = hotline
    add_background(h)
    noise_burst(h, dispatch=0)
    result = run("warnings", "detect")
    assert result.exit_code == 0, result.output
    assert "complaint 利州区" in result.output and "1 warning(s)" in result.output
    again = run("warnings", "detect")
    assert "1 warning(s)" in again.output
    assert len(warnings(h.center)) == 1


def test_bad_filters_are_refused_naming_the_field(hotline: Hotline) -> None:
    h = hotline
    for query, field in (
        ({"status": "done"}, "status"),
        ({"category": "noise"}, "category"),
        ({"since": "yesterday"}, "since"),
        ({"per_page": "1000"}, "per_page"),
    ):
        response = h.center.get("/api/v1/warnings", query_string=query)
        assert_error(response, 422, "validation_error", field)
    assert h.center.get("/api/v1/warnings/99999999999").status_code == 404
    warning(h.center, 12345, expect=404)
