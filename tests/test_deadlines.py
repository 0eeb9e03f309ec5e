"""Deadlines per profile, each row of DOMAIN.md's time table, with concrete dates: guangyuan
(000), guizhou (001) and the rules all profiles share. guangxi, meizhou and puyang are in
test_deadlines_<profile>.py. Seeds: ../shared/seeds/.

Dates: the 2026 National Day holiday (1–7 October off, Saturday 10 October worked) and the
ordinary week of Monday 2026-11-23.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from hotline.calendar import WorkingCalendar
from hotline.deadlines import (
    callback_no_answer,
    remaining_working_time,
)
from hotline.extensions import extended_due, extension_check
from hotline.policy.model import Limit
from tests.helpers.deadlines import CAL, GY, GZ, WED, dispatch, due, returned, sh

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
