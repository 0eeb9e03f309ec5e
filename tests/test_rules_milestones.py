"""Issue 11 §1 item 9: guangyuan's urgent milestones and the upper-platform cap, tracked like
any deadline. guangyuan 第十三条(四) (000_27d936bb79493c2c.txt): 承办单位接到事项后，须在1小时内
反馈初步处置意见，1个工作日内反馈处理进度; 第十三条(二): 国家、省热线平台派发的工单需在规定时限
提前3小时办结.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hotline.models import Ticket
from tests.conftest import Hotline
from tests.helpers.clock import at, local, move_clock
from tests.helpers.tickets import DISPATCH_ZJJ, events
from tests.helpers.tickets import RETURN_TO_LZQ as RETURN


def _urgent(h: Hotline) -> str:
    number = h.new_ticket(category="complaint", urgency="urgent")["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    return number


def _milestones(h: Hotline, number: str) -> dict[str, dict]:
    return {m["name"]: m for m in h.ticket(number)["milestones"]}


def test_urgent_ticket_shows_its_milestones_due_times(hotline: Hotline) -> None:
    """第十三条(四): first reply due 10:00 (1 h), progress report 24:00 Tuesday (1 wd)."""
    number = _urgent(hotline)
    found = _milestones(hotline, number)
    assert local(found["first_reply"]["due_at"]) == "2026-11-23 10:00"
    assert local(found["progress_report"]["due_at"]) == "2026-11-25 00:00"
    assert not found["first_reply"]["overdue"] and found["first_reply"]["reported_at"] is None
    normal = hotline.new_ticket()["number"]
    hotline.center.complete(normal, "triage", DISPATCH_ZJJ)
    assert hotline.ticket(normal)["milestones"] == []


def test_a_missed_first_reply_is_recorded_overdue_once(hotline: Hotline) -> None:
    """No first reply by 10:00: milestone_overdue at the timer, once; the report still counts."""
    number = _urgent(hotline)
    move_clock(hotline, "2026-11-23 09:59")
    assert events(hotline, number, "milestone_overdue") == []
    move_clock(hotline, "2026-11-23 10:01")
    move_clock(hotline, "2026-11-23 11:00")
    [late] = events(hotline, number, "milestone_overdue")
    assert late["data"]["name"] == "first_reply" and late["data"]["unit"] == "ZJJ"
    assert _milestones(hotline, number)["first_reply"]["overdue"] is True
    url = f"/api/v1/tickets/{number}/milestones/first_reply"
    response = hotline.unit.post(url, json={"note": "已派人到场处置"})
    assert response.status_code == 201, response.json
    assert response.json["overdue"] is True and response.json["reported_at"]


def test_a_reported_milestone_is_not_overdue(hotline: Hotline) -> None:
    """The unit reports its first reply at 09:40 (POST …/milestones/first_reply): no breach."""
    number = _urgent(hotline)
    move_clock(hotline, "2026-11-23 09:40")
    url = f"/api/v1/tickets/{number}/milestones/first_reply"
    assert hotline.other_unit.post(url, json={"note": "x"}).status_code == 404  # not its ticket
    assert hotline.center.post(url, json={"note": "x"}).status_code == 403
    assert hotline.unit.post(url, json={"note": "已到场，正在抢修"}).status_code == 201
    assert hotline.unit.post(url, json={"note": "again"}).status_code == 409
    bad = hotline.unit.post(f"/api/v1/tickets/{number}/milestones/nonsense", json={"note": "x"})
    assert bad.status_code == 404
    move_clock(hotline, "2026-11-23 12:00")
    found = _milestones(hotline, number)
    assert found["first_reply"]["overdue"] is False
    assert found["first_reply"]["note"] == "已到场，正在抢修"
    assert events(hotline, number, "milestone_overdue") == []
    listed = hotline.unit.get(f"/api/v1/tickets/{number}/milestones")
    assert listed.status_code == 200 and len(listed.json["items"]) == 2


# --- the upper-platform cap binds extensions and rehandles too ----------------------------


def _upper_ticket(h: Hotline) -> str:
    """An upper-platform complaint whose upper deadline is 12:00 Monday 30 November.

    Set in the database: POST /api/v1/tickets with upper_deadline is the "inputs" slice's
    500 (issue 11 §3) on this branch.
    """
    number = h.new_ticket(channel="upper_platform")["number"]
    with h.services.transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.upper_deadline = datetime.fromisoformat(at("2026-11-30 12:00"))
    return number


ASK = {"outcome": "extension", "extension_reason": "需现场检测", "requester_told": True}
DONE = {"outcome": "done", "basis": "规定", "findings": "属实", "reply": "已处理"}


def test_an_extension_never_runs_past_the_upper_deadline_less_3_hours(hotline: Hotline) -> None:
    """第十三条(二)+(三): a complaint due 24:00 Thu 26 Nov, +2 wd would be 24:00 Mon 30 Nov;
    the upper platform's 12:00 Mon 30 Nov less 3 h caps it at 09:00."""
    number = _upper_ticket(hotline)
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    assert local(hotline.ticket(number)["due_at"]) == "2026-11-27 00:00"
    hotline.unit.complete(number, "handle", ASK)
    hotline.center.complete(number, "approve_extension", {"approved": True})
    ticket = hotline.ticket(number)
    assert local(ticket["due_at"]) == "2026-11-30 09:00"
    assert hotline.unit.task_for(number, "handle")["due_at"] == ticket["due_at"]


def test_a_rehandle_never_runs_past_the_upper_deadline_less_3_hours(hotline: Hotline) -> None:
    """A rehandle on Thu 26 Nov would run 3 wd to 24:00 Tue 1 Dec; the cap is 09:00 Mon 30."""
    number = _upper_ticket(hotline)
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    move_clock(hotline, "2026-11-26 09:00")
    hotline.unit.complete(number, "handle", DONE)
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "unsatisfied", "reasonable": True})
    ticket = hotline.ticket(number)
    assert ticket["status"] == "handling"
    assert local(ticket["due_at"]) == "2026-11-30 09:00"


# --- milestones end with the unit's part in the ticket (review) ----------------------------


def test_a_returned_ticket_owes_no_milestone_to_the_unit_it_left(hotline: Hotline) -> None:
    """ZJJ returns the urgent ticket at 09:10 (第十三条(二): within 30 min of acknowledging);
    the first reply due 10:00 is no longer ZJJ's, and nobody else's: no milestone_overdue."""
    number = _urgent(hotline)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    move_clock(hotline, "2026-11-23 09:10")
    hotline.unit.complete(number, "handle", RETURN)
    move_clock(hotline, "2026-11-23 10:30")
    assert events(hotline, number, "milestone_overdue") == []
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    assert not _milestones(hotline, number)["first_reply"]["overdue"]


def test_a_unit_that_delivered_its_result_misses_no_milestone(hotline: Hotline) -> None:
    """ZJJ submits its full result at 09:30, before the first reply (10:00) and the progress
    report (24:00 Tue) fall due: neither is recorded overdue; a report after closing is 409."""
    number = _urgent(hotline)
    hotline.unit.complete(number, "acknowledge", {"contacted": True})
    move_clock(hotline, "2026-11-23 09:30")
    hotline.unit.complete(number, "handle", DONE)
    move_clock(hotline, "2026-11-25 10:00")
    assert events(hotline, number, "milestone_overdue") == []
    hotline.center.complete(number, "review", {"approved": True})
    hotline.center.complete(number, "callback", {"satisfaction": "satisfied"})
    assert hotline.ticket(number)["status"] == "closed"
    url = f"/api/v1/tickets/{number}/milestones/first_reply"
    late = hotline.unit.post(url, json={"note": "补报"})
    assert late.status_code == 409, late.json
    assert events(hotline, number, "milestone_reported") == []
