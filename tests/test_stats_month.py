"""The generated month's figures equal the values computed by hand from SMALL_MONTH's stories
(hotline/stats/generate.py), under each of the five profiles."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.policy import shipped_profile
from hotline.stats import generate_month
from hotline.stats.figures import Selection, figures
from hotline.stats.periods import month
from tests.conftest import Hotline

# Profiles with an acknowledge limit for complaints: there the two late_ack tickets (ZJJ,
# HBJ) are late; guangxi and puyang set none, so no acknowledgement is late.
ACK_LIMIT = {"guangyuan": True, "guizhou": True, "meizhou": True, "guangxi": False, "puyang": False}
# A callback nobody answered counts as basically satisfied (guangyuan 第十四条(一)) or
# satisfied (guangxi 第二十七条(二)); elsewhere it is no rating.
NO_RESPONSE_RATED = {"guangyuan": True, "guangxi": True}


def month_figures(h: Hotline, profile: str, by: str | None, **filters: Any) -> dict[Any, Any]:
    """The figures of October 2026 after generating it once under `profile`."""
    with h.services.transaction() as session:
        if not getattr(h, "generated", False):
            generate_month(session, shipped_profile(profile), "2026-10")
            h.generated = True  # type: ignore[attr-defined]
        found = figures(
            session, Selection(month("2026-10"), by, **filters), shipped_profile(profile)
        )
    return {f["key"]: f for f in found}


@pytest.mark.parametrize("profile", ["guangyuan", "guizhou", "guangxi", "meizhou", "puyang"])
def test_the_city_total_of_the_month(hotline: Hotline, profile: str) -> None:
    total = month_figures(hotline, profile, None)[None]
    late_acks = 2 if ACK_LIMIT[profile] else 0
    # 20 tickets; 18 dispatched once, 2 returned and dispatched again: 20 dispatches (the
    # joint ticket once, under its lead), plus one answered and one declined at triage.
    assert {k: total[k] for k in ("received", "dispatched", "returned", "answered")} == {
        "received": 20,
        "dispatched": 20,
        "returned": 2,
        "answered": 1,
    }
    assert total["acknowledged"] == 20
    assert total["acknowledged_on_time"] == 20 - late_acks
    # Results: every dispatch but the 2 returned and the open one; 2 of them after the due.
    assert (total["handled"], total["handled_on_time"], total["overdue"]) == (17, 15, 2)
    assert (total["closed"], total["open"], total["rehandled"], total["extended"]) == (17, 1, 1, 1)
    # 办结率 = 17 closed / (20 dispatched − 2 returned).
    assert total["closure_rate"] == round(17 / 18, 4)
    ratings = {
        k: total[k] for k in ("satisfied", "basically_satisfied", "unsatisfied", "no_response")
    }
    assert ratings == {
        "satisfied": 12,
        "basically_satisfied": 3,
        "unsatisfied": 1,
        "no_response": 1,
    }
    # 满意率: (12 + 3 [+ 1 no response]) / (16 [+ 1]).
    expected = 16 / 17 if NO_RESPONSE_RATED.get(profile) else 15 / 16
    assert total["satisfaction_rate"] == round(expected, 4)
    assert (total["repeat"], total["repeat_rate"]) == (1, 0.05)
    # Every dispatch 5 minutes after receipt, the two redispatches 15 after the return.
    assert total["dispatch_delay_minutes_avg"] == round((18 * 5 + 2 * 15) / 20, 1)
    assert total["dispatch_delay_minutes_p90"] == 5.0


@pytest.mark.parametrize("profile", ["guangyuan", "guizhou", "guangxi", "meizhou", "puyang"])
def test_figures_per_unit(hotline: Hotline, profile: str) -> None:
    units = month_figures(hotline, profile, "unit")
    late = 1 if ACK_LIMIT[profile] else 0
    zjj, lzq, hbj = units["ZJJ"], units["LZQ"], units["HBJ"]
    # ZJJ: 10 planned tickets + HBJ's returned one; it returned one, one is open.
    assert (zjj["received"], zjj["acknowledged_on_time"], zjj["handled_on_time"]) == (
        11,
        11 - late,
        8,
    )
    assert (zjj["closed"], zjj["returned"], zjj["closure_rate"]) == (9, 1, 0.9)
    assert (zjj["satisfied"], zjj["basically_satisfied"], zjj["satisfaction_rate"]) == (7, 2, 1.0)
    # LZQ: 5 planned + ZJJ's returned one; one overdue, one unsatisfied, one no response.
    assert (lzq["received"], lzq["handled_on_time"], lzq["overdue"], lzq["closed"]) == (6, 5, 1, 6)
    lzq_rate = 5 / 6 if NO_RESPONSE_RATED.get(profile) else 4 / 5
    assert lzq["satisfaction_rate"] == round(lzq_rate, 4)
    assert (lzq["repeat"], lzq["repeat_rate"]) == (1, round(1 / 6, 4))
    # HBJ: its part of the joint ticket counts for it, the ticket it returned too.
    assert (hbj["received"], hbj["returned"], hbj["closed"], hbj["closure_rate"]) == (4, 1, 3, 1.0)
    assert hbj["acknowledged_on_time"] == 4 - late
    # The two tickets closed at triage have no unit.
    assert (units[None]["received"], units[None]["answered"]) == (2, 1)


def test_working_minutes_under_guangyuan(hotline: Hotline) -> None:
    """guangyuan: acknowledge within 30 min (第十三条(一)); a late_ack ticket acknowledges 30
    min after that limit; every other acknowledgement comes 10 min after dispatch."""
    zjj = month_figures(hotline, "guangyuan", "unit")["ZJJ"]
    assert zjj["acknowledge_minutes_avg"] == round((10 * 10 + 60) / 11, 1)
    assert zjj["acknowledge_minutes_p90"] == 10.0  # the 10th of 11 sorted values
    # Closing (dispatch → close): 10 ack + 120 result + 30 review + 30 callback = 190 min
    # for a plain ticket; the consultation's 1-hour limit halves the wait for its result
    # (95); the late acknowledgement adds 50 (240); the rehandled one adds a second round
    # (370); the joint one 202. The overdue ticket closes 2 h after its due, 24:00 of the
    # 3rd working day: 14 h 55 min + 3 × 24 h + 2 h = 5335 min; the extended one 1 h after
    # its first due, + 60 min: also 5335.
    closes = [190, 190, 95, 240, 5335, 5335, 370, 202, 190]
    assert zjj["close_minutes_avg"] == round(sum(closes) / len(closes), 1)
    assert zjj["close_minutes_p90"] == 5335.0


def test_category_district_and_channel_splits(hotline: Hotline) -> None:
    def received(by: str) -> dict[Any, int]:
        return {k: v["received"] for k, v in month_figures(hotline, "guangyuan", by).items()}

    assert received("category") == {"complaint": 12, "consultation": 3, "help": 4, "report": 1}
    assert received("district") == {"利州区": 15, "昭化区": 5}
    assert received("channel") == {"app": 1, "phone": 13, "web": 3, "wechat": 3}


def test_filters_narrow_the_figures(hotline: Hotline) -> None:
    help_zjj = month_figures(hotline, "guangyuan", None, unit="ZJJ", category="help")[None]
    # ZJJ's help tickets: one closed, one rehandled and closed.
    assert (help_zjj["received"], help_zjj["closed"], help_zjj["rehandled"]) == (2, 2, 1)
