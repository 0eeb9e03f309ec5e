"""The escalation ladder (督办, bpmn/supervision.bpmn) in tests: its rungs, guangyuan's climb
times, and a ticket's escalation levels as the API shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.helpers.clock import move_clock

if TYPE_CHECKING:
    from tests.conftest import Hotline

LADDER = ["urge", "supervision_order", "yellow_card", "red_card", "summons", "government_review"]
DONE = {"outcome": "done", "basis": "《噪声法》", "findings": "属实", "reply": "已答复"}
# guangyuan climbs: urge after 1 working day, the other rungs after 2 (defaults, marked).
CLIMB_TIMES = [
    "2026-11-23 09:31",  # acknowledge overdue (30 min): urge, climbs at 24:00 Tue
    "2026-11-25 00:01",  # supervision order, climbs at 24:00 Fri
    "2026-11-28 00:01",  # yellow card, climbs at 24:00 Tue 12-01
    "2026-12-02 00:01",  # red card, climbs at 24:00 Fri 12-04
    "2026-12-05 00:01",  # summons, climbs at 24:00 Tue 12-08
    "2026-12-09 00:01",  # government review: the leader's task
]


def escalated(h: Hotline, number: str) -> list[str]:
    """Levels of the ticket's `ticket_escalated` events, in order."""
    events = h.ticket(number)["events"]
    return [e["data"]["level"] for e in events if e["kind"] == "ticket_escalated"]


def climb_to_government(h: Hotline, number: str) -> None:
    """Let the ticket climb the whole ladder by timers alone."""
    for when in CLIMB_TIMES:
        move_clock(h, when)
