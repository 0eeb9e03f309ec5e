"""Every rule of a profile as a row (what, value, article, default or not), for people to read.

Read from the profile's TOML itself, so a rule added to any file shows up without code here:
every table that names a `source` is one rule. The README's profile section is this output.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.policy.loader import PROFILES_DIR

_PROVENANCE = ("source", "note", "default_not_from_regulation")


@dataclass(frozen=True)
class RuleRow:
    """One rule: its place in the profile, value, article, and whether it is a default."""

    key: str
    value: str
    article: str
    default: bool
    note: str


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    return str(value)


def _value(table: dict[str, Any]) -> str:
    """The table's own settings (not its provenance, not its sub-tables) as `key = value; …`."""
    parts = [
        f"{name} = {_scalar(value)}"
        for name, value in table.items()
        if name not in _PROVENANCE
        and not isinstance(value, dict)
        and not (isinstance(value, list) and value and isinstance(value[0], dict))
    ]
    return "; ".join(parts)


def _walk(data: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every table under `data` with its dotted key (array entries numbered from 1)."""
    for name, value in data.items():
        key = f"{path}.{name}" if path else name
        if isinstance(value, dict):
            yield key, value
            yield from _walk(value, key)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for number, entry in enumerate(value, start=1):
                yield f"{key}[{number}]", entry
                yield from _walk(entry, f"{key}[{number}]")


def profile_rules(name: str, directory: Path = PROFILES_DIR) -> list[RuleRow]:
    """The rules of profile `name`, in file order; the seed file name is left out of articles."""
    data = tomllib.loads((directory / f"{name}.toml").read_text(encoding="utf-8"))
    seed = data.get("regulation_file", "")
    rows = []
    for key, table in _walk(data, ""):
        source = table.get("source")
        if not isinstance(source, str):
            continue
        article = source.removeprefix(seed).strip() if seed else source
        rows.append(
            RuleRow(
                key=key,
                value=_value(table),
                article=article,
                default=bool(table.get("default_not_from_regulation", False)),
                note=str(table.get("note", "")),
            )
        )
    return rows


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(names: tuple[str, ...], directory: Path = PROFILES_DIR) -> str:
    """One collapsible table per profile: rule, value, article, from the article or a default."""
    out: list[str] = []
    for name in names:
        data = tomllib.loads((directory / f"{name}.toml").read_text(encoding="utf-8"))
        rows = profile_rules(name, directory)
        defaults = sum(row.default for row in rows)
        out.append(
            f"<details><summary><code>{name}</code>: {data.get('title', name)}, "
            f"seeds/{data.get('regulation_file', '')} — {len(rows)} rules, "
            f"{defaults} of them defaults</summary>\n"
        )
        out.append("| rule | value | article | from | note |")
        out.append("|---|---|---|---|---|")
        for row in rows:
            origin = "**default**" if row.default else "article"
            out.append(
                f"| `{row.key}` | {_cell(row.value)} | {_cell(row.article)} | {origin} "
                f"| {_cell(row.note)} |"
            )
        out.append("\n</details>\n")
    return "\n".join(out)
