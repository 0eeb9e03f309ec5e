"""Policy profiles: the five shipped ones load, and every rule cites its own regulation.

A malformed profile is in test_policy_errors.py.
"""

from __future__ import annotations

import re

import pytest

from hotline.policy import PROFILE_NAMES, load_profile, shipped_profile
from hotline.policy.model import CATEGORIES, Limit, Profile, Provenance
from tests.helpers.profiles import SEEDS


def sourced(profile: Profile) -> list[Limit | Provenance]:
    """Every rule of the profile that carries a source."""
    items: list[Limit | Provenance] = [profile.clock.origin, profile.several_limits.origin]
    for rules in (profile.dispatch, profile.acknowledge, profile.handling, profile.milestones):
        items += [r.limit for r in rules]
    items += [profile.upper_platform.origin, profile.upper_platform.lead]
    items += [profile.returns.origin, *(w.limit for w in profile.returns.windows)]
    items.append(profile.extensions.origin)
    for kind in profile.extensions.kinds:
        items += [kind.origin, kind.ask_before]
        items += [x for x in (kind.length, kind.length_factor, kind.new_limit) if x is not None]
    items += [profile.reminder.lead, profile.callback.origin, profile.rehandle.origin]
    items += [x for x in (profile.callback.no_answer_window, profile.rehandle.limit) if x]
    items.append(profile.redispatch.origin)
    return items


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_each_shipped_profile_loads_and_cites_its_own_regulation(name: str) -> None:
    """Every rule names the profile's seed file and an article; defaults say why."""
    profile = load_profile(name)
    assert profile.name == name and profile.regulation_file == SEEDS[name]
    assert shipped_profile(name) == profile
    for item in sourced(profile):
        assert item.source.startswith(SEEDS[name] + " "), item
        assert re.search(r"条|[一二三四五六七八九十]\(", item.source), item
        if item.default_not_from_regulation:
            assert item.note, item


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_every_category_has_a_handling_limit(name: str) -> None:
    """A ticket of any category gets a due time (defaults are marked where the text is silent)."""
    profile = load_profile(name)
    for category in CATEGORIES:
        assert any(r.match.applies(category, "normal", "phone") for r in profile.handling)


def test_guizhou_handling_limits_are_all_marked_defaults() -> None:
    """001 第十五条 defers to law: every handling limit is a default, not the regulation's."""
    profile = load_profile("guizhou")
    assert profile.handling
    for rule in profile.handling:
        assert rule.limit.default_not_from_regulation
        assert "第十五条" in rule.limit.source and "defers to law" in (rule.limit.note or "")


def test_no_regulation_gives_a_reminder_lead_so_every_profile_marks_it() -> None:
    """Only guizhou 第十七条 asks for reminders, without a lead: all leads are defaults."""
    for name in PROFILE_NAMES:
        lead = load_profile(name).reminder.lead
        assert lead.default_not_from_regulation and lead.note, name
    assert "第十七条" in load_profile("guizhou").reminder.lead.source


def test_key_numbers_read_from_the_regulations() -> None:
    """Spot checks against the seeds: the numbers in the profiles are the regulations'."""
    gy, gx, mz, py = (load_profile(n) for n in ("guangyuan", "guangxi", "meizhou", "puyang"))
    assert gy.upper_platform.lead.amount == 3 and "第十三条(二)" in gy.upper_platform.lead.source
    assert gy.callback.no_answer_counts_as == "basically_satisfied"
    assert gy.callback.no_answer_window and gy.callback.no_answer_window.default_not_from_regulation
    assert gx.clock.start == "next_working_day" and "第二十六条(二)" in gx.clock.origin.source
    assert gx.callback.no_answer_counts_as == "satisfied"
    assert gx.callback.no_answer_window == Limit(
        24, "hours", "002_74be2da07faa6da0.txt 第二十七条(二)"
    )
    assert mz.several_limits.combine == "shortest" and "第十一条" in mz.several_limits.origin.source
    assert mz.redispatch.restarts_clock and "第十六条" in mz.redispatch.origin.source
    assert not mz.redispatch.origin.default_not_from_regulation
    assert py.rehandle.limit == Limit(5, "working_days", "004_b7797ffbb60d21c4.txt 三(六)")
    assert [k.kind for k in py.extensions.kinds] == ["leader_sign_off", "statutory"]


# -- oversight sections: [joint], [repeats], [supervision] ------------------------------------


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_oversight_rules_cite_their_own_regulation(name: str) -> None:
    """Joint, repeat and supervision rules name the profile's seed file; defaults say why."""
    profile = load_profile(name)
    supervision = profile.escalation
    items = [profile.joint.origin, profile.joint.assist_lead, profile.repeats.origin]
    items += [supervision.origin, *(c.origin for c in supervision.climbs)]
    items += [t.origin for t in supervision.triggers]
    for item in items:
        assert item.source.startswith(SEEDS[name] + " "), item
        assert re.search(r"条|[一二三四五六七八九十]\(", item.source), item
        if item.default_not_from_regulation:
            assert item.note, item
    # Every rung below the government says how it climbs; the top one never does.
    assert [c.level for c in supervision.climbs] == [
        "urge", "supervision_order", "yellow_card", "red_card", "summons",
    ]  # fmt: skip
    assert supervision.climb("government_review") is None


def test_supervision_rules_read_from_the_regulations() -> None:
    """Each profile's ladder follows its articles; numbers no article gives are marked."""
    guangyuan = load_profile("guangyuan").escalation
    assert guangyuan.trigger_for("overdue", 1).level == "urge"  # 第二十六条(二)
    assert guangyuan.trigger_for("returned", 1) is None
    assert guangyuan.trigger_for("returned", 2).level == "supervision_order"
    assert guangyuan.trigger_for("sent_back", 5) is None
    summons = guangyuan.climb("summons")
    assert summons.after.amount == 2 and summons.after.default_not_from_regulation
    assert "第二十七条(三)" in summons.origin.source
    guizhou = load_profile("guizhou").escalation
    assert guizhou.trigger_for("overdue", 1).level == "supervision_order"  # 第十七条(一)
    # 第十六条: 退回…继续办理，仍不符合要求的予以督办 — the second failed review, from the article
    assert guizhou.trigger_for("sent_back", 1) is None
    sent_back = guizhou.trigger_for("sent_back", 2)
    assert sent_back.level == "supervision_order"
    assert not sent_back.origin.default_not_from_regulation
    assert guizhou.climb("summons").after is None  # hot spots only: by hand
    assert load_profile("puyang").escalation.trigger_for("overdue", 1).level == "yellow_card"
    assert load_profile("guangxi").escalation.climb("summons").after is None
