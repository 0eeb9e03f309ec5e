"""Deadlines of the puyang profile (004_b7797ffbb60d21c4.txt), each row of DOMAIN.md's time table.

Dates: the 2026 National Day holiday (1–7 October off, Saturday 10 October worked) and the
ordinary week of Monday 2026-11-23.
"""

from __future__ import annotations

import pytest

from hotline.extensions import extended_due
from hotline.policy.model import Limit
from tests.helpers.deadlines import CAL, MON, PY, WED, dispatch, due, returned, sh

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
