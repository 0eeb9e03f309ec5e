"""Assessment over HTTP under puyang: the center records call tests, callback findings and
duty weeks; units file explanations the center decides; everyone reads deductions, scores
and the ranking — units their own only; bad input is refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller, Hotline
from tests.helpers.tickets import dispatched

TODAY = "2026-11-23"  # the manual clock's day (Monday)
BASE = "/api/v1/assessment"


@pytest.fixture
def puyang(profile_hotline: Any) -> Hotline:
    """The API under the puyang profile (附件 考核暂行办法)."""
    return profile_hotline("puyang")


def post(caller: Caller, path: str, body: dict, expect: int = 201) -> dict:
    response = caller.post(f"{BASE}{path}", json=body)
    assert response.status_code == expect, response.json
    return response.json


def get(caller: Caller, path: str, expect: int = 200, **query: Any) -> dict:
    response = caller.get(f"{BASE}{path}", query_string=query)
    assert response.status_code == expect, response.json
    return response.json


def test_a_failed_call_test_costs_the_unit_a_point_it_can_trace(puyang: Hotline) -> None:
    """附件 四(二): a recorded failed call test is −1 on the phone item; the unit sees the row
    with its article and record, the ranking with its own row only; others see nothing of it."""
    h = puyang
    test = post(h.center, "/call-tests", {"unit": "ZJJ", "answered": False, "phone": "0839-1"})
    assert test["answered"] is False and test["attempts"] == 3 and test["actor"] == "demo-center"
    post(h.center, "/call-tests", {"unit": "ZJJ", "answered": True})
    post(h.center, "/scores", {"day": TODAY}, expect=200)
    rows = get(h.unit, "/deductions")["items"]
    assert [(r["item"], r["points"], r["article"], r["record_kind"]) for r in rows] == [
        ("phone", -1.0, "004_b7797ffbb60d21c4.txt 附件 四(二)", "call_test")
    ]
    assert rows[0]["record_id"] == test["id"] and rows[0]["status"] == "active"
    assert get(h.other_unit, "/deductions")["total"] == 0
    mine = get(h.unit, "/ranking", month="2026-11")
    assert [u["unit"] for u in mine["units"]] == ["ZJJ"]
    zjj = mine["units"][0]
    assert zjj["items"]["phone"] == {"points": 9.0, "max": 10.0, "lost": 1.0, "count": 1}
    assert zjj["total"] == 99.0 and zjj["rank"] == 15 and zjj["deductions"][0]["item"] == "phone"
    everyone = get(h.supervisor, "/ranking", month="2026-11")
    assert len(everyone["units"]) == 15 and everyone["units"][0]["total"] == 100.0
    scores = get(h.unit, "/scores")["items"]
    assert [(s["unit"], s["day"], s["total"]) for s in scores] == [("ZJJ", TODAY, 99.0)]
    assert get(h.unit, "/summons", month="2026-11")["units"] == []


def test_only_the_center_records_and_units_read_only_their_own(puyang: Hotline) -> None:
    h = puyang
    for caller in (h.unit, h.operator, h.supervisor, h.leader):
        response = caller.post(f"{BASE}/call-tests", json={"unit": "ZJJ", "answered": False})
        assert response.status_code == 403, response.json
    for path in ("/deductions", "/call-tests", "/scores", "/exclusions", "/duty-weeks"):
        get(h.unit, path, expect=403, unit="LZQ")
        get(h.operator, path, expect=403)
        assert get(h.leader, path)["total"] == 0
    get(h.unit, "/ranking", expect=403, month="2026-11", unit="LZQ")
    get(h.operator, "/ranking", expect=403, month="2026-11")


def test_bad_input_is_refused_naming_the_field(puyang: Hotline) -> None:
    h = puyang
    cases = [
        ("/call-tests", {"unit": "ZJJ", "answered": "no"}, "answered"),
        ("/call-tests", {"unit": "NOPE", "answered": False}, "unit"),
        (
            "/call-tests",
            {"unit": "ZJJ", "answered": False, "tested_at": "2099-01-01T00:00:00Z"},
            "tested_at",
        ),
        ("/call-tests", {"unit": "ZJJ", "answered": False, "colour": "red"}, "colour"),
        ("/callback-findings", {"ticket": "X", "finding": "lazy"}, "finding"),
        (
            "/duty-weeks",
            {"unit": "ZJJ", "week_start": "2026-11-18", "status": "missed"},
            "week_start",
        ),
        ("/duty-weeks", {"unit": "ZJJ", "week_start": "2026-11-16", "status": "late"}, "status"),
        ("/scores", {"day": "23/11/2026"}, "day"),
    ]
    for path, body, field in cases:
        error = post(h.center, path, body, expect=422)["error"]
        assert field in error["fields"], (path, body, error)
    both = {"ticket": "X", "day": TODAY, "reason": "停电"}
    assert "ticket" in post(h.unit, "/exclusions", both, expect=422)["error"]["fields"]
    assert "reason" in post(h.unit, "/exclusions", {"day": TODAY}, expect=422)["error"]["fields"]
    assert "month" in get(h.center, "/ranking", expect=422, month="2026-13")["error"]["fields"]
    assert get(h.center, "/call-tests")["total"] == 0


def test_findings_explanations_and_duty(puyang: Hotline) -> None:
    """A fake finding (附件 四(三)3) costs ZJJ a point on its ticket; ZJJ explains the ticket in
    writing, the center accepts: the deduction stays listed, excluded, and the score recovers.
    A missed duty week costs 10 at year end only (附件 五)."""
    h = puyang
    number = dispatched(h, "ZJJ")
    found = post(h.center, "/callback-findings", {"ticket": number, "finding": "fake"})
    assert found["unit"] == "ZJJ" and found["ticket_number"] == number
    post(h.center, "/scores", {"day": TODAY}, expect=200)
    row = get(h.unit, "/deductions", item="callback")["items"][0]
    assert row["ticket_number"] == number and row["points"] == -1.0
    assert "found fake" in row["reason"]
    other = post(h.other_unit, "/exclusions", {"ticket": number, "reason": "x"}, expect=404)
    assert other["error"]["code"] == "not_found"  # LZQ cannot see ZJJ's ticket
    filed = post(
        h.unit, "/exclusions", {"ticket": number, "reason": "来电人提供虚假信息，已书面说明"}
    )
    assert filed["status"] == "filed" and filed["unit"] == "ZJJ"
    post(h.unit, f"/exclusions/{filed['id']}/decision", {"accepted": True}, expect=403)
    decided = post(h.center, f"/exclusions/{filed['id']}/decision", {"accepted": True}, expect=200)
    assert decided["status"] == "accepted" and decided["decided_by"] == "demo-center"
    post(h.center, f"/exclusions/{filed['id']}/decision", {"accepted": False}, expect=409)
    row = get(h.unit, "/deductions", item="callback")["items"][0]
    assert row["status"] == "excluded" and row["status_reason"].startswith("来电人")
    zjj = get(h.unit, "/ranking", month="2026-11")["units"][0]
    assert zjj["items"]["callback"]["points"] == 20.0 and zjj["total"] == 100.0
    week = post(h.center, "/duty-weeks", {"unit": "ZJJ", "week_start": "2026-11-16",
                                         "status": "missed"})  # fmt: skip
    assert week["status"] == "missed"
    post(h.center, "/duty-weeks", {"unit": "ZJJ", "week_start": "2026-11-16",
                                  "status": "attended"}, expect=409)  # fmt: skip
    duty = get(h.unit, "/deductions", item="duty")["items"][0]
    assert duty["year_end"] is True and duty["points"] == -10.0
    assert get(h.unit, "/ranking", month="2026-11")["units"][0]["total"] == 100.0
