"""Scoring against a hand-built month: puyang's every item (附件 四, 五), guangxi's cycle
(第三十条), the summons flag (附件 六(三)), idempotent re-runs, voids and exclusions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import sealing
from hotline.actors import Actor
from hotline.assessment import (
    cycle_ranking,
    exclude,
    period_ranking,
    restore_deduction,
    score_day,
    void_deduction,
)
from hotline.assessment.records import record_duty_week
from hotline.db import make_engine, make_session_factory
from hotline.demo import load_demo
from hotline.models import KnowledgeQuestion
from hotline.models.assessment import DayScore, Deduction
from hotline.policy import shipped_profile
from hotline.policy.assessment import cycle_of
from hotline.stats import generate_month, recompute
from tests.helpers import assessment as a

CENTER = Actor(id=None, name="demo-center", role="center")
PUYANG = shipped_profile("puyang")
GUANGXI = shipped_profile("guangxi")
MEIZHOU = shipped_profile("meizhou")
UNSAT = "unsatisfied"


@pytest.fixture
def session(database_url: str, tmp_path: Path) -> Iterator[Session]:
    """A session on a fresh database holding the 15 demo units."""
    # Requester columns are sealed: the keys a service would install (a key file here).
    sealing.install(sealing.load_keyring(None, None, tmp_path / "var"))
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    with factory() as s:
        load_demo(s)
        s.commit()
        yield s
    engine.dispose()


def score_month(session: Session, profile: object, first: date, last: date) -> None:
    recompute(session)  # the ticket facts of the tickets written straight into the tables
    for day in a.days(first, last):
        score_day(session, profile, day)


def october(session: Session) -> dict[str, object]:
    """ZJJ's October under puyang, every item touched (expected values in the test)."""
    zjj = [a.ticket(session, "ZJJ", f"2026-10-{d:02d} 09:00", f"2026-10-{d + 7:02d} 18:00",
                    f"2026-10-{d + 2:02d} 10:00") for d in range(9, 17)]  # fmt: skip
    late = a.ticket(session, "ZJJ", "2026-10-20 09:00", "2026-10-27 18:00")
    open_ = a.ticket(session, "ZJJ", "2026-10-29 09:00", "2026-11-05 18:00")
    # overdue: `late` twice (once a month counts), one more closed ticket late
    a.event(session, late, "ticket_overdue", "2026-10-27 18:00", unit="ZJJ")
    a.event(session, late, "ticket_overdue", "2026-10-30 18:00", unit="ZJJ")
    a.event(session, zjj[0], "ticket_overdue", "2026-10-16 18:00", unit="ZJJ")
    for when, answered in (("05", False), ("06", True), ("12", False), ("19", False)):
        a.call_test(session, "ZJJ", f"2026-10-{when} 15:00", answered)
    secret = a.ticket(session, "ZJJ", "2026-09-20 09:00", "2026-09-27 18:00", "2026-09-25 10:00",
                      confidential=True)  # fmt: skip
    a.finding(session, zjj[1], "2026-10-14 10:00", "fake")
    a.finding(session, zjj[2], "2026-10-15 10:00", "not_done")
    a.finding(session, zjj[2], "2026-10-22 10:00", "fake")  # same ticket: once
    a.finding(session, secret, "2026-10-15 11:00", "not_reported")  # 保密电话除外
    for d in ("12", "16", "21", "26"):  # 4 unsatisfied on one matter: at most 3
        a.event(session, zjj[3], "callback_recorded", f"2026-10-{d} 10:00", satisfaction=UNSAT)
    a.event(session, zjj[4], "callback_recorded", "2026-10-13 10:00", satisfaction=UNSAT)
    a.event(session, zjj[5], "callback_recorded", "2026-10-13 11:00", satisfaction="satisfied")
    a.late_policy(session, "ZJJ", "2026-10-08 09:00", 4)
    a.ticket(session, "LZQ", "2026-10-10 09:00", "2026-10-17 18:00", "2026-10-12 10:00")
    for n in range(11):  # HBJ: 11 failed call tests, the phone item scores 0
        a.call_test(session, "HBJ", f"2026-10-{n + 1:02d} 16:00", False)
    session.flush()
    return {"zjj": zjj, "late": late, "open": open_}


def test_puyang_month_every_item_as_computed_by_hand(session: Session) -> None:
    """ZJJ: knowledge 20−4, phone 10−3, on time 10−2, closure 8/10×20, callback 20−2
    (confidential not_reported excepted), satisfaction 20−3−1, bonus +5 (8 closed > 3 × the
    average 9/15): 86. HBJ loses its phone item: 90. The rest: 100."""
    october(session)
    score_month(session, PUYANG, date(2026, 10, 1), date(2026, 10, 31))
    ranking = period_ranking(session, PUYANG, date(2026, 10, 15))
    by_unit = {u.unit: u for u in ranking.units}
    zjj = by_unit["ZJJ"]
    points = {name: figures["points"] for name, figures in zjj.items.items()}
    assert points == {
        "knowledge": 16.0, "phone": 7.0, "on_time": 8.0, "closure_rate": 16.0,
        "callback": 18.0, "satisfaction": 16.0, "bonus": 5.0,
    }  # fmt: skip
    assert zjj.items["closure_rate"]["closed"] == 8 and zjj.items["closure_rate"]["counted"] == 10
    assert zjj.items["bonus"]["average"] == 0.6
    assert zjj.total == 86.0 and zjj.rank == 15
    assert by_unit["HBJ"].total == 90.0 and by_unit["HBJ"].items["phone"]["points"] == 0.0
    assert by_unit["HBJ"].rank == 14
    assert by_unit["LZQ"].total == 100.0 and by_unit["LZQ"].rank == 1
    # Every lost point is a row naming its rule and its ticket or record.
    lines = [(d.item, d.points, d.article.split(" ", 1)[1]) for d in zjj.deductions]
    assert sorted(lines) == sorted(
        [("knowledge", -4.0, "附件 四(一)")]
        + [("phone", -1.0, "附件 四(二)")] * 3
        + [("on_time", -1.0, "附件 四(三)1")] * 2
        + [("callback", -1.0, "附件 四(三)3")] * 2
        + [("satisfaction", -1.0, "附件 四(四)")] * 4
    )
    overdue = [d for d in zjj.deductions if d.item == "on_time"]
    assert all(d.ticket_number for d in overdue)
    calls = [d for d in zjj.deductions if d.item == "phone"]
    assert {d.record_kind for d in calls} == {"call_test"}


def test_a_day_scored_twice_gives_the_same_rows(session: Session) -> None:
    october(session)
    score_month(session, PUYANG, date(2026, 10, 1), date(2026, 10, 31))
    before = session.scalars(select(Deduction.id).order_by(Deduction.id)).all()
    scores = {(s.unit_code, s.day): s.total for s in session.scalars(select(DayScore))}
    score_month(session, PUYANG, date(2026, 10, 1), date(2026, 10, 31))
    assert session.scalars(select(Deduction.id).order_by(Deduction.id)).all() == before
    assert {(s.unit_code, s.day): s.total for s in session.scalars(select(DayScore))} == scores
    # Daily scores run the month to date: ZJJ's score on 10-05 counts only the first test.
    day5 = session.scalars(
        select(DayScore).where(DayScore.unit_code == "ZJJ", DayScore.day == date(2026, 10, 5))
    ).one()
    assert day5.items["phone"]["points"] == 9.0


def test_void_restore_and_exclusions_change_the_score(session: Session) -> None:
    """An accepted appeal voids one deduction; a waived matter (附件 四(四)) and an excluded
    ticket (书面说明, 不计入考核) stop counting; every change says why and by which appeal."""
    made = october(session)
    score_month(session, PUYANG, date(2026, 10, 1), date(2026, 10, 31))
    phone = session.scalars(
        select(Deduction).where(Deduction.unit_code == "ZJJ", Deduction.item == "phone")
    ).first()
    assert phone is not None
    void_deduction(session, PUYANG, CENTER, phone.id, "the line was cut by roadworks", appeal_id=7)
    assert _zjj(session) == 87.0
    assert phone.status == "voided" and phone.appeal_id == 7
    last = session.scalars(
        select(DayScore).where(DayScore.unit_code == "ZJJ", DayScore.day == date(2026, 10, 31))
    ).one()
    assert last.total == 87.0  # the stored daily scores follow
    restore_deduction(session, PUYANG, CENTER, phone.id, "appeal reopened", appeal_id=8)
    assert _zjj(session) == 86.0
    zjj = made["zjj"]
    assert isinstance(zjj, list)
    exclude(session, PUYANG, CENTER, unit="ZJJ", ticket_id=zjj[3].id, item="satisfaction",
            reason="objective causes proven", appeal_id=9)  # fmt: skip
    assert _zjj(session) == 89.0
    waived = session.scalars(select(Deduction).where(Deduction.ticket_id == zjj[3].id)).all()
    assert {d.status for d in waived} == {"excluded"} and {d.appeal_id for d in waived} == {9}
    late = made["late"]
    exclude(session, PUYANG, CENTER, unit="ZJJ", ticket_id=late.id,  # type: ignore[attr-defined]
            reason="不符合法律法规, 书面说明")  # fmt: skip
    # on time 10−1, closure 8/9 × 20 = 17.78: 89 + 1 + 1.78
    assert _zjj(session) == 91.78


def _zjj(session: Session) -> float:
    ranking = period_ranking(session, PUYANG, date(2026, 10, 1))
    return next(u.total for u in ranking.units if u.unit == "ZJJ")


def test_bottom_three_for_three_months_are_summoned(session: Session) -> None:
    """附件 六(三): ZJJ is last in August, September and October; HBJ only in October."""
    for month in (8, 9, 10):
        a.call_test(session, "ZJJ", f"2026-{month:02d}-10 15:00", False)
    a.call_test(session, "HBJ", "2026-10-11 15:00", False)
    a.call_test(session, "HBJ", "2026-10-12 15:00", False)
    session.flush()
    score_month(session, PUYANG, date(2026, 8, 1), date(2026, 10, 31))
    october_ranking = period_ranking(session, PUYANG, date(2026, 10, 1))
    flagged = {u.unit for u in october_ranking.units if u.summoned}
    assert flagged == {"ZJJ"}
    september = period_ranking(session, PUYANG, date(2026, 9, 1))
    assert not any(u.summoned for u in september.units)  # two months only


def test_guangxi_cycle_counts_tickets_where_they_close_and_rolls_open_ones_on(
    session: Session,
) -> None:
    """第三十条: the cycle runs 12-01 to 11-30; a ticket counts in the month it closes; one open
    and not yet due at the month's end counts in the next; one overdue and open counts now."""
    cycle = GUANGXI.assessment
    assert cycle_of(cycle, date(2026, 11, 30)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert cycle_of(cycle, date(2026, 12, 1)) == (date(2026, 12, 1), date(2027, 11, 30))
    # (dispatched, due, closed): the month it counts in
    a.ticket(session, "ZJJ", "2026-11-20 09:00", "2026-11-27 18:00", "2026-11-25 10:00")  # Nov
    a.ticket(session, "ZJJ", "2026-11-25 09:00", "2026-12-04 18:00", "2026-12-02 10:00")  # Dec
    a.ticket(session, "ZJJ", "2026-11-10 09:00", "2026-11-20 18:00", "2026-12-03 10:00")  # Nov
    a.ticket(session, "ZJJ", "2026-11-26 09:00", "2026-12-10 18:00")  # Dec, overdue, open
    a.ticket(session, "ZJJ", "2026-12-01 09:00", "2026-12-08 18:00", "2026-12-05 10:00")  # Dec
    session.flush()
    score_month(session, GUANGXI, date(2026, 11, 1), date(2026, 12, 31))
    november = _items(session, GUANGXI, date(2026, 11, 1))["closure_rate"]
    december = _items(session, GUANGXI, date(2026, 12, 1))["closure_rate"]
    assert (november["closed"], november["counted"], november["points"]) == (1, 2, 12.5)
    assert (december["closed"], december["counted"], december["points"]) == (2, 3, 16.67)
    # Mid-November the ticket due on 12-04 is not counted yet, nor the one due 11-20 before then.
    mid = period_ranking(session, GUANGXI, date(2026, 11, 1), as_of=date(2026, 11, 19))
    zjj = next(u for u in mid.units if u.unit == "ZJJ")
    assert (zjj.items["closure_rate"]["closed"], zjj.items["closure_rate"]["counted"]) == (0, 0)


def _items(session: Session, profile: object, day: date) -> dict:
    ranking = period_ranking(session, profile, day)
    return next(u.items for u in ranking.units if u.unit == "ZJJ")


def test_puyang_scores_of_the_generated_month(session: Session) -> None:
    """hotline.stats SMALL_MONTH under puyang, October 2026, by hand from its plan:
    ZJJ's 转办量 is 10: 11 dispatches (its 10 planned ones, the joint one as lead, and HBJ's
    returned one) less the one it returned (退回, out of its count); it closes 9: 9/10 × 20
    = 18; one overdue (−1), one unsatisfied callback before its rehandle (−1); 9 closed > 3 ×
    the average 17/15: +5 → 101. LZQ closes all its 6 (5 planned + ZJJ's returned one): 20,
    one overdue, one unsatisfied (closed with a note), 6 > 3.4: +5 → 103. HBJ closes its 2
    (the joint part is the lead's), 2 < 2 × 17/15: no bonus → 100, as every unit without tickets."""
    generate_month(session, PUYANG, "2026-10")
    score_month(session, PUYANG, date(2026, 10, 1), date(2026, 11, 30))
    ranking = period_ranking(session, PUYANG, date(2026, 10, 1))
    by_unit = {u.unit: u for u in ranking.units}
    points = {u: {k: v["points"] for k, v in by_unit[u].items.items()} for u in ("ZJJ", "LZQ")}
    assert points["ZJJ"] == {
        "knowledge": 20.0, "phone": 10.0, "on_time": 9.0, "closure_rate": 18.0,
        "callback": 20.0, "satisfaction": 19.0, "bonus": 5.0,
    }  # fmt: skip
    assert points["LZQ"] == {
        "knowledge": 20.0, "phone": 10.0, "on_time": 9.0, "closure_rate": 20.0,
        "callback": 20.0, "satisfaction": 19.0, "bonus": 5.0,
    }  # fmt: skip
    assert by_unit["ZJJ"].items["closure_rate"] | {"points": 0} == {
        "points": 0, "max": 20.0, "closed": 9, "counted": 10, "returned": 1,
    }  # fmt: skip
    assert by_unit["HBJ"].total == 100.0 and by_unit["HBJ"].items["bonus"]["points"] == 0.0
    assert [(u.unit, u.rank, u.total) for u in ranking.units[:3]] == [
        ("LZQ", 1, 103.0), ("ZJJ", 2, 101.0), ("CTQ", 3, 100.0),
    ]  # fmt: skip


def test_guangxi_figures_of_the_generated_month(session: Session) -> None:
    """SMALL_MONTH under guangxi, November 2026 (the cycle's last month), by hand: ZJJ's 11
    dispatches fall due or close in November; the one it returned is out, the open one is due
    11-20 and counts unclosed: 9/10 × 25 = 22.5; one overdue (−2), one unsatisfied (−1):
    10 + 10 + 28 + 22.5 + 24 = 94.5, last. As of 11-13 only the 7 closed by then count: the
    open ticket, not yet due, and those closing later wait (they would roll on at a period's
    end)."""
    generate_month(session, GUANGXI, "2026-11")
    score_month(session, GUANGXI, date(2026, 11, 1), date(2026, 11, 30))
    ranking = period_ranking(session, GUANGXI, date(2026, 11, 1))
    zjj = next(u for u in ranking.units if u.unit == "ZJJ")
    assert {k: v["points"] for k, v in zjj.items.items()} == {
        "knowledge": 10.0, "phone": 10.0, "on_time": 28.0, "closure_rate": 22.5,
        "satisfaction": 24.0,
    }  # fmt: skip
    assert (zjj.total, zjj.rank) == (94.5, 15)
    rate = zjj.items["closure_rate"]
    assert (rate["closed"], rate["counted"], rate["returned"]) == (9, 10, 1)
    early = period_ranking(session, GUANGXI, date(2026, 11, 1), as_of=date(2026, 11, 13))
    rate = next(u for u in early.units if u.unit == "ZJJ").items["closure_rate"]
    assert (rate["closed"], rate["counted"], rate["points"]) == (7, 7, 25.0)


def test_late_questions_late_acknowledgements_and_the_yearly_total(session: Session) -> None:
    """guangxi's knowledge item (第三十一条, default −2 a late knowledge question), meizhou's
    按时查收 (第十二条(二), default −2 a late acknowledgement, quarterly), and puyang's year:
    the months' scores summed, less 10 for a missed duty week (附件 五, 六(二))."""
    session.add(
        KnowledgeQuestion(
            unit_code="LZQ", question="新政策?", status="open", overdue=True,
            due_at=a.sh("2026-10-14 18:00"), asked_at=a.sh("2026-10-09 09:00"),
        )
    )  # fmt: skip
    row = a.ticket(session, "HBJ", "2026-10-09 09:00", "2026-10-20 18:00", "2026-10-15 10:00")
    a.event(session, row, "ticket_urged", "2026-10-09 09:30", stage="acknowledge", unit="HBJ")
    a.event(session, row, "ticket_urged", "2026-10-12 09:30", stage="handle", unit="HBJ")
    session.flush()
    score_month(session, GUANGXI, date(2026, 10, 14), date(2026, 10, 14))
    lzq = next(u for u in period_ranking(session, GUANGXI, date(2026, 10, 1)).units
               if u.unit == "LZQ")  # fmt: skip
    assert lzq.items["knowledge"]["points"] == 8.0
    assert [(d.record_kind, d.points) for d in lzq.deductions] == [("knowledge_question", -2.0)]
    score_month(session, MEIZHOU, date(2026, 10, 9), date(2026, 10, 12))
    quarter = period_ranking(session, MEIZHOU, date(2026, 11, 1))
    assert (quarter.first, quarter.last) == (date(2026, 10, 1), date(2026, 12, 31))
    hbj = next(u for u in quarter.units if u.unit == "HBJ")
    assert hbj.items["on_time_receipt"]["points"] == 48.0 and hbj.total == 98.0
    record_duty_week(session, PUYANG, CENTER, unit="ZJJ", week_start=date(2026, 10, 12),
                     status="missed")  # fmt: skip
    year = {unit: (place, total) for unit, place, total in
            cycle_ranking(session, PUYANG, date(2026, 10, 31))}  # fmt: skip
    # HBJ closed the one ticket of October: more than 3× the average, +5 that month.
    assert year["ZJJ"] == (15, 990.0) and year["HBJ"] == (1, 1005.0)
    assert year["CTQ"] == (2, 1000.0)
