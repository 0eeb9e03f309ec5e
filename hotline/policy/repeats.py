"""Profile rules for possible repeats at intake: how far back and how similar.

The [repeats] section is optional in a profile TOML; without it the defaults say they are
not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b


@dataclass(frozen=True)
class Repeats:
    """Possible repeats at intake: same phone or similar content in the same district."""

    window_days: int  # look back this many calendar days (open or recently closed)
    similarity: float  # hotline.similarity's score at or above this: the same matter
    origin: b.Provenance


DEFAULT_REPEATS = Repeats(
    30,
    0.55,
    b.default_provenance(
        "30 days; 0.55 on the repeat score, tuned on tests/data/repeat_pairs.jsonl"
    ),
)


def read_repeats(top: Any, provenance: Any) -> Repeats:
    """[repeats] window_days (1–366) and similarity (0.5–1); defaults when absent."""
    t = top.table("repeats", required=False)
    if t is None:
        return DEFAULT_REPEATS
    window = t.get("window_days", (int,), required=True)
    if not 1 <= window <= 366:
        t.fail("window_days", f"must be between 1 and 366, got {window}")
    similarity = t.get("similarity", (int, float), required=True)
    if not 0.5 <= similarity <= 1:
        t.fail("similarity", f"must be between 0.5 and 1, got {similarity}")
    repeats = Repeats(window, float(similarity), provenance(t))
    t.done()
    return repeats
