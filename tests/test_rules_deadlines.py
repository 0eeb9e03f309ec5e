"""Issue 11 §1 items 4–6: immediate dispatch, meizhou acceptance, who approves an extension.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai, moved only through POST /api/v1/admin/clock.
Seeds: 000 guangyuan, 001 guizhou, 002 guangxi, 003 meizhou, 004 puyang (../shared/seeds/).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hotline.calendar import WorkingCalendar
from hotline.deadlines import dispatch_due, dispatch_rule
from hotline.policy import PolicyError, load_profile
from tests.conftest import Hotline
from tests.test_deadlines import MON
from tests.test_ticket_deadlines import DISPATCH_ZJJ, at, events, local, move_clock

# --- item 4: "immediately" is its own kind of limit --------------------------------------


@pytest.mark.parametrize(
    ("profile", "urgency", "article"),
    [
        ("guizhou", "normal", "第九条"),
        ("guangxi", "urgent", "第二十五条(二)"),
        ("puyang", "urgent", "三(四)"),
    ],
)
def test_immediate_dispatch_rules_have_no_timer(profile: str, urgency: str, article: str) -> None:
    """即时派单 / 第一时间 / 立即转办: an immediate limit, not a 0-minute one; no due time."""
    rules = load_profile(profile)
    found = dispatch_rule(
        rules, WorkingCalendar(), category="help", urgency=urgency, channel="phone", received_at=MON
    )
    assert found is not None and found.limit.immediately and article in found.limit.source
    assert "immediately" in found.limit.describe()
    due = dispatch_due(
        rules, WorkingCalendar(), category="help", urgency=urgency, channel="phone", received_at=MON
    )
    assert due is None


def test_a_zero_minute_dispatch_limit_is_refused_with_a_hint(tmp_path) -> None:
    """A 0-minute limit was the old encoding of 即时; the loader now points to immediately."""
    text = Path(load_profile("guizhou").file).read_text(encoding="utf-8")
    source = text.replace("immediately = true", "minutes = 0", 1)
    (tmp_path / "guizhou.toml").write_text(source, encoding="utf-8")
    with pytest.raises(PolicyError, match="immediately = true"):
        load_profile("guizhou", tmp_path)


def test_guizhou_dispatch_two_hours_after_intake_is_measured_not_overdue(profile_hotline) -> None:
    """guizhou 第九条 即时派单: no dispatch_overdue; the 2 h delay is on ticket_dispatched."""
    h = profile_hotline("guizhou")
    number = h.new_ticket(category="complaint")["number"]
    move_clock(h, "2026-11-23 11:00")
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    assert events(h, number, "dispatch_overdue") == []
    [dispatched] = events(h, number, "ticket_dispatched")
    assert dispatched["data"]["dispatch_immediately"] is True
    assert dispatched["data"]["dispatch_delay_seconds"] == 2 * 3600
    assert dispatched["data"]["dispatch_delay_working_seconds"] == 2 * 3600


def test_guangyuan_ten_minute_dispatch_limit_still_records_overdue(hotline: Hotline) -> None:
    """guangyuan 第十三条(一) 10分钟内完成工单派发: a timed limit, breached at 09:10."""
    number = hotline.new_ticket()["number"]
    move_clock(hotline, "2026-11-23 09:20")
    assert len(events(hotline, number, "dispatch_overdue")) == 1
    hotline.center.complete(number, "triage", DISPATCH_ZJJ)
    [dispatched] = events(hotline, number, "ticket_dispatched")
    assert dispatched["data"]["dispatch_immediately"] is False
    assert dispatched["data"]["dispatch_delay_seconds"] == 20 * 60


# --- item 5: meizhou reports run from the unit's acceptance -------------------------------


def test_meizhou_report_limit_runs_from_acceptance_not_the_window_end(profile_hotline) -> None:
    """meizhou 第十一条(二)3: 1个工作日内作出是否受理的决定，受理后在30个工作日时限时办结.

    Until the unit accepts, the 30 working days are assumed to start at the end of its
    decision window (24:00 Tuesday); accepting on Monday 10:00 starts them a day earlier.
    """
    h = profile_hotline("meizhou")
    number = h.new_ticket(category="report")["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    assumed = h.ticket(number)["due_at"]
    move_clock(h, "2026-11-23 10:00")
    h.unit.complete(number, "acknowledge", {"contacted": True})
    ticket = h.ticket(number)
    rules = load_profile("meizhou")
    expected = WorkingCalendar().add_working_days(
        datetime.fromisoformat(at("2026-11-23 10:00")),
        int(rules.handling[2].limit.amount),
    )
    assert rules.handling[2].clock_start == "acceptance"
    assert datetime.fromisoformat(ticket["due_at"]) == expected.at
    assert local(ticket["due_at"]) < local(assumed)
    assert h.unit.task_for(number, "handle")["due_at"] == ticket["due_at"]
    accepted = [e for e in events(h, number, "deadlines_set") if "accepted_at" in e["data"]]
    assert accepted and any("from acceptance" in r for r in accepted[0]["data"]["rules"])


def test_meizhou_complaint_does_not_move_at_acknowledgement(profile_hotline) -> None:
    """meizhou 第十一条(二)2: a complaint runs 15 working days from receipt, whenever it is
    acknowledged."""
    h = profile_hotline("meizhou")
    number = h.new_ticket(category="complaint")["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    before = h.ticket(number)["due_at"]
    move_clock(h, "2026-11-23 15:00")
    h.unit.complete(number, "acknowledge", {"contacted": True})
    assert h.ticket(number)["due_at"] == before
