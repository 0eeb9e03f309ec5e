"""The README lists every rule of every profile with its article, and marks the defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

from click.testing import CliRunner

from hotline.policy import PROFILE_NAMES, PROFILES_DIR
from hotline.policy.rules_doc import profile_rules
from wiring.cli import main
from wiring.cli_profile import readme_section

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rules_section_is_the_generated_one() -> None:
    assert readme_section() in README.read_text(encoding="utf-8"), (
        "README's rules section is stale: run `hotline profile rules --readme README.md`"
    )


def test_every_sourced_table_of_every_profile_is_a_row() -> None:
    for name in PROFILE_NAMES:
        text = (PROFILES_DIR / f"{name}.toml").read_text(encoding="utf-8")
        rows = profile_rules(name)
        assert len(rows) == text.count("source = "), name
        assert all(row.article and not row.article.endswith(".txt") for row in rows), name


def test_defaults_are_marked_as_defaults() -> None:
    # guangyuan 第十三条(一) does not say when the limit starts: the profile reads it as a default.
    clock = next(row for row in profile_rules("guangyuan") if row.key == "clock")
    assert clock.default and clock.article == "第十三条(一)"
    # 第十三条(一): 10 minutes to dispatch is the article's own number.
    dispatch = next(row for row in profile_rules("guangyuan") if row.key == "dispatch[1]")
    assert not dispatch.default and "minutes = 10" in dispatch.value
    assert "| `clock` | start = dispatch | 第十三条(一) | **default** |" in readme_section()


def test_cli_rewrites_the_readme_section(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text("intro\n<!-- rules:start -->\nold\n<!-- rules:end -->\nend\n", "utf-8")
    result = CliRunner().invoke(main, ["profile", "rules", "--readme", str(stale)])
    assert result.exit_code == 0, result.output
    text = stale.read_text("utf-8")
    assert "old" not in text and text.startswith("intro\n") and text.endswith("end\n")
    assert readme_section() in text


def test_cli_prints_one_profile() -> None:
    result = CliRunner().invoke(main, ["profile", "rules", "puyang"])
    assert result.exit_code == 0
    title = tomllib.loads((PROFILES_DIR / "puyang.toml").read_text("utf-8"))["title"]
    assert title in result.output and "guangyuan" not in result.output
