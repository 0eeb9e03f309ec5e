"""GET /api/v1/stats and its drill-down over the generated month: what units and the
center see, the tickets behind a figure, parameters refused with the field named."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.policy import shipped_profile
from hotline.stats import SMALL_MONTH, generate_month
from tests.conftest import Hotline
from tests.helpers.api import Caller, assert_error

MONTH = {"period": "month", "from": "2026-10-15"}


@pytest.fixture
def month(hotline: Hotline) -> dict[str, str]:
    """October 2026 generated under guangyuan; plan index → ticket number."""
    with hotline.services.transaction() as session:
        made = generate_month(session, shipped_profile("guangyuan"), "2026-10")
    return {f"t{i + 1}": n for i, n in enumerate(made.numbers)}


def get(caller: Caller, path: str = "/api/v1/stats", **query: Any) -> dict[str, Any]:
    response = caller.get(path, query_string=query or None)
    assert response.status_code == 200, response.json
    return response.json


def numbers(caller: Caller, link: str) -> list[str]:
    """Every ticket number of a drill-down link (all pages)."""
    found, page = [], 1
    while True:
        body = get(caller, f"{link}&page={page}&per_page=5")
        found += [item["ticket_number"] for item in body["items"]]
        if page * 5 >= body["total"]:
            return found
        page += 1


def test_the_center_sees_every_unit_and_drills_down(
    hotline: Hotline, month: dict[str, str]
) -> None:
    body = get(hotline.center, **MONTH, by="unit")
    assert (body["first_day"], body["last_day"]) == ("2026-10-01", "2026-10-31")
    groups = {g["key"]: g for g in body["groups"]}
    assert set(groups) == {"HBJ", "LZQ", "ZJJ", None}
    zjj = groups["ZJJ"]
    assert zjj["counts"]["closed"] == 9 and zjj["rates"]["closure_rate"] == 0.9
    assert zjj["minutes"]["acknowledge_minutes_p90"] == 10.0
    # The tickets behind ZJJ's figures: exactly those of the plan.
    links = zjj["tickets"]
    assert numbers(hotline.center, links["overdue"]) == [month["t5"]]
    assert numbers(hotline.center, links["returned"]) == [month["t6"]]
    assert numbers(hotline.center, links["open"]) == [month["t10"]]
    assert numbers(hotline.center, links["received"]) == [
        month[f"t{i}"] for i in (*range(1, 11), 18)
    ]
    assert len(numbers(hotline.center, links["closed"])) == zjj["counts"]["closed"]
    # The tickets closed at triage form the group without a unit.
    assert numbers(hotline.center, groups[None]["tickets"]["received"]) == [
        month["t19"],
        month["t20"],
    ]
    # The city total counts the joint ticket once; its lead's row stands for it.
    total = get(hotline.center, **MONTH)["groups"][0]
    assert total["key"] is None and total["counts"]["received"] == len(SMALL_MONTH)


def test_a_unit_sees_only_its_own_figures(hotline: Hotline, month: dict[str, str]) -> None:
    body = get(hotline.third_unit, **MONTH, by="unit")
    assert [g["key"] for g in body["groups"]] == ["HBJ"]
    hbj = body["groups"][0]
    assert hbj["counts"]["received"] == 4
    # Its part of the joint ticket, its own tickets, the one it returned.
    behind = numbers(hotline.third_unit, hbj["tickets"]["received"])
    assert behind == [month["t9"], month["t16"], month["t17"], month["t18"]]
    split = get(hotline.third_unit, **MONTH, by="category")
    assert sum(g["counts"]["received"] for g in split["groups"]) == 4
    refused = hotline.third_unit.get("/api/v1/stats", query_string={**MONTH, "unit": "ZJJ"})
    assert_error(refused, 403, "forbidden")
    refused = hotline.third_unit.get(
        "/api/v1/stats/tickets", query_string={**MONTH, "unit": "ZJJ", "figure": "closed"}
    )
    assert_error(refused, 403, "forbidden")
    assert hotline.operator.get("/api/v1/stats", query_string=MONTH).status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "fortnight", "from": "2026-10-01"}, "period"),
        ({"period": "month"}, "from"),
        ({"from": "2026-10-01"}, "to"),
        ({"from": "2026-10-31", "to": "2026-10-01"}, "to"),
        ({"from": "2026-13-01", "to": "2026-10-01"}, "from"),
        ({**MONTH, "to": "2026-10-31"}, "to"),
        ({**MONTH, "by": "colour"}, "by"),
    ],
)
def test_bad_parameters_are_named(hotline: Hotline, query: dict[str, str], field: str) -> None:
    assert_error(
        hotline.center.get("/api/v1/stats", query_string=query), 400, "validation_error", field
    )


def test_bad_drill_down_parameters_are_named(hotline: Hotline) -> None:
    bad = hotline.center.get("/api/v1/stats/tickets", query_string={**MONTH, "figure": "nice"})
    assert_error(bad, 400, "validation_error", "figure")
    bad = hotline.center.get(
        "/api/v1/stats/tickets", query_string={**MONTH, "figure": "closed", "per_page": 0}
    )
    assert_error(bad, 400, "validation_error", "per_page")


def test_any_range_and_period(hotline: Hotline, month: dict[str, str]) -> None:
    # The first working day of October 2026 is the 9th (National Day holidays and the weekend).
    day = get(hotline.center, period="day", **{"from": "2026-10-09"})["groups"][0]
    assert day["counts"]["received"] == 2
    week = get(hotline.center, **{"from": "2026-10-09", "to": "2026-10-15"})["groups"][0]
    quarter = get(hotline.center, period="quarter", **{"from": "2026-11-30"})["groups"][0]
    assert quarter["counts"]["received"] == 20 and week["counts"]["received"] >= 2
