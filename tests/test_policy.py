"""Policy profiles: the five shipped ones load; a malformed one names file, key and problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hotline.policy import PROFILE_NAMES, PROFILES_DIR, PolicyError, load_profile, shipped_profile
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


# --- malformed profiles ----------------------------------------------------------------

ORIGINAL = (PROFILES_DIR / "guangyuan.toml").read_text(encoding="utf-8")
COMPLAINT = 'categories = ["complaint", "report"]\nworking_days = 3\n'

BROKEN = [
    (
        "unknown key",
        COMPLAINT,
        COMPLAINT + "hourz = 3\n",
        "handling[2].hourz",
        "unknown key",
    ),
    (
        "wrong type",
        COMPLAINT,
        COMPLAINT.replace("= 3", '= "3"'),
        "handling[2].working_days",
        "expected an integer, got text",
    ),
    (
        "a boolean for a number",
        '[[handling]]\ncategories = ["consultation"]\nhours = 1\n',
        '[[handling]]\ncategories = ["consultation"]\nhours = true\n',
        "handling[0].hours",
        "expected an integer or a number, got true/false",
    ),
    (
        "missing source",
        COMPLAINT + 'source = "000_27d936bb79493c2c.txt 第十三条(二)"\n',
        COMPLAINT,
        "handling[2].source",
        "missing required key",
    ),
    (
        "unknown category",
        COMPLAINT,
        COMPLAINT.replace('"complaint"', '"complaints"'),
        "handling[2].categories",
        "unknown category 'complaints'",
    ),
    (
        "negative limit",
        COMPLAINT,
        COMPLAINT.replace("= 3", "= -3"),
        "handling[2].working_days",
        "must not be negative",
    ),
    (
        "source without a seed file",
        'source = "000_27d936bb79493c2c.txt 第十三条(一)"\nnote = "市12345',
        'source = "第十三条(一)"\nnote = "市12345',
        "dispatch[0].source",
        "must read '<seed file> <article>'",
    ),
    (
        "default without a note",
        'default_not_from_regulation = true\nnote = "第九条 and 第十三条 do not list praise; '
        'given the limit of suggestions"\n',
        "default_not_from_regulation = true\n",
        "handling[3].note",
        "needs a note",
    ),
    (
        "unknown clock start",
        'start = "dispatch"',
        'start = "intake"',
        "clock.start",
        "unknown value 'intake'",
    ),
    (
        "zero handling limit",
        '[[handling]]\ncategories = ["consultation"]\nhours = 1\n',
        '[[handling]]\ncategories = ["consultation"]\nhours = 0\n',
        "handling[0].hours",
        "must be positive",
    ),
    (
        "two amounts",
        "[upper_platform.lead]\nhours = 3\n",
        "[upper_platform.lead]\nhours = 3\nminutes = 180\n",
        "upper_platform.lead",
        "give only one of minutes, hours",
    ),
    (
        "working days where clock time is needed",
        "[reminder.lead]\nhours = 24\n",
        "[reminder.lead]\nworking_days = 1\n",
        "reminder.lead.working_days",
        "not allowed here; use one of minutes, hours",
    ),
    (
        "unknown satisfaction",
        'no_answer_counts_as = "basically_satisfied"',
        'no_answer_counts_as = "fine"',
        "callback.no_answer_counts_as",
        "unknown value 'fine'",
    ),
    (
        "category left without a limit",
        '[[handling]]\ncategories = ["appeal"]\n',
        '[[handling]]\ncategories = ["praise"]\n',
        "handling",
        "no limit for category 'appeal'",
    ),
    (
        "misspelt section",
        "[redispatch]\n",
        "[re_dispatch]\n",
        "redispatch",
        "missing required key",
    ),
    (
        "profile named after another file",
        'profile = "guangyuan"',
        'profile = "guangxi"',
        "profile",
        "does not match the file name 'guangyuan'",
    ),
    (
        "extension with two lengths",
        "[extensions.kind.ask_before]\n",
        'new_limit = { working_days = 5, source = "000_27d936bb79493c2c.txt 第十三条(三)" }\n'
        "[extensions.kind.ask_before]\n",
        "extensions.kind[0]",
        "give exactly one of length, length_factor, new_limit",
    ),
    (
        "TOML syntax",
        '[[handling]]\ncategories = ["consultation"]\n',
        '[[handling]]\ncategories = ["consultation"\n',
        "(syntax)",
        "",
    ),
]


def load_broken_guangyuan(
    tmp_path: Path, what: str, old: str, new: str
) -> tuple[Path, pytest.ExceptionInfo[PolicyError]]:
    """Copy guangyuan.toml into `tmp_path` with `old` replaced by `new`; load it and catch."""
    assert ORIGINAL.count(old) >= 1, f"fixture text not found for {what}"
    path = tmp_path / "guangyuan.toml"
    path.write_text(ORIGINAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("guangyuan", tmp_path)
    return path, caught


@pytest.mark.parametrize(
    ("what", "old", "new", "key", "problem"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_broken_profile_names_file_key_and_problem(
    tmp_path: Path, what: str, old: str, new: str, key: str, problem: str
) -> None:
    """Copy guangyuan.toml, break it one way, and read the error."""
    path, caught = load_broken_guangyuan(tmp_path, what, old, new)
    error = caught.value
    assert (error.file, error.key) == (str(path), key), str(error)
    assert problem in error.problem, str(error)
    assert str(error).startswith(f"{path}: {key}: ")


def test_an_unchanged_copy_loads_from_another_directory(tmp_path: Path) -> None:
    """The directory argument is honoured."""
    shutil.copy(PROFILES_DIR / "puyang.toml", tmp_path / "puyang.toml")
    assert load_profile("puyang", tmp_path).file == str(tmp_path / "puyang.toml")


def test_an_unknown_profile_lists_the_available_ones(tmp_path: Path) -> None:
    """A missing file is a PolicyError too, naming what exists."""
    with pytest.raises(PolicyError, match="no such profile; available: guangxi, guangyuan"):
        load_profile("shenzhen")
    with pytest.raises(PolicyError, match="not a profile name"):
        load_profile("../guangyuan")


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


SUPERVISION_BROKEN = [
    (
        "unknown level",
        'event = "overdue"\nmin_count = 1\nlevel = "urge"',
        'event = "overdue"\nmin_count = 1\nlevel = "black_card"',
        "supervision.trigger[1].level",
        "unknown value 'black_card'",
    ),
    (
        "unknown event",
        'event = "overdue"\nmin_count = 1',
        'event = "late"\nmin_count = 1',
        "supervision.trigger[1].event",
        "unknown value 'late'",
    ),
    (
        "zero count",
        'event = "overdue"\nmin_count = 1',
        'event = "overdue"\nmin_count = 0',
        "supervision.trigger[1].min_count",
        "must be at least 1",
    ),
    (
        "missing rung",
        "[supervision.climb.red_card]\n",
        "[supervision.climb_red_card]\n",
        "supervision.climb.red_card",
        "missing required key",
    ),
    (
        "rung in days and by hand",
        "[supervision.climb.summons]\nworking_days = 2\n",
        "[supervision.climb.summons]\nworking_days = 2\nmanual_only = true\n",
        "supervision.climb.summons.working_days",
        "either working_days or manual_only",
    ),
    (
        "climb in hours",
        "[supervision.climb.urge]\nworking_days = 1\n",
        "[supervision.climb.urge]\nhours = 24\n",
        "supervision.climb.urge.hours",
        "not allowed here; use one of working_days",
    ),
    (
        "government review climbing",
        "[supervision.climb.summons]\n",
        '[supervision.climb.government_review]\nworking_days = 1\nsource = "000_27d936bb79493c2c'
        '.txt 第二十七条"\n\n[supervision.climb.summons]\n',
        "supervision.climb.government_review",
        "the last rung",
    ),
    (
        "duplicate trigger",
        'event = "overdue"\nmin_count = 1',
        'event = "acknowledge_overdue"\nmin_count = 1',
        "supervision.trigger[1]",
        "a second acknowledge_overdue trigger at 1",
    ),
    (
        "repeats window",
        "window_days = 30",
        "window_days = 0",
        "repeats.window_days",
        "between 1 and 366",
    ),
    (
        "joint in working days of zero",
        "[joint.assist_lead]\nworking_days = 1\n",
        "[joint.assist_lead]\nworking_days = 0\n",
        "joint.assist_lead.working_days",
        "must be positive",
    ),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "key", "problem"),
    SUPERVISION_BROKEN,
    ids=[b[0] for b in SUPERVISION_BROKEN],
)
def test_a_broken_oversight_section_names_file_key_and_problem(
    tmp_path: Path, what: str, old: str, new: str, key: str, problem: str
) -> None:
    """Copy guangyuan.toml, break its [joint], [repeats] or [supervision] one way."""
    path, caught = load_broken_guangyuan(tmp_path, what, old, new)
    assert (caught.value.file, caught.value.key) == (str(path), key), str(caught.value)
    assert problem in caught.value.problem, str(caught.value)
