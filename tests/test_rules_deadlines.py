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
from tests.helpers.clock import at, local, move_clock
from tests.helpers.deadlines import MON
from tests.helpers.tickets import CONTACTED, DISPATCH_ZJJ, acknowledged, events

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


# --- item 6: the profile's approver decides who gets approve_extension --------------------

ASK = {"outcome": "extension", "extension_reason": "需现场鉴定检测", "requester_told": True}


def _extension_asked(h: Hotline, category: str = "complaint") -> str:
    number = h.new_ticket(category=category)["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    h.unit.complete(number, "acknowledge", {"contacted": True})
    h.unit.complete(number, "handle", ASK)
    return number


def _task_ids(caller, number: str) -> list[str]:
    return [t["key"] for t in caller.inbox() if t["ticket_number"] == number]


def test_meizhou_extension_is_approved_by_the_authority_not_the_center(profile_hotline) -> None:
    """meizhou 第十五条: 向市中心管理办或县（市、区）责任单位说明原因…申请延长 — the authority."""
    h = profile_hotline("meizhou")
    number = _extension_asked(h)
    assert "approve_extension" not in _task_ids(h.center, number)
    assert "approve_extension" in _task_ids(h.authority, number)
    task = h.authority.task_for(number, "approve_extension")
    forbidden = h.center.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"approved": True}}
    )
    assert forbidden.status_code == 403
    due = h.ticket(number)["due_at"]
    h.authority.complete(number, "approve_extension", {"approved": True, "comment": "同意"})
    ticket = h.ticket(number)
    assert ticket["extension_count"] == 1 and ticket["due_at"] > due
    [asked] = events(h, number, "extension_requested")
    assert asked["data"]["approver_group"] == "authority"


def test_guangyuan_extension_is_approved_by_the_center(hotline: Hotline) -> None:
    """guangyuan 第十三条(三): 由市12345热线中心审核办理延时."""
    number = _extension_asked(hotline)
    assert "approve_extension" in _task_ids(hotline.center, number)
    assert "approve_extension" not in _task_ids(hotline.authority, number)
    hotline.center.complete(number, "approve_extension", {"approved": True})
    assert hotline.ticket(number)["extension_count"] == 1


# --- item 9: tell_requester, in_writing, soft caps -----------------------------------------


def test_guangyuan_extension_needs_the_requester_told(hotline: Hotline) -> None:
    """guangyuan 第十三条(三): 承办部门同时要向诉求人说明延期情况 — recorded in the history."""
    number = acknowledged(hotline, CONTACTED)
    untold = {**ASK, "requester_told": False}
    response = hotline.unit.complete(number, "handle", untold, expect=422)
    assert "第十三条(三)" in response.json["error"]["fields"]["requester_told"][0]
    hotline.unit.complete(number, "handle", ASK)
    assert len(events(hotline, number, "requester_informed_of_extension")) == 1


def test_puyang_statutory_extension_needs_a_written_statement_and_the_law_length(
    profile_hotline,
) -> None:
    """puyang 附件 四(三)1: 因法律、法规、规章对办理时限规定超过五个工作日的，向市热线平台书面说明,
    可以延期办理 — a written statement; the platform (center) approves and states the length."""
    h = profile_hotline("puyang")
    number = acknowledged(h, CONTACTED)
    ask = {"outcome": "extension", "extension_reason": "法定时限", "extension_kind": "statutory"}
    response = h.unit.complete(number, "handle", ask, expect=422)
    assert "附件 四(三)1" in response.json["error"]["fields"]["extension_statement"][0]
    statement = "《信访工作条例》规定60日内办结，书面说明附后"
    h.unit.complete(number, "handle", {**ask, "extension_statement": statement})
    no_length = h.center.complete(number, "approve_extension", {"approved": True}, expect=422)
    assert "granted_length" in no_length.json["error"]["fields"]
    h.center.complete(number, "approve_extension", {"approved": True, "granted_length": 20})
    ticket = h.ticket(number)
    assert local(ticket["due_at"]) == "2026-12-22 00:00"  # 20 wd from Mon 23 Nov: Mon 21 Dec
    [asked] = events(h, number, "extension_requested")
    assert asked["data"]["extension_statement"] == statement


def test_puyang_leader_sign_off_goes_to_the_unit_itself(profile_hotline) -> None:
    """puyang 三(四): 呈报承办单位有关领导批办 — the unit's own leader signs off, in its account."""
    h = profile_hotline("puyang")
    number = acknowledged(h, CONTACTED)
    ask = {
        "outcome": "extension",
        "extension_reason": "难点问题",
        "extension_kind": "leader_sign_off",
    }
    h.unit.complete(number, "handle", ask)
    assert "approve_extension" in _task_ids(h.unit, number)
    assert "approve_extension" not in _task_ids(h.center, number)


def test_guangyuan_soft_caps_yield_only_to_the_centers_written_reason(hotline: Hotline) -> None:
    """guangyuan 第十三条(三): 原则上只能申请一次…一般不超过2个工作日 — the center, approving,
    may pass either cap with a written reason kept in the history; never without one."""
    number = _extension_asked(hotline)
    longer = {"approved": True, "granted_length": 3}
    refused = hotline.center.complete(number, "approve_extension", longer, expect=422)
    assert "2 working day" in refused.json["error"]["fields"]["override_reason"][0]
    reason = "需第三方检测机构出具报告，2个工作日不足"
    hotline.center.complete(number, "approve_extension", {**longer, "override_reason": reason})
    ticket = hotline.ticket(number)
    assert local(ticket["due_at"]) == "2026-12-02 00:00"  # Thu 26 24:00 + 3 wd: Tue 1 Dec
    [approved] = events(hotline, number, "extension_approved")
    assert approved["data"]["override_reason"] == reason
    assert approved["data"]["granted_length"] == 3


def test_an_absurd_granted_length_is_a_422_naming_the_field(hotline: Hotline) -> None:
    """guangyuan 第十三条(三) lets the center pass 一般不超过2个工作日 with a reason, but no
    article grants more than about a year: 10 million working days (a typo) was a 500, and a
    million moved the due date to the year 5859. Both are refused naming granted_length, with
    nothing written; the center then grants 3 working days."""
    number = _extension_asked(hotline)
    reason = {"approved": True, "override_reason": "需第三方检测"}
    for length in (10**7, 10**6, 251):
        refused = hotline.center.complete(
            number, "approve_extension", {**reason, "granted_length": length}, expect=422
        )
        assert "at most 250 working days" in refused.json["error"]["fields"]["granted_length"][0]
    assert events(hotline, number, "extension_approved") == []
    hotline.center.complete(number, "approve_extension", {**reason, "granted_length": 3})
    assert local(hotline.ticket(number)["due_at"]) == "2026-12-02 00:00"


def test_meizhou_rehandled_report_runs_30_working_days_from_the_rehandle(profile_hotline) -> None:
    """meizhou 第十一条(二)3 (受理后在30个工作日时限时办结) and 第十三条 (责成其重办): a rehandled
    report is already accepted and is not acknowledged again, so its 30 working days run from
    the rehandle (Tue 24 Nov 09:00 → 24:00 Tue 5 Jan), not from an assumed acceptance at the
    end of a new 1-working-day decision window (24:00 Wed 6 Jan)."""
    h = profile_hotline("meizhou")
    number = h.new_ticket(category="report")["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    h.unit.complete(number, "acknowledge", {"contacted": True})
    move_clock(h, "2026-11-24 09:00")
    done = {"outcome": "done", "basis": "规定", "findings": "属实", "reply": "已处理"}
    h.unit.complete(number, "handle", done)
    h.center.complete(number, "review", {"approved": True})
    h.center.complete(number, "callback", {"satisfaction": "unsatisfied", "reasonable": True})
    ticket = h.ticket(number)
    assert ticket["status"] == "handling"
    assert local(ticket["due_at"]) == "2027-01-06 00:00"
    assert h.unit.task_for(number, "handle")["due_at"] == ticket["due_at"]
    rules = events(h, number, "deadlines_set")[-1]["data"]["rules"]
    assert not any("assumed" in rule for rule in rules)


def test_dispatch_delay_after_an_objection_counts_from_the_objection(hotline: Hotline) -> None:
    """The dispatch delay statistics (issue 11 §1 item 4) count the center's own time: ZJJ
    objects on Tuesday 10:00 (派单异议), the center reassigns at 10:30 — a 30-minute delay,
    not the day since intake on Monday 09:00."""
    number = acknowledged(hotline, CONTACTED)
    move_clock(hotline, "2026-11-24 10:00")
    objection = {"outcome": "objection", "objection_reason": "该路段属利州区管辖，不属我局职责"}
    hotline.unit.complete(number, "handle", objection)
    move_clock(hotline, "2026-11-24 10:30")
    reassign = {"decision": "reassign", "unit": "LZQ", "comment": "经核实属利州区管辖"}
    hotline.center.complete(number, "coordinate_objection", reassign)
    again = events(hotline, number, "ticket_dispatched")[-1]
    assert again["data"]["unit"] == "LZQ"
    assert again["data"]["dispatch_delay_seconds"] == 30 * 60


def test_a_joint_dispatch_carries_its_dispatch_delay(hotline: Hotline) -> None:
    """guangyuan 第十二条(三) 牵办 is a dispatch too: its delay (intake 09:00 → 09:07) is on
    ticket_dispatched_jointly, like a single dispatch's on ticket_dispatched."""
    number = hotline.new_ticket()["number"]
    move_clock(hotline, "2026-11-23 09:07")
    joint = {"disposition": "joint", "lead_unit": "ZJJ", "units": "ZJJ,LZQ"}
    hotline.center.complete(number, "triage", joint)
    [dispatched] = events(hotline, number, "ticket_dispatched_jointly")
    assert dispatched["data"]["dispatch_delay_seconds"] == 7 * 60
    assert dispatched["data"]["dispatch_delay_working_seconds"] == 7 * 60
    assert dispatched["data"]["dispatch_immediately"] is False
