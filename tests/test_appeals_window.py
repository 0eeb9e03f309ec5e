"""The appeal window of each profile ([appeals], `hotline.policy.appeals.appeal_window`).

guangxi 第三十二条 (002_74be2da07faa6da0.txt): 成员单位…对每日工单数据、考核数据有异议的，应及时
提出申诉。当年考核周期结束后 7 个工作日内仍可申诉，超期不再受理; the cycle is 第三十条's
上年度12月1日至当年度11月30日. The others give no limit: 7 working days after their cycle
(puyang: the month, 附件 二 日考核与月通报; meizhou: the quarter, 第十二条(三); guangyuan and
guizhou: the year), marked default_not_from_regulation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hotline.calendar import WorkingCalendar
from hotline.policy import PolicyError, load_profile
from hotline.policy.appeals import DEFAULT_APPEALS, appeal_window, appeals_of
from tests.helpers.clock import local
from tests.helpers.profiles import PROFILES, SEEDS

CALENDAR = WorkingCalendar()  # the official calendar: 2026 National Day and New Year holidays
PROFILES_DIR = Path(__file__).resolve().parent.parent / "hotline" / "policy" / "profiles"


def window(profile: str, day: date) -> tuple[date, date, str, bool]:
    found = appeal_window(load_profile(profile), CALENDAR, day)
    return found.cycle_start, found.cycle_end, local(found.closes_at.isoformat()), found.default


def test_guangxi_cycle_runs_december_to_november_then_7_working_days() -> None:
    """第三十条 cycle, 第三十二条 limit from the article, not a default."""
    assert window("guangxi", date(2026, 3, 16)) == (
        date(2025, 12, 1),
        date(2026, 11, 30),
        "2026-12-10 00:00",  # 24:00 Wed 9 Dec: Tue 1 … Fri 4, Mon 7, Tue 8, Wed 9
        False,
    )
    # 1 December starts the next cycle; 30 November still belongs to the old one.
    assert window("guangxi", date(2026, 12, 1))[:2] == (date(2026, 12, 1), date(2027, 11, 30))
    assert window("guangxi", date(2025, 11, 30))[2] == "2025-12-10 00:00"
    rules = load_profile("guangxi").appeals
    assert rules.cycle == "year"  # the yearly cycle of [assessment.period]
    assert rules.after_cycle.source == f"{SEEDS['guangxi']} 第三十二条"
    assert not rules.after_cycle.default_not_from_regulation


def test_puyang_appeals_a_month_and_skips_the_holidays_after_it() -> None:
    """附件 二 月通报: the bulletin's month; 六(四) gives no limit: 7 working days, a default.
    September 2026 is followed by the National Day week (1–7 October, 8 October works)."""
    start, end, closes, default = window("puyang", date(2026, 9, 15))
    assert (start, end, default) == (date(2026, 9, 1), date(2026, 9, 30), True)
    assert closes == "2026-10-16 00:00"  # 8, 9, 10 (调休 Sat), 12–15 October: the 7th is the 15th


@pytest.mark.parametrize(
    ("profile", "day", "cycle"),
    [
        ("meizhou", date(2026, 5, 20), (date(2026, 4, 1), date(2026, 6, 30))),
        ("guangyuan", date(2026, 5, 20), (date(2026, 1, 1), date(2026, 12, 31))),
        ("guizhou", date(2026, 5, 20), (date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_the_others_use_their_own_cycle_and_a_marked_default_limit(
    profile: str, day: date, cycle: tuple[date, date]
) -> None:
    start, end, _closes, default = window(profile, day)
    assert (start, end) == cycle and default
    rules = load_profile(profile).appeals
    assert rules.after_cycle.note and rules.after_cycle.source.startswith(SEEDS[profile])


@pytest.mark.parametrize("name", PROFILES)
def test_every_shipped_profile_states_its_appeal_rules(name: str) -> None:
    """Each profile has an [appeals] table citing its own regulation (none uses the built-in
    default), with 7 working days after the cycle."""
    rules = appeals_of(load_profile(name))
    assert rules is not DEFAULT_APPEALS
    assert rules.origin.source.startswith(SEEDS[name])
    assert (rules.after_cycle.amount, rules.after_cycle.unit) == (7, "working_days")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('[appeals]\ncycle = "year"', '[appeals]\ncycle = "week"', "unknown value 'week'"),
        ('[appeals]\ncycle = "year"\n', "[appeals]\n", "missing required key"),
        ("working_days = 7\nsource = \"002_74be2da07faa6da0.txt 第三十二条\"",
         "hours = 7\nsource = \"002_74be2da07faa6da0.txt 第三十二条\"", "not allowed here"),
    ],
)  # fmt: skip
def test_a_broken_appeals_table_names_the_key(tmp_path: Path, old: str, new: str, problem: str):
    original = (PROFILES_DIR / "guangxi.toml").read_text(encoding="utf-8")
    assert original.count(old) == 1, old
    (tmp_path / "guangxi.toml").write_text(original.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("guangxi", tmp_path)
    assert caught.value.key.startswith("appeals") and problem in caught.value.problem
