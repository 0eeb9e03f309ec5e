"""Deadlines of ticket.bpmn end to end: timers in the diagram, dates from the guangyuan profile.

Clock: the test starts on Monday 2026-11-23 09:00 Asia/Shanghai and only moves through
POST /api/v1/admin/clock, which fires every timer that falls due, in order.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Hotline
from tests.helpers.clock import local, move_clock
from tests.helpers.tickets import CONTACTED, DISPATCH_ZJJ, acknowledged, events

# A return as guangyuan 第十三条(二) requires it: 退回理由、依据，提出转送建议.
RETURN = {"outcome": "return", "return_reason": "非本单位职责", "return_basis": "三定方案"}


def test_complaint_deadlines_follow_guangyuan_article_13(hotline: Hotline) -> None:
    """guangyuan 第十三条(一): ack within 30 min; complaint closed within 3 working days."""
    number = hotline.new_ticket(category="complaint")["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    ticket = hotline.ticket(number)
    assert local(ticket["acknowledge_due_at"]) == "2026-11-23 09:30"
    assert local(ticket["due_at"]) == "2026-11-27 00:00"  # 24:00 of Thu 26, 3rd working day
    assert ticket["overdue"] is False
    assert ticket["deadline_provisional"] is False
    assert ticket["remaining_working_seconds"] > 0
    task = hotline.unit.task_for(number, "acknowledge")
    assert task["due_at"] == ticket["acknowledge_due_at"]


def test_unacknowledged_ticket_is_urged_once(hotline: Hotline) -> None:
    """签收超时: past the 30 minutes the unit is urged (催办), once, and the task stays open."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    assert move_clock(hotline, "2026-11-23 09:29") == 0
    assert events(hotline, number, "ticket_urged") == []
    assert move_clock(hotline, "2026-11-23 09:31") >= 1
    urged = events(hotline, number, "ticket_urged")
    assert [(e["data"]["stage"], e["actor"]) for e in urged] == [("acknowledge", "system")]
    move_clock(hotline, "2026-11-23 12:00")
    assert len(events(hotline, number, "ticket_urged")) == 1
    assert hotline.unit.task_for(number, "acknowledge")


def test_reminder_before_due_then_overdue_urges_once(hotline: Hotline) -> None:
    """The unit is reminded before due, then flagged overdue and urged once when it passes."""
    number = acknowledged(hotline, CONTACTED)
    move_clock(hotline, "2026-11-26 20:00")
    reminders = events(hotline, number, "deadline_reminder")
    assert len(reminders) == 1
    assert hotline.ticket(number)["overdue"] is False
    move_clock(hotline, "2026-11-27 00:01")
    ticket = hotline.ticket(number)
    assert ticket["overdue"] is True
    assert ticket["remaining_working_seconds"] == 0
    assert len(events(hotline, number, "ticket_overdue")) == 1
    assert [e["data"]["stage"] for e in events(hotline, number, "ticket_urged")] == ["handle"]
    move_clock(hotline, "2026-11-30 10:00")
    assert len(events(hotline, number, "ticket_overdue")) == 1
    listed = hotline.center.get("/api/v1/tickets?overdue=true").json["items"]
    assert [t["number"] for t in listed] == [number]
    assert hotline.center.get("/api/v1/tickets?overdue=false").json["items"] == []


def test_extension_too_close_to_due_is_refused(hotline: Hotline) -> None:
    """guangyuan 第十三条(三): an extension is asked at least 2 hours before due."""
    number = acknowledged(hotline, CONTACTED)
    move_clock(hotline, "2026-11-26 22:30")
    ask = {"outcome": "extension", "extension_reason": "需要检测", "requester_told": True}
    response = hotline.unit.complete(number, "handle", ask, expect=422)
    assert "at least 2 h before due" in response.json["error"]["fields"]["outcome"][0]


def test_consultation_extension_is_refused_by_category(hotline: Hotline) -> None:
    """guangyuan 第十三条(三): only complaints and reports may be extended."""
    number = hotline.new_ticket(category="help")["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    ask = {"outcome": "extension", "extension_reason": "需要协调", "requester_told": True}
    response = hotline.unit.complete(number, "handle", ask, expect=422)
    assert "complaint" in response.json["error"]["fields"]["outcome"][0]


def test_approved_extension_rearms_the_overdue_timer(hotline: Hotline) -> None:
    """After an approved extension the old due time passes without an overdue flag."""
    number = acknowledged(hotline, CONTACTED)
    hotline.unit.complete(
        number,
        "handle",
        {"outcome": "extension", "extension_reason": "检测", "requester_told": True},
    )
    hotline.center.complete(number, "approve_extension", {"approved": True})
    assert local(hotline.ticket(number)["due_at"]) == "2026-12-01 00:00"  # +2 wd: Mon 30
    move_clock(hotline, "2026-11-28 10:00")
    assert hotline.ticket(number)["overdue"] is False
    assert events(hotline, number, "ticket_overdue") == []
    move_clock(hotline, "2026-12-01 00:01")
    assert hotline.ticket(number)["overdue"] is True


def test_unanswered_callback_counts_as_basically_satisfied(hotline: Hotline) -> None:
    """guangyuan: a callback nobody answers counts as basically satisfied, and closes."""
    number = acknowledged(hotline, CONTACTED)
    done = {"outcome": "done", "basis": "规定", "findings": "属实", "reply": "已处理"}
    hotline.unit.complete(number, "handle", done)
    hotline.center.complete(number, "review", {"approved": True})
    assert hotline.ticket(number)["status"] == "callback"
    move_clock(hotline, "2026-12-10 09:00")
    ticket = hotline.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "basically_satisfied")
    assert [e["data"]["counts_as"] for e in events(hotline, number, "callback_no_answer")] == [
        "basically_satisfied"
    ]
    assert ticket["tasks"] == []


def test_deadline_into_an_unloaded_year_is_provisional(hotline: Hotline) -> None:
    """A limit running into 2027 (not in the calendar yet) is Monday–Friday and provisional."""
    move_clock(hotline, "2026-12-30 10:00")
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    ticket = hotline.ticket(number)
    assert ticket["deadline_provisional"] is True
    flagged = hotline.center.get("/api/v1/tickets?due_before=2027-02-01T00:00:00%2B08:00")
    assert [t["number"] for t in flagged.json["items"]] == [number]


def test_health_warns_about_the_missing_calendar_year(hotline: Hotline) -> None:
    """2027 is not in the official calendar yet: health names it."""
    warnings = hotline.center.get("/api/health").json["warnings"]
    assert len(warnings) == 1 and "2027" in warnings[0]


def test_loading_the_missing_year_recomputes_provisional_deadlines(
    hotline: Hotline, tmp_path: Path
) -> None:
    """Loading 2027 (New Year 1–3 January off) makes the deadline firm, and it moves."""
    from hotline.calendar_file import load_calendar_file
    from hotline.policy import active_profile
    from hotline.provisional import recompute_provisional

    move_clock(hotline, "2026-12-30 10:00")
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    before = hotline.ticket(number)
    assert before["deadline_provisional"] is True
    assert local(before["due_at"]) == "2027-01-05 00:00"  # Thu 31, Fri 1, Mon 4 (Mon–Fri)
    days = tmp_path / "2027.csv"
    days.write_text("date,working,note\n2027-01-01,0,元旦\n2027-01-04,0,元旦调休\n")
    services = hotline.services
    with services.transaction() as session:
        load_calendar_file(session, days)
        assert recompute_provisional(
            session, services.runtime, active_profile(services.runtime.extras)
        )
    after = hotline.ticket(number)
    assert after["deadline_provisional"] is False
    assert local(after["due_at"]) == "2027-01-07 00:00"  # Thu 31, Tue 5, Wed 6
    assert after["events"][-1]["kind"] == "deadline_recomputed"
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    assert hotline.unit.task_for(number, "handle")["due_at"] == after["due_at"]
    move_clock(hotline, "2027-01-05 00:01")  # the old due time passes: not overdue
    assert hotline.ticket(number)["overdue"] is False
    move_clock(hotline, "2027-01-07 00:01")
    assert hotline.ticket(number)["overdue"] is True


def test_guangxi_urgent_fast_lane_and_no_answer_counts_as_satisfied(profile_hotline) -> None:
    """guangxi 第二十六条(二)7: 突发 ack 30 min, close in 24 h counted, as all of (二), from the
    next working day (Tue 24 Nov 00:00); 第二十七条(二): 24 h → satisfied."""
    gx = profile_hotline("guangxi")
    number = gx.new_ticket(urgency="urgent")["number"]
    assert number.startswith("GX")
    gx.center.complete(number, "triage", DISPATCH_ZJJ)
    ticket = gx.ticket(number)
    assert local(ticket["acknowledge_due_at"]) == "2026-11-23 09:30"
    assert local(ticket["due_at"]) == "2026-11-25 00:00"
    gx.unit.complete(number, "acknowledge", {"contacted": True})
    done = {"outcome": "done", "basis": "应急预案", "findings": "已抢修", "reply": "已恢复供水"}
    gx.unit.complete(number, "handle", done)
    gx.center.complete(number, "review", {"approved": True})
    move_clock(gx, "2026-11-24 09:01")
    ticket = gx.ticket(number)
    assert (ticket["status"], ticket["satisfaction"]) == ("closed", "satisfied")


def test_guangxi_complaint_clock_starts_the_next_working_day(profile_hotline) -> None:
    """guangxi 第二十六条(二): a complaint has 10 working days from the next working day."""
    gx = profile_hotline("guangxi")
    number = gx.new_ticket(category="complaint")["number"]
    gx.center.complete(number, "triage", DISPATCH_ZJJ)
    # Mon 23 Nov: counting starts Tue 24; the 10th working day is Mon 7 Dec.
    assert local(gx.ticket(number)["due_at"]) == "2026-12-08 00:00"


def test_late_return_counts_as_overdue(hotline: Hotline) -> None:
    """guangyuan 第十三条(二): a return later than 30 min after acknowledging counts as overdue."""
    number = acknowledged(hotline, CONTACTED)
    move_clock(hotline, "2026-11-23 10:00")
    ret = {**RETURN, "suggested_unit": "LZQ"}
    hotline.unit.complete(number, "handle", ret)
    ticket = hotline.ticket(number)
    assert ticket["overdue"] is True
    late = events(hotline, number, "late_return")
    assert [e["data"]["counts_as"] for e in late] == ["overdue"]


def test_timely_return_is_not_overdue(hotline: Hotline) -> None:
    """A return within the 30 minutes is just a return."""
    number = acknowledged(hotline, CONTACTED)
    ret = {**RETURN, "suggested_unit": "LZQ"}
    hotline.unit.complete(number, "handle", ret)
    assert hotline.ticket(number)["overdue"] is False
    assert events(hotline, number, "late_return") == []


def test_puyang_rehandle_runs_five_working_days(profile_hotline) -> None:
    """puyang 三(六): a rehandle (重办) is due within 5 working days."""
    py = profile_hotline("puyang")
    number = acknowledged(py, CONTACTED)
    done = {"outcome": "done", "basis": "规定", "findings": "属实", "reply": "已处理"}
    py.unit.complete(number, "handle", done)
    py.center.complete(number, "review", {"approved": True})
    move_clock(py, "2026-11-25 10:00")
    py.center.complete(number, "callback", {"satisfaction": "unsatisfied", "reasonable": True})
    ticket = py.ticket(number)
    assert ticket["status"] == "handling"
    assert local(ticket["due_at"]) == "2026-12-03 00:00"  # Wed 25 + 5 wd → 24:00 Wed 2 Dec
    assert py.unit.task_for(number, "handle")["due_at"] == ticket["due_at"]


def test_center_not_dispatching_within_ten_minutes_is_recorded_once(hotline: Hotline) -> None:
    """guangyuan 第十三条(一): the center dispatches within 10 minutes; late triage is recorded."""
    number = hotline.new_ticket()["number"]
    move_clock(hotline, "2026-11-23 09:09")
    assert events(hotline, number, "dispatch_overdue") == []
    move_clock(hotline, "2026-11-23 09:11")
    move_clock(hotline, "2026-11-23 10:00")
    assert len(events(hotline, number, "dispatch_overdue")) == 1
    assert [t["key"] for t in hotline.ticket(number)["tasks"]] == ["triage"]
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    assert hotline.ticket(number)["status"] == "dispatched"
