"""The escalation ladder (督办, bpmn/supervision.bpmn) end to end, with the settable clock.

Profile guangyuan unless said otherwise: an unacknowledged ticket is urged (第二十六条(二)),
each rung climbs after its working days without effect, and what starts a ladder is the
profile's. The government review at its top is in test_escalation_government.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import Hotline
from tests.helpers.clock import move_clock
from tests.helpers.escalation import CLIMB_TIMES, DONE, LADDER, escalated
from tests.helpers.tickets import (
    CONTACTED,
    RETURN_TO_LZQ,
    acknowledged,
    dispatched,
    escalations,
    joint_ticket,
)


def test_a_stalled_ticket_climbs_the_whole_ladder_by_timers_alone(hotline: Hotline) -> None:
    """Never acknowledged: urge → … → summons → government review, one rung per limit."""
    number = dispatched(hotline)
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 404
    for step, when in enumerate(CLIMB_TIMES, start=1):
        move_clock(hotline, when)
        assert escalated(hotline, number) == LADDER[:step], when
        assert hotline.ticket(number)["escalation_level"] == LADDER[step - 1]
    rows = escalations(hotline, unit="ZJJ")
    assert [r["level"] for r in rows] == LADDER
    assert [r["trigger"] for r in rows] == ["acknowledge_overdue"] + ["no_effect"] * 5
    assert [r["open"] for r in rows] == [False] * 5 + [True]
    assert "第二十六条(二)" in rows[0]["reason"]
    # Only now is the ticket brought to the leader, with the decision task.
    assert hotline.leader.get(f"/api/v1/tickets/{number}").status_code == 200
    task = hotline.leader.task_for(number, "government_review")
    assert task["candidate_group"] == "leader"
    # Nothing climbs past the top, however long the leader takes.
    move_clock(hotline, "2026-12-31 10:00")
    assert escalated(hotline, number) == LADDER
    assert hotline.unit.task_for(number, "acknowledge")


def test_acting_on_an_urge_stops_the_ladder(hotline: Hotline) -> None:
    """Urged for a late acknowledgement, the unit acknowledges: no supervision order follows."""
    number = dispatched(hotline)
    move_clock(hotline, "2026-11-23 09:31")
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    move_clock(hotline, "2026-11-25 00:01")
    assert escalated(hotline, number) == ["urge"]
    row = escalations(hotline)[0]
    assert (row["open"], row["resolution"]) == (False, "effective")


def test_a_supervisor_escalation_jumps_and_the_ladder_climbs_on(hotline: Hotline) -> None:
    """A yellow card by hand into the running ladder; red card follows without effect."""
    number = dispatched(hotline)
    move_clock(hotline, "2026-11-23 09:31")
    assert escalated(hotline, number) == ["urge"]
    response = hotline.supervisor.post(
        f"/api/v1/tickets/{number}/escalations",
        json={"level": "yellow_card", "reason": "群众多次来电催促"},
    )
    assert response.status_code == 201, response.json
    card = response.json
    assert (card["level"], card["unit"], card["trigger"]) == ("yellow_card", "ZJJ", "manual")
    assert (card["actor"], card["ticket_number"], card["open"]) == (
        "demo-supervisor",
        number,
        True,
    )
    assert hotline.ticket(number)["escalation_level"] == "yellow_card"
    assert escalated(hotline, number) == ["urge", "yellow_card"]
    # The yellow card (Mon 10:00) climbs after 2 working days: 24:00 Wed.
    move_clock(hotline, "2026-11-25 23:59")
    assert escalated(hotline, number) == ["urge", "yellow_card"]
    move_clock(hotline, "2026-11-26 00:01")
    assert escalated(hotline, number) == ["urge", "yellow_card", "red_card"]


def test_closing_the_ticket_resolves_its_escalations(hotline: Hotline) -> None:
    """A closed ticket leaves no escalation open and no supervision running."""
    number = dispatched(hotline)
    move_clock(hotline, "2026-11-23 09:31")
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    hotline.unit.complete(number, "handle", DONE)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "satisfied"})
    rows = escalations(hotline)
    assert [(r["level"], r["open"], r["resolution"]) for r in rows] == [
        ("urge", False, "ticket closed")
    ]
    kinds = [e["kind"] for e in hotline.ticket(number)["events"]]
    assert "escalations_resolved" in kinds
    move_clock(hotline, "2026-12-31 10:00")
    assert escalated(hotline, number) == ["urge"]


def test_returned_twice_is_a_supervision_order_in_guangyuan_and_guizhou(
    profile_hotline,
) -> None:
    """guangyuan 第二十八条(三) and guizhou 第十七条(二): the second return is supervised."""
    for profile in ("guangyuan", "guizhou"):
        h = profile_hotline(profile)
        number = h.new_ticket()["number"]
        for unit, caller in (("ZJJ", h.unit), ("LZQ", h.other_unit)):
            h.center.complete(number, "triage", {"disposition": "dispatch", "unit": unit})
            caller.complete(number, "acknowledge", {"contacted": True})
            ret = {
                "outcome": "return",
                "return_reason": "非本单位职责",
                "return_basis": "三定方案",
                "suggested_unit": "HBJ",
            }
            caller.complete(number, "handle", ret)
            if unit == "ZJJ":
                assert escalated(h, number) == [], profile
        assert escalated(h, number) == ["supervision_order"], profile
        rows = [r for r in escalations(h) if r["ticket_number"] == number]
        assert [(r["unit"], r["trigger"]) for r in rows] == [("LZQ", "returned")]
        assert ("第二十八条(三)" if profile == "guangyuan" else "第十七条(二)") in rows[0]["reason"]


def test_overdue_starts_at_a_yellow_card_in_puyang_and_an_order_in_guizhou(
    profile_hotline,
) -> None:
    """puyang 三(五): 对逾期未办…予以警告; guizhou 第十七条(一): 超出办理时限 → 督办单."""
    expected = {"puyang": "yellow_card", "guizhou": "supervision_order"}
    for profile, level in expected.items():
        h = profile_hotline(profile)
        number = acknowledged(h, CONTACTED)
        due = datetime.fromisoformat(h.ticket(number)["due_at"])
        after_due = (due + timedelta(minutes=1)).isoformat()
        assert h.admin.post("/api/v1/admin/clock", json={"now": after_due}).status_code == 200
        assert escalated(h, number) == [level], profile


def test_sent_back_twice_is_supervised_in_guizhou_only(profile_hotline) -> None:
    """guizhou 第十六条: 退回继续办理，仍不符合要求的予以督办; guangyuan has no such rule."""
    for profile, expected in (("guizhou", ["supervision_order"]), ("guangyuan", [])):
        h = profile_hotline(profile)
        number = acknowledged(h, CONTACTED)
        for _ in range(2):
            h.unit.complete(number, "handle", DONE)
            h.center.complete(number, "review", {"approved": False, "comment": "调查不实"})
        assert escalated(h, number) == expected, profile


def test_unsatisfied_twice_is_an_order_in_guangyuan_and_a_yellow_card_in_guangxi(
    profile_hotline,
) -> None:
    """guangyuan 第二十六条(三) → supervision order; guangxi 第三十四条 → yellow card."""
    unsatisfied = {"satisfaction": "unsatisfied", "reasonable": True, "comment": "问题未解决"}
    for profile, level in (("guangyuan", "supervision_order"), ("guangxi", "yellow_card")):
        h = profile_hotline(profile)
        number = acknowledged(h, CONTACTED)
        for _ in range(2):
            h.unit.complete(number, "handle", DONE)
            h.center.complete(number, "review", {"approved": True})
            h.center.complete(number, "callback", unsatisfied)
        assert escalated(h, number) == [level], profile
        assert h.ticket(number)["unsatisfied_count"] == 2


def test_an_assisting_unit_late_on_its_part_climbs_its_own_ladder(hotline: Hotline) -> None:
    """HBJ's part is overdue: the ladder runs against HBJ while its part stays open; the lead
    late too climbs its own ladder (issue 11 §2), which never lowers the ticket's rung."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.unit.complete(number, "acknowledge_part", {"contacted": True})
    h.third_unit.complete(number, "acknowledge_part", {"contacted": True})
    move_clock(h, "2026-11-26 00:05")  # HBJ's part (due 24:00 Wednesday) is late
    assert [(e["level"], e["unit"]) for e in escalations(h)] == [("urge", "HBJ")]
    move_clock(h, "2026-11-28 00:10")  # an urge without effect for a working day climbs
    rungs = [(e["level"], e["unit"]) for e in escalations(h)]
    # The lead's part went late on Friday too: it is urged on its own ladder, and HBJ's
    # order stands.
    late = [e["data"]["unit"] for e in h.ticket(number)["events"] if e["kind"] == "part_overdue"]
    assert late == ["HBJ", "ZJJ"]
    assert rungs == [("urge", "HBJ"), ("urge", "ZJJ"), ("supervision_order", "HBJ")]
    assert [e["open"] for e in escalations(h)] == [False, True, True]
    assert h.ticket(number)["escalation_level"] == "supervision_order"


def test_the_tickets_level_follows_the_rungs_still_in_force(hotline: Hotline) -> None:
    """`escalation_level` is the highest rung in force against any unit (README). ZJJ's
    yellow card ends once the ticket went to LZQ; LZQ's own ladder (not acknowledged in
    30 minutes, guangyuan 第十三条(一) → urge → order) is then what is in force."""
    h = hotline
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", {"contacted": True})
    body = {"level": "yellow_card", "reason": "群众反映强烈"}
    assert h.supervisor.post(f"/api/v1/tickets/{number}/escalations", json=body).status_code == 201
    h.unit.complete(number, "handle", RETURN_TO_LZQ)
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    move_clock(h, "2026-11-25 00:05")  # LZQ urged at 09:30 Monday, an order at 24:00 Tuesday
    assert h.ticket(number)["escalation_level"] == "yellow_card"  # ZJJ's, until it climbs
    move_clock(h, "2026-11-26 00:05")  # ZJJ's card is due to climb: no longer ZJJ's ticket
    rows = [(e["level"], e["unit"], e["open"]) for e in escalations(h)]
    assert ("yellow_card", "ZJJ", False) in rows
    assert [(lv, u) for lv, u, o in rows if o] == [("supervision_order", "LZQ")]
    assert h.ticket(number)["escalation_level"] == "supervision_order"
    # Closed: nothing is in force any more.
    h.other_unit.complete(number, "acknowledge", {"contacted": True})
    h.other_unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert h.ticket(number)["status"] == "closed"
    assert h.ticket(number)["escalation_level"] is None
