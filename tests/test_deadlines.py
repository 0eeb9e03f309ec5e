"""Deadlines per profile, each row of DOMAIN.md's time table, with concrete dates.

Dates: the 2026 National Day holiday (1–7 October off, Saturday 10 October worked) and the
ordinary week of Monday 2026-11-23. Seeds: 000 guangyuan, 001 guizhou, 002 guangxi,
003 meizhou, 004 puyang (../shared/seeds/).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from hotline.calendar import WorkingCalendar
from hotline.clock import SHANGHAI
from hotline.deadlines import (
    TicketDeadlines,
    callback_no_answer,
    compute_deadlines,
    dispatch_due,
    remaining_working_time,
)
from hotline.extensions import extended_due, extension_check, extension_grant
from hotline.policy import load_profile
from hotline.policy.model import Limit, Profile
from hotline.returns import return_due

CAL = WorkingCalendar()
NAMES = ("guangyuan", "guizhou", "guangxi", "meizhou", "puyang")
GY, GZ, GX, MZ, PY = (load_profile(n) for n in NAMES)


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An instant in Shanghai time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


WED = sh(2026, 9, 30, 10)  # the last working day before National Day
MON = sh(2026, 11, 23, 9)  # an ordinary week


def due(
    profile: Profile,
    category: str,
    urgency: str = "normal",
    channel: str = "phone",
    at: datetime = WED,
    cal: WorkingCalendar = CAL,
    **kw: object,
) -> TicketDeadlines:
    """compute_deadlines, by default with the official calendar."""
    return compute_deadlines(
        profile, cal, category=category, urgency=urgency, channel=channel, dispatched_at=at, **kw
    )


def dispatch(profile: Profile, category: str, urgency: str = "normal") -> datetime | None:
    """When the center must dispatch a ticket taken in on WED 10:00."""
    found = dispatch_due(
        profile, CAL, category=category, urgency=urgency, channel="phone", received_at=WED
    )
    return None if found is None else found.at


def returned(profile: Profile, urgency: str = "normal", acked: datetime | None = None) -> tuple:
    """return_due of a help ticket dispatched on WED 10:00 (acknowledged at `acked`)."""
    return return_due(profile, CAL, category="help", urgency=urgency, channel="phone",
                      dispatched_at=WED, acknowledged_at=acked)  # fmt: skip


# --- guangyuan (000) -------------------------------------------------------------------


def test_guangyuan_center_dispatches_in_10_min_unit_acknowledges_in_30_min() -> None:
    """000 第十三条(一): dispatch within 10 minutes, 签收 and contact within 30 minutes."""
    assert dispatch(GY, "complaint") == sh(2026, 9, 30, 10, 10)
    assert due(GY, "complaint").acknowledge_due_at == sh(2026, 9, 30, 10, 30)


def test_guangyuan_consultation_1_hour_round_the_clock_even_into_the_holiday() -> None:
    """000 第十三条(二): 咨询类 1 hour; at 23:30 on 30 Sep it ends 00:30 on 1 Oct."""
    assert due(GY, "consultation").due_at == sh(2026, 9, 30, 11)
    late = due(GY, "consultation", at=sh(2026, 9, 30, 23, 30))
    assert late.due_at == sh(2026, 10, 1, 0, 30) and not late.provisional


def test_guangyuan_help_and_suggestion_1_working_day_across_national_day() -> None:
    """000 第十三条(二): 求助、意见、建议 1 working day: 24:00 on Thursday 8 October."""
    assert due(GY, "help").due_at == sh(2026, 10, 9)
    assert due(GY, "suggestion").due_at == sh(2026, 10, 9)


def test_guangyuan_complaint_3_working_days_ends_on_the_make_up_saturday() -> None:
    """000 第十三条(二): 投诉、举报 3 working days: 8, 9 and Saturday 10 October, 24:00."""
    deadlines = due(GY, "complaint")
    assert deadlines.due_at == sh(2026, 10, 11)
    assert deadlines.provisional is False
    assert any("第十三条(二)" in rule and "3 working day" in rule for rule in deadlines.rules)


def test_guangyuan_report_3_working_days_in_an_ordinary_week() -> None:
    """000 第十三条(二): a report on Friday 27 Nov 15:00 is due 24:00 Wednesday 2 December."""
    assert due(GY, "report", at=sh(2026, 11, 27, 15)).due_at == sh(2026, 12, 3)


def test_guangyuan_epidemic_4_hours_and_the_shortest_limit_is_kept() -> None:
    """000 第十三条(二): 疫情类 4 hours; an epidemic consultation keeps its 1 hour."""
    assert due(GY, "complaint", "epidemic").due_at == sh(2026, 9, 30, 14)
    assert due(GY, "consultation", "epidemic").due_at == sh(2026, 9, 30, 11)


def test_guangyuan_special_and_urgent_fast_lane() -> None:
    """000 第十三条(四): center phones within 3 min; first reply 1 h; progress in 1 working day."""
    assert dispatch(GY, "help", "urgent") == sh(2026, 9, 30, 10, 3)
    for urgency in ("special", "urgent"):
        deadlines = due(GY, "complaint", urgency)
        assert dict(deadlines.milestones) == {
            "first_reply": sh(2026, 9, 30, 11),
            "progress_report": sh(2026, 10, 9),
        }
        assert deadlines.due_at == sh(2026, 10, 11)  # the category's limit still applies


def test_guangyuan_upper_platform_due_3_hours_before_the_upper_deadline() -> None:
    """000 第十三条(二): 国家、省平台工单 close 3 h before their limit, if that is earlier."""
    upper = due(GY, "complaint", channel="upper_platform", upper_deadline=sh(2026, 10, 9, 12))
    assert upper.due_at == sh(2026, 10, 9, 9)
    assert any("upper platform: 3 h" in rule for rule in upper.rules)
    later = due(GY, "complaint", channel="upper_platform", upper_deadline=sh(2026, 10, 20, 12))
    assert later.due_at == sh(2026, 10, 11)  # the local limit is earlier


def test_guangyuan_return_within_30_minutes_of_acknowledging_late_counts_as_overdue() -> None:
    """000 第十三条(二): 签收后30分钟内退回 with reason, basis, suggestion; 超期退回视为超期办件."""
    found = returned(GY, acked=sh(2026, 9, 30, 10, 20))
    assert found is not None
    deadline, window = found
    assert deadline.at == sh(2026, 9, 30, 10, 50)
    assert window.late_counts_as == "overdue"
    assert window.requires == ("reason", "basis", "suggested_unit")


def test_guangyuan_reminder_24_hours_before_due_at_most_half_the_limit() -> None:
    """Default lead (not in 000): 24 h before a 3-day limit, 30 min before a 1-hour one."""
    assert due(GY, "complaint").remind_at == sh(2026, 10, 10)
    assert due(GY, "consultation").remind_at == sh(2026, 9, 30, 10, 30)


def test_guangyuan_extension_complaint_2_hours_before_due_once_2_working_days() -> None:
    """000 第十三条(三): complaints/reports, ask ≥ 2 h before due, once in principle, ≤ 2 wd."""
    limit = sh(2026, 10, 11)  # 24:00 on Saturday 10 October
    ask = {"category": "complaint", "due_at": limit, "extensions_so_far": 0}
    assert extension_check(GY, CAL, now=sh(2026, 10, 10, 22), **ask) is None
    too_late = extension_check(GY, CAL, now=sh(2026, 10, 10, 22, 1), **ask)
    assert too_late and "at least 2 h before due" in too_late and "第十三条(三)" in too_late
    wrong = extension_check(
        GY, CAL, category="consultation", due_at=limit, now=sh(2026, 10, 9), extensions_so_far=0
    )
    assert wrong and "complaint, report only" in wrong and "第十三条(三)" in wrong
    twice = {**ask, "extensions_so_far": 1}
    second = extension_check(GY, CAL, now=sh(2026, 10, 9), **twice)
    assert second and "in principle at most 1" in second
    overridden = extension_check(GY, CAL, now=sh(2026, 10, 9), override_reason="取证", **twice)
    assert overridden is None  # a soft cap (原则上) yields to a recorded reason
    assert extended_due(GY, CAL, due_at=limit).at == sh(2026, 10, 14)  # + Mon 12, Tue 13


def test_guangyuan_no_callback_answer_counts_as_basically_satisfied() -> None:
    """000 第十四条(一): 未作出评价的视为基本满意; the 24 h window is a marked default."""
    rule = callback_no_answer(GY, callback_started=sh(2026, 10, 12, 9))
    assert rule == (sh(2026, 10, 13, 9), "basically_satisfied")
    assert GY.callback.no_answer_window and GY.callback.no_answer_window.default_not_from_regulation


# --- guangxi (002) ---------------------------------------------------------------------


def test_guangxi_center_dispatches_within_24_hours_emergencies_at_once() -> None:
    """002 第二十五条(二): 24小时内转派; 突发类 phone the unit at once."""
    assert dispatch(GX, "complaint") == sh(2026, 10, 1, 10)
    assert dispatch(GX, "complaint", "urgent") is None  # 第一时间: immediately, no timer


def test_guangxi_clock_starts_the_next_working_day_which_is_day_1() -> None:
    """002 第二十六条(二): counted from the working day after dispatch (8 October = day 1).

    A consultation's 2 working days are 8 and 9 October, so it is due 24:00 on 9 October.
    """
    deadlines = due(GX, "consultation")
    assert deadlines.clock_started_at == sh(2026, 10, 8)
    assert deadlines.due_at == sh(2026, 10, 10)
    assert any("from next working day 2026-10-08 00:00" in rule for rule in deadlines.rules)
    # Dispatched on a holiday: still 8 and 9 October. On Friday 9 Oct: Sat 10 and Mon 12.
    assert due(GX, "consultation", at=sh(2026, 10, 3, 15)).due_at == sh(2026, 10, 10)
    assert due(GX, "consultation", at=sh(2026, 10, 9, 17)).due_at == sh(2026, 10, 13)


@pytest.mark.parametrize(
    ("category", "item", "expected"),
    [
        ("help", "2", sh(2026, 10, 11)),  # 3 wd: 8, 9, 10
        ("suggestion", "3", sh(2026, 10, 14)),  # 5 wd: … 12, 13
        ("complaint", "4", sh(2026, 10, 21)),  # 10 wd: … 19, 20
        ("report", "5", sh(2026, 10, 21)),
    ],
)
def test_guangxi_category_limits_across_national_day(
    category: str, item: str, expected: datetime
) -> None:
    """002 第二十六条(二)2-5: help 3, suggestion 5, complaint and report 10 working days."""
    deadlines = due(GX, category)
    assert deadlines.due_at == expected
    assert deadlines.acknowledge_due_at is None  # only 突发 tickets have an acknowledge limit
    assert any(f"第二十六条(二){item}" in rule for rule in deadlines.rules)


def test_guangxi_mailbox_3_working_days_replaces_the_category_limit() -> None:
    """002 第二十六条(二)6: 主席信箱 tickets 3 working days, a complaint's and a consultation's."""
    assert due(GX, "complaint", channel="mailbox").due_at == sh(2026, 10, 11)
    assert due(GX, "consultation", channel="mailbox").due_at == sh(2026, 10, 11)


@pytest.mark.parametrize("urgency", ["special", "urgent", "epidemic"])
def test_guangxi_emergency_ack_30_min_close_24_hours_from_the_next_working_day(
    urgency: str,
) -> None:
    """002 第二十六条(二)7: 突发类 签收 within 30 minutes, closed within 24 h; (二) counts every
    办结 limit, item 7's too, 自派单的下一工作日起: from 00:00 on 8 October after National Day.
    (The 30-minute 签收 is not a 办结 limit: it runs from dispatch.)"""
    deadlines = due(GX, "complaint", urgency, channel="mailbox")
    assert deadlines.acknowledge_due_at == sh(2026, 9, 30, 10, 30)
    assert deadlines.due_at == sh(2026, 10, 9)
    assert deadlines.clock_started_at == sh(2026, 10, 8)
    assert deadlines.remind_at == sh(2026, 10, 8, 12)  # half of 24 h


def test_guangxi_a_limit_set_by_law_prevails_even_when_longer() -> None:
    """002 第二十六条(二)8: 法律法规…有特别规定的，从其规定 — 15 wd replaces 10 wd."""
    law = Limit(15, "working_days", "《某法》第十条")
    assert due(GX, "complaint", statutory_limit=law).due_at == sh(2026, 10, 28)


def test_guangxi_extension_at_most_the_original_limit_in_all() -> None:
    """002 第二十六条(二)9: ask before due; all extensions ≤ 1× the original limit (10 wd →
    +10 wd) in principle. The article sets no count: a second request may be asked, but
    granting it passes the cap and needs the center's written reason."""
    limit = sh(2026, 10, 21)
    ask = {"category": "complaint", "due_at": limit}
    assert extension_check(GX, CAL, now=sh(2026, 10, 20, 23), extensions_so_far=0, **ask) is None
    assert extension_check(GX, CAL, now=limit, extensions_so_far=0, **ask)
    assert extension_check(GX, CAL, now=sh(2026, 10, 20), extensions_so_far=1, **ask) is None
    grant = {"kind": None, "category": "complaint", "urgency": "normal", "channel": "phone"}
    _, errors = extension_grant(
        GX, granted=None, extensions_so_far=1, override_reason=None, **grant
    )
    assert "第二十六条(二)9" in errors["override_reason"][0]
    assert (
        extension_grant(GX, granted=None, extensions_so_far=1, override_reason="鉴定", **grant)[1]
        == {}
    )
    assert extended_due(GX, CAL, due_at=limit, category="complaint").at == sh(2026, 11, 4)
    with pytest.raises(ValueError, match="pass category"):
        extended_due(GX, CAL, due_at=limit)


def test_guangxi_returns_1_working_day_after_ack_emergencies_30_minutes() -> None:
    """002 第二十六条(三): 签收后1个工作日内退单, 突发类 30 minutes."""
    normal = returned(GX, acked=sh(2026, 9, 30, 11))
    urgent = returned(GX, "urgent", acked=sh(2026, 9, 30, 10, 5))
    assert normal and normal[0].at == sh(2026, 10, 9)
    assert urgent and urgent[0].at == sh(2026, 9, 30, 10, 35)


def test_guangxi_no_answer_in_24_hours_counts_as_satisfied() -> None:
    """002 第二十七条(二): 如诉求人24小时内未回复，则默认为满意."""
    rule = callback_no_answer(GX, callback_started=sh(2026, 10, 9, 16))
    assert rule == (sh(2026, 10, 10, 16), "satisfied")


# --- meizhou (003) ---------------------------------------------------------------------


def test_meizhou_contact_within_1_working_day_none_for_consultations() -> None:
    """003 第十一条(二)2、4、5: complaint, appeal, help: contact within 1 working day."""
    for category in ("complaint", "appeal", "help", "suggestion"):
        assert due(MZ, category).acknowledge_due_at == sh(2026, 10, 9), category
    assert due(MZ, "consultation").acknowledge_due_at is None


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("consultation", sh(2026, 10, 11)),  # 3 wd
        ("complaint", sh(2026, 10, 28)),  # 15 wd
        ("help", sh(2026, 10, 28)),
        ("suggestion", sh(2026, 10, 28)),
        ("appeal", sh(2026, 11, 18)),  # 30 wd
    ],
)
def test_meizhou_limits_from_receipt(category: str, expected: datetime) -> None:
    """003 第十一条(二)1-5: consultation 3, complaint/help 15, appeal 30 working days."""
    assert due(MZ, category).due_at == expected


def test_meizhou_report_decided_in_1_working_day_then_30_after_acceptance() -> None:
    """003 第十一条(二)3: decide acceptance in 1 wd; 30 wd from acceptance."""
    assumed = due(MZ, "report")
    assert assumed.acknowledge_due_at == sh(2026, 10, 9)
    assert assumed.due_at == sh(2026, 11, 19)  # accepted at the end of 8 October at the latest
    assert any("acceptance assumed" in rule for rule in assumed.rules)
    accepted = due(MZ, "report", accepted_at=sh(2026, 10, 9, 9))
    assert accepted.due_at == sh(2026, 11, 20)


def test_meizhou_shortest_limit_wins() -> None:
    """003 第十一条: 办理时限另有规定的，按最短的时限办理."""
    shorter = Limit(10, "working_days", "《某法》第八条")
    longer = Limit(20, "working_days", "《某法》第九条")
    assert due(MZ, "complaint", statutory_limit=shorter).due_at == sh(2026, 10, 21)
    assert due(MZ, "complaint", statutory_limit=longer).due_at == sh(2026, 10, 28)


def test_meizhou_emergencies_have_no_fast_lane() -> None:
    """003 第九条: emergencies go to 110/120/119; an urgent complaint keeps 15 working days."""
    assert due(MZ, "complaint", "urgent").due_at == sh(2026, 10, 28)


def test_meizhou_return_in_2_working_days_and_redispatch_restarts_the_clock() -> None:
    """003 第十六条: 收到交办工单2个工作日内退回; the new dispatch 重新计算办理时限."""
    found = returned(MZ)
    assert found and found[0].at == sh(2026, 10, 10)
    assert MZ.redispatch.restarts_clock and not MZ.redispatch.origin.default_not_from_regulation
    assert due(MZ, "complaint", at=sh(2026, 10, 9, 15)).due_at == sh(2026, 10, 30)


def test_meizhou_extension_for_complex_complaints_reports_appeals_no_cap() -> None:
    """003 第十五条: complaint/report/appeal; ask 市中心管理办; no cap on the count."""
    ask = {"due_at": sh(2026, 10, 28), "now": sh(2026, 10, 20), "extensions_so_far": 3}
    assert extension_check(MZ, CAL, category="appeal", **ask) is None
    refused = extension_check(MZ, CAL, category="consultation", **ask)
    assert refused and "第十五条" in refused
    assert MZ.extensions.kinds[0].approver == "authority"
    extended = extended_due(MZ, CAL, due_at=sh(2026, 10, 28), category="complaint")
    assert extended.at == sh(2026, 11, 18)  # + 15 wd: 28 Oct … 17 Nov
    assert callback_no_answer(MZ, callback_started=WED) is None


# --- puyang (004) ----------------------------------------------------------------------


def test_puyang_dispatch_in_1_working_day_emergencies_at_once() -> None:
    """004 三(三): 一个工作日内转办; 三(四): 应急类 立即转办."""
    assert dispatch(PY, "complaint") == sh(2026, 10, 9)
    assert dispatch(PY, "consultation") is None
    assert dispatch(PY, "complaint", "urgent") is None  # 立即转办: immediately, no timer


@pytest.mark.parametrize("category", ["consultation", "help", "complaint", "report", "praise"])
def test_puyang_every_category_5_working_days(category: str) -> None:
    """004 三(四), 附件 四(三)1: 5 working days; 8, 9, 10, 12, 13 October."""
    deadlines = due(PY, category)
    assert deadlines.due_at == sh(2026, 10, 14)
    assert deadlines.acknowledge_due_at is None


def test_puyang_emergencies_close_in_8_hours() -> None:
    """004 附件 四(三)1: 应急类事项 8小时内办结."""
    assert due(PY, "complaint", "urgent").due_at == sh(2026, 9, 30, 18)


def test_puyang_rehandle_5_working_days_in_an_ordinary_week() -> None:
    """004 三(六): 退回承办单位重新办理，办理期限为5个工作日 (Mon 23 Nov → 24:00 Mon 30 Nov)."""
    deadlines = due(PY, "complaint", at=MON, rehandle=True)
    assert deadlines.due_at == sh(2026, 12, 1)
    assert any(rule.startswith("rehandle: 5 working day") for rule in deadlines.rules)


def test_puyang_leader_sign_off_10_working_days_and_statutory_extension() -> None:
    """004 三(四): 领导批办 10 wd from dispatch; 附件 四(三)1: a law's longer limit, in writing."""
    five = due(PY, "complaint").due_at
    sign_off = extended_due(PY, CAL, kind="leader_sign_off", due_at=five, dispatched_at=WED)
    assert sign_off.at == sh(2026, 10, 21)
    law = Limit(15, "working_days", "《某法》第十二条")
    statutory = extended_due(PY, CAL, kind="statutory", due_at=five, dispatched_at=WED, length=law)
    assert statutory.at == sh(2026, 10, 28)
    assert PY.extension_kind("statutory").in_writing  # type: ignore[union-attr]


def test_puyang_returns_within_2_working_days_late_is_warned() -> None:
    """004 附件 四(三)2: 两个工作日内退回 with reason, leader opinion, suggestion, phone; 三(五)."""
    found = returned(PY)
    assert found is not None
    assert found[0].at == sh(2026, 10, 10)
    assert found[1].late_counts_as == "warning"
    assert found[1].requires == ("reason", "suggested_unit", "leader_opinion", "phone")


# --- guizhou (001) ---------------------------------------------------------------------


def test_guizhou_acknowledge_1_working_day_and_dispatch_at_once() -> None:
    """001 第十五条: 自收到诉求工单之日起1个工作日内签收; 第九条: 即时派单."""
    assert due(GZ, "complaint").acknowledge_due_at == sh(2026, 10, 9)
    assert dispatch(GZ, "complaint") is None  # 即时派单: immediately, no timer


def test_guizhou_handling_defaults_are_marked_and_law_replaces_them() -> None:
    """001 第十五条 defers to law: shipped defaults say so; a statutory limit replaces them."""
    deadlines = due(GZ, "complaint")
    assert deadlines.due_at == sh(2026, 10, 21)
    assert any("(default, not from the regulation)" in rule for rule in deadlines.rules)
    law = Limit(60, "working_days", "《信访工作条例》")
    assert due(GZ, "complaint", statutory_limit=law).due_at > sh(2026, 12, 1)


def test_guizhou_has_no_extension_return_window_or_no_answer_rule() -> None:
    """001 第十五条: no extension of its own; 第十三条: objections, not returns."""
    ask = {"due_at": sh(2026, 10, 21), "now": sh(2026, 10, 12), "extensions_so_far": 0}
    refused = extension_check(GZ, CAL, category="complaint", **ask)
    assert refused and "provides no extension" in refused and "第十五条" in refused
    assert returned(GZ) is None
    assert callback_no_answer(GZ, callback_started=WED) is None


# --- across profiles -------------------------------------------------------------------


def test_a_deadline_in_2027_is_provisional_until_the_year_is_loaded() -> None:
    """Unknown 2027 falls back to Monday–Friday; with 2027 overrides it is final."""
    before = due(GY, "complaint", at=sh(2026, 12, 31, 10))
    assert (before.due_at, before.provisional) == (sh(2027, 1, 6), True)
    loaded = WorkingCalendar({date(2027, 1, 1): False})
    after = due(GY, "complaint", at=sh(2026, 12, 31, 10), cal=loaded)
    assert (after.due_at, after.provisional) == (sh(2027, 1, 7), False)
    # Hour limits never depend on the calendar.
    assert not due(GY, "consultation", at=sh(2027, 3, 1, 9)).provisional


def test_remaining_working_time_counts_working_days_only() -> None:
    """A complaint due 24:00 10 Oct has 6 + 72 working hours left at 18:00 on 30 Sep."""
    limit = sh(2026, 10, 11)
    assert remaining_working_time(CAL, sh(2026, 9, 30, 18), limit) == timedelta(hours=78)
    assert remaining_working_time(CAL, sh(2026, 10, 12, 10), limit) == timedelta(hours=-10)


def test_unknown_attributes_and_naive_times_are_refused() -> None:
    """Inputs are checked, not guessed."""
    with pytest.raises(ValueError, match="unknown category"):
        due(GY, "complaints")
    with pytest.raises(ValueError, match="unknown channel"):
        due(GY, "complaint", channel="fax")
    with pytest.raises(ValueError, match="naive"):
        due(GY, "complaint", at=datetime(2026, 9, 30, 10))
