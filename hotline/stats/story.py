"""The stories a generated ticket lives (hotline.stats.generate): events as the handlers write
them (kinds and data of handlers/tickets.py, handlers/joint.py, handlers/deadlines.py), with
times set against the profile's real due times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

MINUTE = timedelta(minutes=1)
Deadlines = Callable[[str, str, datetime], tuple[datetime, datetime | None]]


def iso(value: datetime | None) -> str | None:
    """ISO text as the handlers store times in event data."""
    return value.isoformat() if value is not None else None


class Timeline:
    """One generated ticket: its events in time order and its final columns."""

    def __init__(
        self, unit: str, other_unit: str, category: str, channel: str, created: datetime
    ) -> None:
        self.unit, self.other_unit = unit, other_unit
        self.category, self.channel = category, channel
        self.now = created
        self.events: list[tuple[datetime, str, dict[str, Any]]] = []
        self.state: dict[str, Any] = {
            "status": "new",
            "current_unit": None,
            "satisfaction": None,
            "return_count": 0,
            "rehandle_count": 0,
            "extension_count": 0,
            "unsatisfied_count": 0,
            "objection_count": 0,
            "overdue": False,
            "joint": False,
            "deadline_provisional": False,
            "due_at": None,
            "acknowledge_due_at": None,
            "dispatched_at": None,
            "closed_at": None,
            "reply": None,
            "close_note": None,
        }
        self.dispatched = created
        self.due: datetime = created
        self.ack_due: datetime | None = None
        self.emit("ticket_created", channel=channel)

    def emit(self, kind: str, at: datetime | None = None, **data: Any) -> None:
        self.events.append((at or self.now, kind, data))

    def later(self, minutes: float) -> datetime:
        self.now = self.now + minutes * MINUTE
        return self.now

    def sorted_events(self) -> list[tuple[datetime, str, dict[str, Any]]]:
        return sorted(self.events, key=lambda e: e[0])  # stable: same-time order kept

    def ticket_state(self) -> dict[str, Any]:
        return dict(self.state)

    # -- steps ----------------------------------------------------------------------------

    def dispatch(self, deadlines: Deadlines, unit: str | None = None, delay: int = 5) -> None:
        unit = unit or self.unit
        self.later(delay)
        self.emit(
            "ticket_dispatched",
            unit=unit,
            dispatch_delay_seconds=delay * 60,
            dispatch_delay_working_seconds=delay * 60,
            dispatch_limit=None,
            dispatch_immediately=False,
        )
        self._deadlines(deadlines, unit)

    def _deadlines(self, deadlines: Deadlines, unit: str) -> None:
        self.dispatched = self.now
        self.due, self.ack_due = deadlines(self.category, self.channel, self.now)
        self.emit("deadlines_set", due_at=iso(self.due), acknowledge_due_at=iso(self.ack_due))
        self.unit = unit
        self.state.update(
            status="dispatched",
            current_unit=unit,
            dispatched_at=self.now,
            due_at=self.due,
            acknowledge_due_at=self.ack_due,
            overdue=False,
        )

    def acknowledge(self, late: bool = False) -> None:
        if late and self.ack_due is not None:
            self.now = self.ack_due + 30 * MINUTE
        else:
            self.later(10)
        self.emit("ticket_acknowledged", unit=self.unit, contacted=True, note=None)
        self.state["status"] = "handling"

    def result(self, late: bool = False) -> None:
        if late:
            self.emit("ticket_overdue", at=self.due, unit=self.unit, due_at=iso(self.due))
            self.emit("ticket_urged", at=self.due, stage="handle", unit=self.unit)
            self.now = self.due + 60 * MINUTE
            self.state["overdue"] = True
        else:  # two hours after acknowledging, or halfway to a nearer due time
            self.now = min(self.now + 120 * MINUTE, self.now + (self.due - self.now) / 2)
        self.emit("result_submitted", unit=self.unit, reply="已答复诉求人")
        self.state.update(status="in_review", reply="已答复诉求人")

    def callback(self, satisfaction: str, reasonable: bool | None = None) -> None:
        self.later(30)
        self.emit("result_approved", comment=None)
        self.later(30)
        self.emit("callback_recorded", satisfaction=satisfaction, reasonable=reasonable)
        self.state.update(status="callback", satisfaction=satisfaction)
        if satisfaction == "unsatisfied":
            self.state["unsatisfied_count"] += 1

    def close(self, note: str | None = None) -> None:
        if note is None:
            self.emit("ticket_closed", satisfaction=self.state["satisfaction"])
            self.state.update(status="closed", closed_at=self.now)
        else:
            self.emit("ticket_closed_with_note", note=note)
            self.state.update(status="closed_with_note", closed_at=self.now, close_note=note)

    def ret(self, deadlines: Deadlines) -> None:
        self.later(10)
        self.emit("ticket_returned", unit=self.unit, return_reason="非本单位职责")
        self.state.update(status="returned", current_unit=None)
        self.state["return_count"] += 1
        self.dispatch(deadlines, self.other_unit, delay=15)

    def extend(self) -> None:
        self.later(10)
        self.emit("extension_requested", unit=self.unit, extension_kind="standard")
        self.later(30)
        new_due = self.due + (self.due - self.dispatched)
        self.emit("extension_approved", due_at=iso(new_due), comment=None)
        self.state["extension_count"] += 1
        old, self.due = self.due, new_due
        self.state["due_at"] = new_due
        self.now = old + 60 * MINUTE  # after the first due, before the extended one
        self.emit("result_submitted", unit=self.unit, reply="已答复诉求人")
        self.state.update(status="in_review", reply="已答复诉求人")

    def rehandle(self) -> None:
        self.emit("ticket_rehandled", unit=self.unit, comment=None)
        self.due = self.now + (self.due - self.dispatched)
        self.emit("deadlines_set", due_at=iso(self.due))
        self.state["rehandle_count"] += 1
        self.state.update(status="handling", satisfaction=None, due_at=self.due)

    def joint(self, deadlines: Deadlines) -> None:
        lead, other = self.unit, self.other_unit
        self.later(5)
        self.emit(
            "ticket_dispatched_jointly",
            lead_unit=lead,
            units=[lead, other],
            dispatch_delay_seconds=300,
            dispatch_delay_working_seconds=300,
            dispatch_limit=None,
            dispatch_immediately=False,
        )
        self._deadlines(deadlines, lead)
        assist_due = self.due - timedelta(days=1)
        self.emit("part_deadlines_set", parts={lead: iso(self.due), other: iso(assist_due)})
        self.state.update(joint=True, status="handling")
        self.emit("part_acknowledged", at=self.later(10), unit=lead, role="lead", contacted=True)
        self.emit("part_acknowledged", at=self.later(2), unit=other, role="assisting")
        self.emit("part_completed", at=self.later(60), unit=other, role="assisting")
        self.emit("part_completed", at=self.later(60), unit=lead, role="lead")
        self.emit("result_submitted", at=self.later(10), unit=lead, joint=True, reply="已答复")
        self.state.update(status="in_review", reply="已答复")


def _closed(satisfaction: str = "satisfied") -> Callable[[Timeline, Deadlines], None]:
    def story(t: Timeline, d: Deadlines) -> None:
        t.dispatch(d)
        t.acknowledge()
        t.result()
        t.callback(satisfaction)
        t.close()

    return story


def _late_ack(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge(late=True)
    t.result()
    t.callback("satisfied")
    t.close()


def _overdue(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()
    t.result(late=True)
    t.callback("basically_satisfied")
    t.close()


def _returned(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()
    t.ret(d)
    t.acknowledge()
    t.result()
    t.callback("satisfied")
    t.close()


def _extended(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()
    t.extend()
    t.callback("satisfied")
    t.close()


def _rehandled(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()
    t.result()
    t.callback("unsatisfied", reasonable=True)
    t.rehandle()
    t.result()
    t.callback("satisfied")
    t.close()


def _joint(t: Timeline, d: Deadlines) -> None:
    t.joint(d)
    t.callback("satisfied")
    t.close()


def _open(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()


def _repeat(t: Timeline, d: Deadlines) -> None:
    t.emit("possible_repeat_flagged", count=1)
    _closed()(t, d)


def _unsatisfied(t: Timeline, d: Deadlines) -> None:
    t.dispatch(d)
    t.acknowledge()
    t.result()
    t.callback("unsatisfied", reasonable=False)
    t.close(note="诉求超出政策规定，已解释")


def _answered(t: Timeline, d: Deadlines) -> None:
    t.later(3)
    t.emit("ticket_answered", answer="已依据知识库直接答复")
    t.state.update(status="closed", closed_at=t.now, reply="已依据知识库直接答复")


def _declined(t: Timeline, d: Deadlines) -> None:
    t.later(3)
    t.emit("ticket_declined", reason="不属于热线受理范围")
    t.state.update(status="declined", closed_at=t.now, close_note="不属于热线受理范围")


Story = Callable[[Timeline, Deadlines], None]
STORIES: dict[str, Story] = {
    "closed": _closed(),
    "basic": _closed("basically_satisfied"),
    "late_ack": _late_ack,
    "overdue": _overdue,
    "returned": _returned,
    "extended": _extended,
    "rehandled": _rehandled,
    "joint": _joint,
    "open": _open,
    "repeat": _repeat,
    "no_response": _closed("no_response"),
    "unsatisfied": _unsatisfied,
    "answered": _answered,
    "declined": _declined,
}
