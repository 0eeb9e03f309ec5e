"""Malformed policy profiles: the error names file, key and problem, section by section."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.policy import PROFILES_DIR, PolicyError, load_profile

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
