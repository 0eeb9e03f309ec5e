"""The [hotspots] rules of every profile, where they come from, and how they are read.

Rule home: hotline.policy.hotspots.HotspotRules.is_hot — 000 第二十一条 (guangyuan: 针对群众
反映的热点问题及时向相关单位发出预警), 004 三(八) (puyang: 对群众反映较为集中的热点问题…发出
预警), 003 第十二条(三) (meizhou: the quarter's hot issues), 001 第十七条 and 002 第十七条. No
article gives a number: every threshold is marked default_not_from_regulation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hotline.hotspots.detection import poisson_tail
from hotline.policy import PROFILES_DIR, PolicyError, load_profile
from hotline.policy.hotspots import DEFAULT_HOTSPOTS, hotspot_rules
from tests.helpers.profiles import PROFILES, SEEDS

ARTICLES = {
    "guangyuan": "第二十一条",
    "puyang": "三(八)",
    "meizhou": "第十二条(三)",
    "guizhou": "第十七条",
    "guangxi": "第十七条",
}


@pytest.mark.parametrize("name", PROFILES)
def test_each_profile_cites_its_article_and_marks_the_numbers_default(name: str) -> None:
    rules = hotspot_rules(load_profile(name))
    assert rules.origin.source == f"{SEEDS[name]} {ARTICLES[name]}"
    assert rules.origin.default_not_from_regulation and rules.origin.note
    assert "no number is given" in rules.origin.note


def test_is_hot_needs_the_count_the_ratio_and_the_significance() -> None:
    rules = DEFAULT_HOTSPOTS
    expected = 2.0
    assert rules.is_hot(12, expected, poisson_tail(12, expected))
    assert not rules.is_hot(rules.min_count - 1, 0.0, 1e-9)  # too few, however new
    assert not rules.is_hot(30, 20.0, poisson_tail(30, 20.0))  # 1.5×: not twice as many
    assert not rules.is_hot(7, 3.4, poisson_tail(7, 3.4))  # 2×, but likely enough by chance


def test_poisson_tail() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 0.5) == pytest.approx(1 - 2.718281828**-0.5)
    assert poisson_tail(12, 4.0) == pytest.approx(0.000915229, rel=1e-6)
    assert 0 < poisson_tail(400, 100.0) < 1e-50


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("ratio = 2.0", "ratio = 1", "hotspots.ratio", "must be above 1"),
        ("min_count = 6", "min_count = 1", "hotspots.min_count", "between 2 and"),
        ('baseline = "share"', 'baseline = "mean"', "hotspots.baseline", "unknown value"),
        ("max_p = 0.0002", "max_p = 0", "hotspots.max_p", "must be above 0"),
        ("quiet_days = 3", "quiet_days = 3\nwindow = 2", "hotspots.window", "unknown key"),
    ],
)
def test_a_bad_hotspots_table_names_the_key(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    shutil.copy(PROFILES_DIR / "guangyuan.toml", tmp_path / "guangyuan.toml")
    path = tmp_path / "guangyuan.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_profile("guangyuan", tmp_path)
    assert caught.value.key == key and problem in caught.value.problem
