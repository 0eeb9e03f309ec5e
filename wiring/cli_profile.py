"""`hotline profile …`: read the policy profiles as people do, every rule with its article."""

from __future__ import annotations

import re
from pathlib import Path

import click

from hotline.policy import PROFILE_NAMES
from hotline.policy.rules_doc import rules_markdown

START, END = "<!-- rules:start -->", "<!-- rules:end -->"
_SECTION = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def readme_section(names: tuple[str, ...] = PROFILE_NAMES) -> str:
    """The README block between the rules markers, markers included."""
    return f"{START}\n{rules_markdown(names)}\n{END}"


@click.group("profile")
def profile() -> None:
    """The jurisdiction profiles (time, return, supervision and knowledge rules)."""


@profile.command("rules")
@click.argument("names", nargs=-1, type=click.Choice(PROFILE_NAMES))
@click.option(
    "--readme",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="rewrite the rules section of this README instead of printing",
)
def rules(names: tuple[str, ...], readme: Path | None) -> None:
    """Print every rule of NAMES (default: all) with its article, marking defaults."""
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        if not _SECTION.search(text):
            raise click.ClickException(f"{readme}: no {START} … {END} section")
        readme.write_text(_SECTION.sub(lambda _m: readme_section(), text), encoding="utf-8")
        click.echo(f"rewrote the rules section of {readme}")
        return
    click.echo(rules_markdown(names or PROFILE_NAMES))
