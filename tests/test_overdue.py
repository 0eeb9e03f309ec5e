"""Overdue is a property of the handling deadline, whatever step the ticket is at (issue 11 §2).

Clock: Monday 2026-11-23 09:00 Asia/Shanghai, profile guangyuan unless said otherwise. A
complaint dispatched then is to be acknowledged within 30 minutes (guangyuan 第十三条(一))
and handled within 3 working days: due 24:00 Thursday 26. A unit overdue on its handling is
urged and its ladder hears `overdue` (guangyuan 第二十六条(二): 承办单位超期未办理的 → 督促).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hotline.clock import ManualClock
from tests.conftest import Hotline
from tests.helpers.clock import SH, move_clock
from tests.helpers.joint import part_done
from tests.helpers.tickets import (
    ACK,
    RETURN_TO_LZQ,
    dispatched,
    escalations,
    events,
    joint_ticket,
)


def listed(h: Hotline, **query: Any) -> list[str]:
    """Numbers of the tickets the center lists with this query."""
    response = h.center.get("/api/v1/tickets", query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.json
    return [t["number"] for t in response.json["items"]]


def due_of(h: Hotline, number: str) -> datetime:
    """The ticket's handling deadline as the API shows it."""
    return datetime.fromisoformat(h.ticket(number)["due_at"])


def test_a_ticket_never_acknowledged_is_overdue_once_its_deadline_passes(
    hotline: Hotline,
) -> None:
    """Never acknowledged: past 24:00 Thursday it is overdue, listed, recorded and urged."""
    h = hotline
    number = dispatched(h)
    due = due_of(h, number)
    assert due.astimezone(SH).strftime("%Y-%m-%d %H:%M") == "2026-11-27 00:00"
    move_clock(h, due - timedelta(minutes=1))
    assert h.ticket(number)["overdue"] is False
    assert number in listed(h, overdue="false")
    assert number not in listed(h, overdue="true")

    move_clock(h, due + timedelta(minutes=1))
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["overdue"]) == ("dispatched", True)
    assert ticket["remaining_working_seconds"] == 0
    assert number in listed(h, overdue="true")
    assert number not in listed(h, overdue="false")
    [late] = events(h, number, "ticket_overdue")
    assert late["data"]["unit"] == "ZJJ"
    urged = [e["data"]["stage"] for e in events(h, number, "ticket_urged")]
    assert urged == ["acknowledge", "handle"]  # chased at 09:30 Monday, then for handling
    # The unit still acknowledges and handles it; the ticket stays overdue, urged once.
    h.unit.complete(number, "acknowledge", ACK)
    move_clock(h, due + timedelta(days=1))
    assert h.ticket(number)["overdue"] is True
    assert len(events(h, number, "ticket_overdue")) == 1


def test_overdue_triggers_the_ladder_against_a_unit_that_never_acknowledged(
    profile_hotline: Any,
) -> None:
    """puyang: overdue handling starts at a yellow card (三(八)); an unacknowledged ticket
    past its deadline gets it, against its unit, with trigger `overdue`."""
    h = profile_hotline("puyang")
    number = dispatched(h)
    move_clock(h, due_of(h, number) + timedelta(minutes=1))
    assert h.ticket(number)["overdue"] is True
    rows = escalations(h, unit="ZJJ")
    assert ("yellow_card", "overdue") in [(r["level"], r["trigger"]) for r in rows]
    assert h.ticket(number)["escalation_level"] in ("yellow_card", "red_card", "summons")


def test_a_ticket_awaiting_extension_approval_is_overdue_when_its_deadline_passes(
    profile_hotline: Any,
) -> None:
    """guangxi allows extensions: asked before due, not yet decided when the deadline
    passes — the ticket is overdue and the unit urged; an approval then lifts the flag."""
    h = profile_hotline("guangxi")
    number = dispatched(h)
    h.unit.complete(number, "acknowledge", ACK)
    due = due_of(h, number)
    move_clock(h, due - timedelta(days=1))
    # guangxi 第二十六条(二)9: the requester is told of the extension.
    ask = {"outcome": "extension", "extension_reason": "需多部门现场核查", "requester_told": True}
    h.unit.complete(number, "handle", ask)
    assert h.ticket(number)["status"] == "extension_requested"
    move_clock(h, due + timedelta(minutes=1))
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["overdue"]) == ("extension_requested", True)
    assert number in listed(h, overdue="true")
    assert [e["data"]["unit"] for e in events(h, number, "ticket_overdue")] == ["ZJJ"]
    assert "handle" in [e["data"]["stage"] for e in events(h, number, "ticket_urged")]
    # Whoever the profile names approves (the deadlines rules decide the candidate group).
    keys = {c.name: {t["key"] for t in c.inbox()} for c in (h.center, h.authority)}
    approver = h.center if "approve_extension" in keys[h.center.name] else h.authority
    approver.complete(number, "approve_extension", {"approved": True, "comment": "同意"})
    ticket = h.ticket(number)
    assert datetime.fromisoformat(ticket["due_at"]) > due
    assert ticket["overdue"] is False
    assert number not in listed(h, overdue="true")


def test_overdue_shows_at_read_time_before_any_timer_fires(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    """A past due time is never shown as `overdue: false`: the flag and the list filter are
    computed from due_at and the step, even before the timers ran."""
    h = hotline
    number = dispatched(h)
    due = due_of(h, number)
    # Move the service clock without running the timers (as between two scheduler ticks).
    manual_clock.set(due + timedelta(hours=1))
    assert events(h, number, "ticket_overdue") == []
    assert h.ticket(number)["overdue"] is True
    assert number in listed(h, overdue="true")
    assert number not in listed(h, overdue="false")


def test_a_joint_part_is_urged_at_its_acknowledge_limit(hotline: Hotline) -> None:
    """guangyuan 第十三条(一): a part not acknowledged within 30 minutes is chased then, not at
    its handling deadline; its unit's ladder gets the urge."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(
        number, "triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ"}
    )
    h.unit.complete(number, "acknowledge_part", ACK)
    move_clock(h, "2026-11-23 09:29")
    assert events(h, number, "ticket_urged") == []
    move_clock(h, "2026-11-23 09:31")
    urged = [(e["data"]["stage"], e["data"]["unit"]) for e in events(h, number, "ticket_urged")]
    assert urged == [("acknowledge", "HBJ")]
    assert [(r["level"], r["trigger"]) for r in escalations(h, unit="HBJ")] == [
        ("urge", "acknowledge_overdue")
    ]
    assert escalations(h, unit="ZJJ") == []
    assert events(h, number, "part_overdue") == []  # late to acknowledge is not overdue
    move_clock(h, "2026-11-23 12:00")
    assert len(events(h, number, "ticket_urged")) == 1  # once per limit


def test_every_late_unit_of_a_joint_ticket_is_urged_and_climbs_the_lead_included(
    hotline: Hotline,
) -> None:
    """Both parts late: the assisting HBJ (due 24:00 Wed) and the lead ZJJ (24:00 Thu) are
    each marked overdue, urged, and each has its own rungs on the ladder."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(
        number, "triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ"}
    )
    h.unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "acknowledge_part", ACK)
    move_clock(h, "2026-11-26 00:05")
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["HBJ"]
    assert h.ticket(number)["overdue"] is False
    move_clock(h, "2026-11-27 00:05")
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["HBJ", "ZJJ"]
    ticket = h.ticket(number)
    assert ticket["overdue"] is True
    assert number in listed(h, overdue="true")
    assert [e["data"]["unit"] for e in events(h, number, "ticket_overdue")] == ["ZJJ"]
    urged = {(e["data"]["stage"], e["data"]["unit"]) for e in events(h, number, "ticket_urged")}
    assert {("handle", "HBJ"), ("handle", "ZJJ")} <= urged
    hbj, zjj = escalations(h, unit="HBJ"), escalations(h, unit="ZJJ")
    assert ("urge", "overdue") in [(r["level"], r["trigger"]) for r in hbj]
    assert [(r["level"], r["trigger"], r["open"]) for r in zjj] == [("urge", "overdue", True)]
    assert ticket["escalation_level"] == "urge"
    # Each ladder climbs on its own: HBJ's urge (Thu) after 1 working day, at 24:00 Fri ...
    move_clock(h, "2026-11-28 00:10")
    assert [r["level"] for r in escalations(h, unit="HBJ")] == ["urge", "supervision_order"]
    assert [r["level"] for r in escalations(h, unit="ZJJ")] == ["urge"]
    assert h.ticket(number)["escalation_level"] == "supervision_order"  # highest in force
    # ... and ZJJ's urge (Fri) at 24:00 Monday.
    move_clock(h, "2026-12-01 00:10")
    assert [r["level"] for r in escalations(h, unit="ZJJ")] == ["urge", "supervision_order"]
    # Each unit sees only the rungs against itself.
    mine = h.unit.get("/api/v1/escalations", query_string={"per_page": 100})
    assert {r["unit"] for r in mine.json["items"]} == {"ZJJ"}


def test_parts_show_overdue_at_read_time(hotline: Hotline, manual_clock: ManualClock) -> None:
    """A part past its due time shows overdue even before its timer ran."""
    h = hotline
    number = h.new_ticket()["number"]
    h.center.complete(
        number, "triage", {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,HBJ"}
    )
    manual_clock.set(datetime(2026, 11, 26, 1, 0, tzinfo=SH))  # HBJ's part was due 24:00 Wed
    response = h.center.get(f"/api/v1/tickets/{number}/parts")
    overdue = {p["unit"]: p["overdue"] for p in response.json["items"]}
    assert overdue == {"ZJJ": False, "HBJ": True}


def test_a_ticket_returned_to_the_center_is_not_overdue_against_the_unit_it_left(
    hotline: Hotline,
) -> None:
    """ZJJ returns the ticket on Monday and the center keeps it past ZJJ's old deadline: the
    handling deadline was ZJJ's and ended with the return (the center's own limit is the
    dispatch limit); re-dispatch gives the next unit its full limit (guangyuan
    [redispatch]). The flag must not show overdue while the ticket waits at the center,
    only to drop again at re-dispatch."""
    h = hotline
    number = dispatched(h)
    due = due_of(h, number)
    h.unit.complete(number, "acknowledge", ACK)
    h.unit.complete(number, "handle", RETURN_TO_LZQ)
    move_clock(h, due + timedelta(hours=1))
    ticket = h.ticket(number)
    assert (ticket["status"], ticket["overdue"]) == ("returned", False)
    assert number not in listed(h, overdue="true")
    assert number in listed(h, overdue="false")
    h.center.complete(number, "triage", {"disposition": "dispatch", "unit": "LZQ"})
    assert h.ticket(number)["overdue"] is False


def handle_urges(h: Hotline, number: str) -> list[str]:
    """Units urged for handling, oldest first."""
    urged = events(h, number, "ticket_urged")
    return [e["data"]["unit"] for e in urged if e["data"]["stage"] == "handle"]


def test_a_lead_that_does_not_merge_by_its_due_time_is_urged_and_climbs(hotline: Hotline) -> None:
    """Both parts done on Monday, the lead ZJJ never merges: at 24:00 Thursday (the lead's
    due, the ticket's) the ticket is overdue, recorded once, and ZJJ urged once with an `urge`
    rung (guangyuan 第二十六条(二): 承办单位超期未办理的 → 督促)."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    for caller, what in ((h.unit, "住建"), (h.third_unit, "环保")):
        caller.complete(number, "acknowledge_part", ACK)
        caller.complete(number, "handle_part", part_done(what))
    assert h.unit.task_for(number, "merge")
    move_clock(h, "2026-11-26 23:59")
    assert events(h, number, "ticket_overdue") == []
    move_clock(h, "2026-11-27 00:01")
    ticket = h.ticket(number)
    assert ticket["overdue"] is True
    assert [e["data"]["unit"] for e in events(h, number, "ticket_overdue")] == ["ZJJ"]
    assert handle_urges(h, number) == ["ZJJ"]
    assert [(r["level"], r["trigger"]) for r in escalations(h, unit="ZJJ")] == [("urge", "overdue")]
    assert escalations(h, unit="HBJ") == []
    assert ticket["escalation_level"] == "urge"
    move_clock(h, "2026-11-27 12:00")
    assert len(events(h, number, "ticket_overdue")) == 1
    assert handle_urges(h, number) == ["ZJJ"]  # once per due time


def test_a_lead_waiting_on_a_late_part_past_its_due_is_urged_at_the_merge(
    hotline: Hotline,
) -> None:
    """ZJJ finished its part Monday; HBJ's part (due 24:00 Wed) is finished only on Friday,
    past the lead's due (24:00 Thu). When the merge falls to ZJJ the ticket is recorded
    overdue against the lead and ZJJ is urged and climbs, besides HBJ for its part."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.unit.complete(number, "acknowledge_part", ACK)
    h.unit.complete(number, "handle_part", part_done("住建"))
    h.third_unit.complete(number, "acknowledge_part", ACK)
    move_clock(h, "2026-11-27 10:00")
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["HBJ"]
    h.third_unit.complete(number, "handle_part", part_done("环保"))
    move_clock(h, "2026-11-27 10:01")
    assert [e["data"]["unit"] for e in events(h, number, "ticket_overdue")] == ["ZJJ"]
    assert handle_urges(h, number) == ["HBJ", "ZJJ"]
    assert [(r["level"], r["trigger"]) for r in escalations(h, unit="ZJJ")] == [("urge", "overdue")]
    assert h.ticket(number)["overdue"] is True


def test_a_lead_already_overdue_on_its_part_is_not_urged_again_at_the_merge(
    hotline: Hotline,
) -> None:
    """ZJJ's own part is overdue at 24:00 Thursday (marked, urged once); it finishes its part
    Friday morning and the merge, due at the same time, is late too: still one
    `ticket_overdue`, one urge of ZJJ and one `urge` rung for that due time."""
    h = hotline
    number = joint_ticket(h, units="ZJJ,HBJ")
    h.third_unit.complete(number, "acknowledge_part", ACK)
    h.third_unit.complete(number, "handle_part", part_done("环保"))
    h.unit.complete(number, "acknowledge_part", ACK)
    move_clock(h, "2026-11-27 00:01")
    assert [e["data"]["unit"] for e in events(h, number, "part_overdue")] == ["ZJJ"]
    assert handle_urges(h, number) == ["ZJJ"]
    h.unit.complete(number, "handle_part", part_done("住建"))
    assert h.unit.task_for(number, "merge")
    move_clock(h, "2026-11-27 10:00")
    assert [e["data"]["unit"] for e in events(h, number, "ticket_overdue")] == ["ZJJ"]
    assert handle_urges(h, number) == ["ZJJ"]
    assert [(r["level"], r["trigger"]) for r in escalations(h, unit="ZJJ")] == [("urge", "overdue")]
