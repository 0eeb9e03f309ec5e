"""Issue 11 §1 item 5 for joint tickets: meizhou 第十一条(二)3 (seeds/003_de7e966f0e71df8b.txt)
— 1个工作日内作出是否受理的决定，受理后在30个工作日时限时办结.

A joint report's lead unit accepts by acknowledging its part; its 30 working days, the
ticket's due time and the timers run from then, not from the assumed end of the decision
window. The assisting units stay `[joint] assist_lead` (meizhou 第十七条, a default) before it.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hotline.calendar import WorkingCalendar
from hotline.joint import working_days_before
from hotline.policy import load_profile
from tests.helpers.clock import at, local, move_clock
from tests.helpers.joint import MERGE, part_done, parts, task_of
from tests.helpers.tickets import ACK, events

JOINT = {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ,LZQ"}


def _joint(h, category: str) -> str:
    number = h.new_ticket(category=category)["number"]
    h.center.complete(number, "triage", JOINT)
    return number


def _due_by_unit(h, number: str) -> dict[str, str]:
    return {p["unit"]: p["due_at"] for p in parts(h.center, number)["items"]}


def _accepted_due(when: str) -> datetime:
    """30 working days (meizhou 第十一条(二)3, the profile's report rule) from acceptance."""
    rule = next(r for r in load_profile("meizhou").handling if r.match.categories == {"report"})
    assert rule.clock_start == "acceptance" and "第十一条(二)3" in rule.limit.source
    start = datetime.fromisoformat(at(when))
    return WorkingCalendar().add_working_days(start, int(rule.limit.amount)).at


def test_meizhou_joint_report_runs_from_the_lead_units_acceptance(profile_hotline) -> None:
    """meizhou 第十一条(二)3: the lead accepts Monday 10:00 → its part, the ticket and the
    assisting parts (1 working day earlier, 第十七条 default) move a day earlier."""
    h = profile_hotline("meizhou")
    number = _joint(h, "report")
    assumed = _due_by_unit(h, number)
    assert local(assumed["ZJJ"]) == "2027-01-06 00:00"  # from the window's end, 24:00 Tuesday
    move_clock(h, "2026-11-23 10:00")
    h.unit.complete(number, "acknowledge_part", ACK)

    expected = _accepted_due("2026-11-23 10:00")
    assisting = working_days_before(WorkingCalendar(), expected, 1).at
    assert expected < datetime.fromisoformat(assumed["ZJJ"])
    due = {unit: datetime.fromisoformat(d) for unit, d in _due_by_unit(h, number).items()}
    assert due == {"ZJJ": expected, "HBJ": assisting, "LZQ": assisting}
    assert datetime.fromisoformat(h.ticket(number)["due_at"]) == expected
    # Each unit's inbox shows the moved due time.
    lead_task = task_of(h, number, "handle_part", "ZJJ")
    assert datetime.fromisoformat(lead_task["due_at"]) == expected
    h.third_unit.complete(number, "acknowledge_part", ACK)
    assisting_task = task_of(h, number, "handle_part", "HBJ")
    assert datetime.fromisoformat(assisting_task["due_at"]) == assisting
    # The history says when acceptance was and which rule ran from it.
    accepted = [e for e in events(h, number, "deadlines_set") if "accepted_at" in e["data"]]
    assert [local(e["data"]["accepted_at"]) for e in accepted] == ["2026-11-23 10:00"]
    assert any("from acceptance 2026-11-23 10:00" in r for r in accepted[0]["data"]["rules"])
    [moved] = [e for e in events(h, number, "part_deadlines_set") if "accepted_at" in e["data"]]
    assert datetime.fromisoformat(moved["data"]["parts"]["HBJ"]) == assisting

    # The merge and, after a rejected review, the lead's `handle` are due at the new time.
    h.other_unit.complete(number, "acknowledge_part", ACK)
    for caller in (h.unit, h.third_unit, h.other_unit):
        caller.complete(number, "handle_part", part_done(caller.name))
    assert datetime.fromisoformat(task_of(h, number, "merge", "ZJJ")["due_at"]) == expected
    h.unit.complete(number, "merge", MERGE)
    h.center.complete(number, "review", {"approved": False, "comment": "请补充处理依据"})
    assert datetime.fromisoformat(h.unit.task_for(number, "handle")["due_at"]) == expected


def test_meizhou_joint_complaint_does_not_move_when_the_lead_acknowledges(
    profile_hotline,
) -> None:
    """meizhou 第十一条(二)2: a complaint runs 15 working days from receipt (dispatch), so
    acknowledging its part moves nothing."""
    h = profile_hotline("meizhou")
    number = _joint(h, "complaint")
    before, ticket_due = _due_by_unit(h, number), h.ticket(number)["due_at"]
    move_clock(h, "2026-11-23 15:00")
    h.unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "acknowledge_part", ACK)
    assert _due_by_unit(h, number) == before
    assert h.ticket(number)["due_at"] == ticket_due
    assert not [e for e in events(h, number, "deadlines_set") if "accepted_at" in e["data"]]


def test_meizhou_joint_report_overdue_fires_at_the_accepted_due_not_the_assumed_one(
    profile_hotline,
) -> None:
    """meizhou 第十一条(二)3: the lead's part-overdue timer fires 30 working days after its
    acceptance; nothing fires again at the old, assumed due time."""
    h = profile_hotline("meizhou")
    number = _joint(h, "report")
    assumed = datetime.fromisoformat(_due_by_unit(h, number)["ZJJ"])
    move_clock(h, "2026-11-23 10:00")
    h.unit.complete(number, "acknowledge_part", ACK)
    expected = _accepted_due("2026-11-23 10:00")
    assert expected < assumed

    def lead_overdue() -> list[dict]:
        return [e for e in events(h, number, "part_overdue") if e["data"]["unit"] == "ZJJ"]

    sh = expected.astimezone(datetime.fromisoformat(at("2026-11-23 09:00")).tzinfo)
    # The assisting parts' timers moved with the lead's (第十七条 default: 1 working day before).
    assisting = working_days_before(WorkingCalendar(), expected, 1).at.astimezone(sh.tzinfo)
    move_clock(h, (assisting + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"))
    late = {e["data"]["unit"]: e["data"]["due_at"] for e in events(h, number, "part_overdue")}
    assert late.keys() == {"HBJ", "LZQ"}
    assert {datetime.fromisoformat(d) for d in late.values()} == {assisting}
    move_clock(h, (sh - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"))
    assert lead_overdue() == []
    assert h.ticket(number)["overdue"] is False
    move_clock(h, (sh + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"))
    [fired] = lead_overdue()
    assert datetime.fromisoformat(fired["data"]["due_at"]) == expected
    assert h.ticket(number)["overdue"] is True
    assert {p["unit"]: p["overdue"] for p in parts(h.center, number)["items"]}["ZJJ"] is True
    # The assumed due time passes: the lead is not marked or urged a second time.
    move_clock(h, (assumed + timedelta(hours=1)).astimezone(sh.tzinfo).strftime("%Y-%m-%d %H:%M"))
    assert len(lead_overdue()) == 1
