"""The [assessment] schemes of the profiles: read strictly, each item with its article, and the
rule functions (hotline.policy.assessment) answering as the articles say."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hotline.policy import PROFILES_DIR, PolicyError, load_profile, shipped_profile
from hotline.policy.assessment import (
    bonus_points,
    cycle_of,
    finding_counts,
    item_points,
    period_of,
    rate_points,
)
from tests.helpers.profiles import PROFILES

PUYANG = shipped_profile("puyang").assessment


def test_puyang_is_the_attachment_item_by_item() -> None:
    """附件 四: 20 + 10 + 10 + 20 + 20 + 20 = 100; each item cites its paragraph."""
    items = {i.name: (i.points, i.measure, i.per, i.origin.source.split(" ", 1)[1]) for i in
             PUYANG.items}  # fmt: skip
    assert items == {
        "knowledge": (20.0, "policy_days_late", 1.0, "附件 四(一)"),
        "phone": (10.0, "failed_call_tests", 1.0, "附件 四(二)"),
        "on_time": (10.0, "overdue_tickets", 1.0, "附件 四(三)1"),
        "closure_rate": (20.0, "closure_rate", 0.0, "附件 四(三)2"),
        "callback": (20.0, "callback_findings", 1.0, "附件 四(三)3"),
        "satisfaction": (20.0, "unsatisfied_callbacks", 1.0, "附件 四(四)"),
    }
    assert not any(i.origin.default_not_from_regulation for i in PUYANG.items)
    assert [(b.times, b.points, b.interpretation) for b in PUYANG.bonuses] == [
        (2.0, 3.0, True),
        (3.0, 5.0, True),
    ]
    assert PUYANG.duty is not None and PUYANG.duty.points == 10.0
    assert PUYANG.summons is not None and (PUYANG.summons.bottom, PUYANG.summons.months) == (3, 3)


def test_every_profile_scores_out_of_its_full_marks_with_sources() -> None:
    """The others' items are what their articles name, marked as defaults for the yearly rules."""
    for name in PROFILES:
        scheme = shipped_profile(name).assessment
        assert scheme.full_marks == 100.0 and scheme.items, name
        assert sum(i.points for i in scheme.items) == 100.0, name
        if name != "puyang":
            assert all(i.origin.default_not_from_regulation for i in scheme.items), name
    meizhou = shipped_profile("meizhou").assessment
    assert [i.measure for i in meizhou.items] == ["late_acknowledgements", "overdue_tickets"]
    assert meizhou.period.publication == "quarter"  # 第十二条(三), from [bulletins]
    guangxi = shipped_profile("guangxi").assessment
    assert (guangxi.period.cycle_start_month, guangxi.period.counts_in) == (12, "closing_period")
    assert not guangxi.period.origin.default_not_from_regulation  # 第三十条 says both


def test_item_points_rate_and_zero_thresholds() -> None:
    """四(二): 月超过10次 scores 0 (11 tests); 四(三)1: 10件以上 scores 0; never below 0."""
    phone = PUYANG.item("phone")
    on_time = PUYANG.item("on_time")
    assert phone is not None and on_time is not None
    assert item_points(phone, 3, 3) == 7.0 and item_points(phone, 11, 11) == 0.0
    assert item_points(on_time, 9, 9) == 1.0 and item_points(on_time, 10, 10) == 0.0
    knowledge = PUYANG.item("knowledge")
    assert knowledge is not None and item_points(knowledge, 26, 2) == 0.0
    rate = PUYANG.item("closure_rate")
    assert rate is not None
    assert rate_points(rate, 0.9) == 18.0 and rate_points(rate, None) == 20.0


def test_bonus_reads_more_than_the_average_by_100_and_200_percent() -> None:
    """附件 五, our reading: more than 2× the average → +3, more than 3× → +5 (not both)."""
    assert bonus_points(PUYANG, 20, 10.0) == 0.0  # exactly twice: not more than
    assert bonus_points(PUYANG, 21, 10.0) == 3.0
    assert bonus_points(PUYANG, 31, 10.0) == 5.0
    assert bonus_points(PUYANG, 5, 0.0) == 0.0


def test_confidential_callers_are_excepted_from_not_reported_only() -> None:
    """附件 四(三)3: 未及时将办理结果反馈给来电人（保密电话除外）."""
    callback = PUYANG.item("callback")
    assert callback is not None
    assert not finding_counts(callback, "not_reported", confidential=True)
    assert finding_counts(callback, "not_reported", confidential=False)
    assert finding_counts(callback, "fake", confidential=True)


def test_periods_and_cycles() -> None:
    """guangxi 第三十条: cycle 12-01 – 11-30, monthly; meizhou 第十二条(三): quarters."""
    guangxi = shipped_profile("guangxi").assessment
    assert period_of(guangxi, date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert cycle_of(guangxi, date(2026, 1, 5)) == (date(2025, 12, 1), date(2026, 11, 30))
    meizhou = shipped_profile("meizhou").assessment
    assert period_of(meizhou, date(2026, 11, 23)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period_of(meizhou, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert cycle_of(PUYANG, date(2026, 7, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


BROKEN = [
    (
        'measure = "failed_call_tests"',
        'measure = "dropped_calls"',
        "item[1].measure",
        "unknown value",
    ),
    ("per = 1\nzero_at = 11", "zero_at = 11", "item[1].per", "missing required key"),
    (
        'points = 10\nmeasure = "failed_call_tests"',
        'points = 12\nmeasure = "failed_call_tests"',
        "assessment.item",
        "add up to 102.0, not 100",
    ),
    ("max_per_ticket = 3", "max_per_ticket = 0", "max_per_ticket", "a positive cap"),
    ("interpretation = true\nsource", "interpretation = yes\nsource", "(syntax)", ""),
    ("cycle_start_month = 1", "cycle_start_month = 13", "cycle_start_month", "1–12"),
    ("bottom = 3", "bottom = 3\nweeks = 2", "summons.weeks", "unknown key"),
]


@pytest.mark.parametrize(("old", "new", "key", "problem"), BROKEN)
def test_a_malformed_scheme_names_file_key_and_problem(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    text = (PROFILES_DIR / "puyang.toml").read_text(encoding="utf-8")
    head, tail = text.split("[assessment]", 1)
    assert old in tail, old
    (tmp_path / "puyang.toml").write_text(head + "[assessment]" + tail.replace(old, new, 1))
    with pytest.raises(PolicyError) as caught:
        load_profile("puyang", tmp_path)
    assert key in caught.value.key and problem in caught.value.problem, str(caught.value)
