"""[retention] of each profile: archive delay, recordings and personal-data periods, each with
its article, defaults marked; a malformed [retention] names file, key and problem."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotline.policy import PROFILES_DIR, PolicyError, load_profile
from hotline.policy.retention import (
    archive_after,
    personal_data_kept_years,
    recordings_kept_years,
    retention_of,
)
from tests.helpers.profiles import PROFILES, SEEDS
from wiring.cli import main

# profile: (recordings years, their article, whether that is a default)
RECORDINGS = {
    "guangyuan": (2, "第十四条", False),  # 热线电话录音至少保存两年
    "guangxi": (3, "第二十八条", False),  # 电话录音应至少保存 3 年
    "guizhou": (3, "第十六条", True),
    "meizhou": (3, "第二十二条", True),  # 录音 not handed out; no period
    "puyang": (3, "三(六)", True),
}
ARCHIVE_ARTICLES = {
    "guangyuan": "第十四条",
    "guangxi": "第二十八条",
    "guizhou": "第十六条",
    "meizhou": "第十四条",
    "puyang": "三(六)",
}


@pytest.mark.parametrize("name", PROFILES)
def test_each_profile_reads_its_periods_with_their_articles(name: str) -> None:
    profile = load_profile(name)
    rules = retention_of(profile)
    years, article, default = RECORDINGS[name]
    assert recordings_kept_years(profile) == years
    assert rules.recordings.origin.source == f"{SEEDS[name]} {article}"
    assert rules.recordings.origin.default_not_from_regulation is default
    # No article gives the archive delay or a personal-data period: defaults, said so.
    assert archive_after(profile) == timedelta(days=90)
    assert rules.archive.origin.source == f"{SEEDS[name]} {ARCHIVE_ARTICLES[name]}"
    assert rules.archive.origin.default_not_from_regulation
    assert personal_data_kept_years(profile) == 5
    assert rules.personal_data.origin.default_not_from_regulation
    assert rules.personal_data.describe() == "5 years (default, not from the regulation)"


def test_profile_rules_lists_the_retention_rules_with_their_articles() -> None:
    result = CliRunner().invoke(main, ["profile", "rules", "guangyuan"])
    assert result.exit_code == 0, result.output
    assert "| `retention.recordings` | years = 2 | 第十四条 | article |" in result.output
    assert "| `retention.archive` | days = 90 | 第十四条 | **default** |" in result.output
    assert "| `retention.personal_data` | years = 5 | 第二十二条 | **default** |" in result.output


ORIGINAL = (PROFILES_DIR / "guangxi.toml").read_text(encoding="utf-8")
RECORDINGS_YEARS = 'years = 3\nsource = "002_74be2da07faa6da0.txt 第二十八条"'
BROKEN = [
    ("no years", RECORDINGS_YEARS, RECORDINGS_YEARS[11:], "retention.recordings.years",
     "missing required key"),
    ("zero years", RECORDINGS_YEARS, RECORDINGS_YEARS.replace("3", "0", 1),
     "retention.recordings.years", "between 1 and 100"),
    ("years as text", RECORDINGS_YEARS, RECORDINGS_YEARS.replace("3", '"3"', 1),
     "retention.recordings.years", "expected an integer"),
    ("days as a number", "days = 90\n", "days = 90.5\n", "retention.archive.days",
     "expected an integer"),
    ("unknown key", "days = 90\n", "days = 90\nmonths = 3\n", "retention.archive.months",
     "unknown key"),
    ("no source", RECORDINGS_YEARS, "years = 3", "retention.recordings.source",
     "missing required key"),
    ("a section missing", "[retention.personal_data]", "[retention.personal_datum]",
     "retention.personal_data", "missing required key"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "old", "new", "key", "problem"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_broken_retention_table_names_file_key_and_problem(
    tmp_path: Path, what: str, old: str, new: str, key: str, problem: str
) -> None:
    assert ORIGINAL.count(old) == 1, what
    path = tmp_path / "guangxi.toml"
    path.write_text(ORIGINAL.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("guangxi", tmp_path)
    assert (caught.value.file, caught.value.key) == (str(path), key), str(caught.value)
    assert problem in caught.value.problem, str(caught.value)


def test_a_profile_without_retention_gets_marked_defaults(tmp_path: Path) -> None:
    retention = ORIGINAL.index("# -- retention (issue 15)")
    (tmp_path / "guangxi.toml").write_text(ORIGINAL[:retention], encoding="utf-8")
    rules = retention_of(load_profile("guangxi", tmp_path))
    assert (rules.archive.amount, rules.recordings.amount, rules.personal_data.amount) == (90, 3, 5)
    assert all(
        p.origin.default_not_from_regulation
        for p in (rules.archive, rules.recordings, rules.personal_data)
    )
