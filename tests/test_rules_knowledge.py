"""Issue 11 §1 item 8: unflagged inventions flagged or replaced by what the articles say.

- the 1-year knowledge review is a profile value marked default ([knowledge.review]);
- puyang 附件 四(一) (004_b7797ffbb60d21c4.txt): 对新政策、新规定，承办单位应在一周内完成更新并推送;
- "a late return counts as overdue" (guangxi 第二十六条(三), meizhou 第十六条) is a marked default;
- guizhou 第十六条 (001_adb4696b923ad92d.txt): 退回…继续办理，仍不符合要求的予以督办.

Clock: Monday 2026-11-23 09:00 Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date

import pytest

from hotline.knowledge import default_review_date, months_after
from hotline.policy import load_profile
from tests.helpers.knowledge import make_kb
from tests.helpers.profiles import PROFILES as NAMES

POLICY = {
    "question": "2026年城乡居民医保缴费标准是多少？",
    "answer": "个人缴费标准为每人每年400元，缴费期为9月1日至12月31日。",
    "type": "policy",
    "keywords": "医保, 缴费标准",
    "region": "利州区",
}


@pytest.mark.parametrize("name", NAMES)
def test_the_yearly_knowledge_review_is_a_marked_profile_default(name: str) -> None:
    """No regulation sets a review period: [knowledge.review] months = 12, marked default."""
    review = load_profile(name).knowledge.review
    assert (review.amount, review.unit) == (12, "months")
    assert review.origin.default_not_from_regulation and review.origin.note


def test_review_dates_follow_the_configured_period() -> None:
    """A 6-month period moves the review date; month ends clamp (31 Aug + 6 months → 28 Feb)."""
    assert default_review_date(date(2026, 11, 23), None, 6) == date(2027, 5, 23)
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert default_review_date(date(2026, 11, 23), date(2027, 1, 1), 6) == date(2027, 1, 1)


def test_puyang_new_policy_one_week_rule_comes_from_its_article() -> None:
    """puyang 附件 四(一): 新政策、新规定…一周内…推送 — 7 days, not a default; others: none."""
    rule = load_profile("puyang").knowledge.new_policy
    assert (rule.amount, rule.unit) == (7, "days")
    assert "附件 四(一)" in rule.origin.source and not rule.origin.default_not_from_regulation
    assert all(load_profile(n).knowledge.new_policy is None for n in NAMES if n != "puyang")


def test_puyang_policy_article_live_after_a_week_is_recorded_late(profile_hotline) -> None:
    """A policy in force since 10 Nov, live on 23 Nov 09:00: due 17 Nov 00:00, 7 days late
    (every started day counts: 每超过一天扣1分); one in force since 20 Nov is on time."""
    kb = make_kb(profile_hotline("puyang"))
    late = kb.create(**POLICY, valid_from="2026-11-10")["id"]
    kb.publish(late)
    [event] = [e for e in kb.article(late)["events"] if e["kind"] == "policy_pushed_late"]
    assert event["data"]["days_late"] == 7 and "附件 四(一)" in event["data"]["rule"]
    on_time = kb.create(**POLICY, valid_from="2026-11-20")["id"]
    kb.publish(on_time)
    assert "policy_pushed_late" not in kb.kinds(on_time)
    procedure = kb.create(**{**POLICY, "type": "procedure"}, valid_from="2026-11-10")["id"]
    kb.publish(procedure)
    assert "policy_pushed_late" not in kb.kinds(procedure)


def test_guangyuan_has_no_new_policy_deadline(hotline) -> None:
    """guangyuan 第十七条 says 及时 without a period: no lateness is recorded."""
    kb = make_kb(hotline)
    article = kb.create(**POLICY, valid_from="2026-10-01")["id"]
    kb.publish(article)
    assert "policy_pushed_late" not in kb.kinds(article)


@pytest.mark.parametrize(
    ("name", "flagged"),
    [("guangxi", True), ("meizhou", True), ("guangyuan", False), ("puyang", False)],
)
def test_what_a_late_return_counts_as_is_flagged_where_the_article_is_silent(
    name: str, flagged: bool
) -> None:
    """guangyuan 第十三条(二) 超期退回的视为超期办件 and puyang 三(五) 逾期退回的，予以警告 say it;
    guangxi 第二十六条(三) and meizhou 第十六条 do not: their 'overdue' is a marked default."""
    windows = load_profile(name).returns.windows
    assert windows and all(w.late_counts_as_default is flagged for w in windows)
