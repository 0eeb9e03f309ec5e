"""An accepted appeal changes a unit's score through bpmn/assessment_appeal.bpmn (issue 13's
done-when); a rejected one changes nothing.

guangxi (002_74be2da07faa6da0.txt): two failed call tests (人工拨测, 第三十条) of ZJJ's phone on
20 October cost a point each; October's bulletin is published. ZJJ appeals both over HTTP
(第三十二条); the center accepts one (`change_score` voids it, re-scores the day and
re-versions October's bulletin) and rejects the other. Clock: Monday 2026-11-23 09:00.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from hotline import bulletins
from hotline.assessment import period_ranking, score_day
from hotline.bulletins import BulletinReason, parse_period
from hotline.models.assessment import CallTest, Deduction
from hotline.models.bulletins import Bulletin
from hotline.policy import shipped_profile
from tests.conftest import Hotline
from tests.helpers import assessment as a
from tests.helpers.appeals import complete, file, kinds, shown

GUANGXI = shipped_profile("guangxi")
DAY = date(2026, 10, 20)


def zjj_score(h: Hotline) -> float:
    """ZJJ's October score as the ranking (and the bulletin) computes it."""
    with h.services.transaction() as session:
        ranking = period_ranking(session, GUANGXI, DAY)
        return next(u.total for u in ranking.units if u.unit == "ZJJ")


def october(h: Hotline) -> list[int]:
    """Two failed call tests of ZJJ on 20 October, scored; October's bulletin version 1."""
    with h.services.transaction() as session:
        for when in ("2026-10-20 10:00", "2026-10-20 15:00"):
            a.call_test(session, "ZJJ", when, answered=False)
        session.flush()
        score_day(session, GUANGXI, DAY)
        bulletins.generate(
            session, GUANGXI, parse_period("2026-10"), reason=BulletinReason.PERIOD_END, by="test"
        )
        rows = session.scalars(
            select(Deduction).where(Deduction.unit_code == "ZJJ", Deduction.item == "phone")
        ).all()
        return [row.id for row in rows]


def deduction(h: Hotline, deduction_id: int) -> tuple[str, int | None]:
    with h.services.transaction() as session:
        row = session.get(Deduction, deduction_id)
        assert row is not None
        return row.status, row.appeal_id


def bulletin_total(h: Hotline, version: int) -> float:
    """ZJJ's total in the ranking of October's bulletin, version `version`."""
    with h.services.transaction() as session:
        row = session.scalars(
            select(Bulletin).where(Bulletin.period == "2026-10", Bulletin.version == version)
        ).one()
        rows = bulletins.content_of(row).section("ranking").rows
        return next(r["total"] for r in rows if r["unit"] == "ZJJ")


def versions(h: Hotline) -> list[tuple[int, str]]:
    with h.services.transaction() as session:
        rows = session.scalars(
            select(Bulletin).where(Bulletin.period == "2026-10").order_by(Bulletin.version)
        ).all()
        return [(row.version, row.reason) for row in rows]


def decide(h: Hotline, appeal: dict[str, Any], decision: str, opinion: str) -> dict[str, Any]:
    data = {"decision": decision, "opinion": opinion, "evidence_checked": True}
    complete(h.center, appeal["task_id"], data)
    return shown(h.unit, appeal["id"])


def test_an_accepted_appeal_changes_the_score_and_a_rejected_one_does_not(
    profile_hotline,
) -> None:
    h = profile_hotline("guangxi")
    first, second = october(h)
    start = zjj_score(h)
    assert versions(h) == [(1, "period_end")]

    # ZJJ appeals the first deduction: its unit and day come with it.
    appeal = file(h.unit, deduction_id=first, reason="拨测时段线路施工中断，已报备")
    assert (appeal["unit"], appeal["day"], appeal["deduction_id"]) == ("ZJJ", "2026-10-20", first)
    assert zjj_score(h) == start  # filing changes nothing
    accepted = decide(h, appeal, "accepted", "线路中断属实，撤销该次扣分")
    assert accepted["status"] == "accepted"
    assert zjj_score(h) == start + 1
    effect = accepted["effect"]
    assert (effect["score_before"], effect["score_after"]) == (start, start + 1)
    assert effect["voided_deduction"] == first
    assert effect["deductions"] == [
        {"id": first, "day": "2026-10-20", "points": -1.0, "status": "voided"}
    ]
    assert effect["bulletins"] == [{"period": "2026-10", "version": 2}]
    assert deduction(h, first) == ("voided", appeal["id"])
    assert versions(h) == [(1, "period_end"), (2, "scores_changed")]
    assert (bulletin_total(h, 1), bulletin_total(h, 2)) == (start, start + 1)
    assert kinds(accepted) == ["appeal_filed", "appeal_accepted", "score_changed"]
    assert accepted["history"][2]["task"] == "change_score"

    # The second one is rejected: the point stays lost, the bulletin stays as it is.
    other = file(h.unit, deduction_id=second, reason="同上")
    rejected = decide(h, other, "rejected", "该时段线路正常，申诉不成立")
    assert (rejected["status"], rejected["effect"]) == ("rejected", None)
    assert zjj_score(h) == start + 1
    assert deduction(h, second) == ("active", None)
    assert versions(h) == [(1, "period_end"), (2, "scores_changed")]
    assert kinds(rejected) == ["appeal_filed", "appeal_rejected"]


def test_an_accepted_exemption_takes_the_day_out_of_assessment(profile_hotline) -> None:
    """An exemption for ZJJ's 20 October (objective causes): both deductions of the day stop
    counting, each marked excluded by the appeal."""
    h = profile_hotline("guangxi")
    first, second = october(h)
    start = zjj_score(h)
    exemption = file(h.unit, kind="exemption", day="2026-10-20", reason="当日全市通信中断")
    done = decide(h, exemption, "accepted", "通信中断属实，当日不计入考核")
    assert zjj_score(h) == start + 2
    assert {d["id"]: d["status"] for d in done["effect"]["deductions"]} == {
        first: "excluded",
        second: "excluded",
    }
    assert deduction(h, first) == ("excluded", exemption["id"])


def test_a_deduction_gone_with_its_fact_leaves_the_appeal_and_scoring_intact(
    profile_hotline,
) -> None:
    """The call test behind an appealed deduction is struck out: re-scoring drops the
    deduction (the appeal does not block it); accepting the appeal then changes nothing."""
    h = profile_hotline("guangxi")
    first, _second = october(h)
    appeal = file(h.unit, deduction_id=first, reason="该次拨测记录有误")
    with h.services.transaction() as session:
        row = session.get(Deduction, first)
        assert row is not None and row.record_id is not None
        session.delete(session.get(CallTest, row.record_id))
        session.flush()
        score_day(session, GUANGXI, DAY)
        assert session.get(Deduction, first) is None
    start = zjj_score(h)
    kept = shown(h.unit, appeal["id"])
    assert (kept["target"], kept["deduction_id"], kept["day"]) == ("deduction", None, "2026-10-20")
    assert kept["history"][0]["data"]["deduction_id"] == first
    accepted = decide(h, kept, "accepted", "拨测记录已更正")
    assert zjj_score(h) == start
    assert (accepted["effect"]["deductions"], accepted["effect"]["bulletins"]) == ([], [])
