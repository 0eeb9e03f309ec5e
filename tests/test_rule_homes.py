"""The README's "Where the rules live" table stays true: every function it names exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "### Where the rules live"
# A dotted name of this project's code, e.g. `hotline.returns.return_refusal`.
NAME = re.compile(r"`((?:hotline|handlers|processes|api|scheduler)(?:\.\w+)+)`")


def _rows() -> list[list[str]]:
    """The table's body rows (rule, function, articles), read from the README section."""
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README has no {HEADING!r} section"
    section = text.split(HEADING, 1)[1].split("\n#", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()]
    rows = [[cell.strip() for cell in row] for row in rows if len(row) == 3]
    return [row for row in rows if row[0] != "rule" and not set(row[0]) <= {"-"}]


def _resolve(dotted: str) -> object:
    """Import the longest module prefix of `dotted`, then read the remaining attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_rule_names_a_function_and_an_article() -> None:
    rows = _rows()
    assert len(rows) >= 25
    for rule, function, articles in rows:
        assert NAME.search(function), f"{rule!r} names no function"
        assert articles, f"{rule!r} cites no article"


def test_every_named_function_is_importable() -> None:
    names = [name for _rule, function, _ in _rows() for name in NAME.findall(function)]
    for name in names:
        assert callable(_resolve(name)), f"{name} is not a function"


def test_each_rule_is_listed_once() -> None:
    rules = [rule for rule, _function, _articles in _rows()]
    assert len(rules) == len(set(rules))
