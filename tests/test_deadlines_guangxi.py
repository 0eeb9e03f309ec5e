"""Deadlines of the guangxi profile (002_74be2da07faa6da0.txt), each row of DOMAIN.md's time table.

Dates: the 2026 National Day holiday (1–7 October off, Saturday 10 October worked) and the
ordinary week of Monday 2026-11-23.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from hotline.deadlines import (
    callback_no_answer,
)
from hotline.extensions import extended_due, extension_check, extension_grant
from hotline.policy.model import Limit
from tests.helpers.deadlines import CAL, GX, dispatch, due, returned, sh

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
