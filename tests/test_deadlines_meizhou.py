"""Deadlines of the meizhou profile (003_de7e966f0e71df8b.txt), each row of DOMAIN.md's time table.

Dates: the 2026 National Day holiday (1–7 October off, Saturday 10 October worked) and the
ordinary week of Monday 2026-11-23.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from hotline.deadlines import (
    callback_no_answer,
)
from hotline.extensions import extended_due, extension_check
from hotline.policy.model import Limit
from tests.helpers.deadlines import CAL, MZ, WED, due, returned, sh

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
