"""Profile rules for joint handling and repeat detection (supervision rules join them).

Each section is optional in a profile TOML; a missing one falls back to defaults that say
they are not from the regulation, so an operator sees what to configure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import model as m

DEFAULT_SOURCE = "(default)"


@dataclass(frozen=True)
class Joint:
    """Joint handling (会签): assisting units report to the lead this long before its due."""

    assist_lead: m.Limit
    origin: m.Provenance


@dataclass(frozen=True)
class Repeats:
    """Possible repeats at intake: same phone or similar content in the same district."""

    window_days: int  # look back this many calendar days (open or recently closed)
    similarity: float  # character-bigram Jaccard at or above this counts as near-identical
    origin: m.Provenance


def _default(note: str) -> m.Provenance:
    return m.Provenance(DEFAULT_SOURCE, note, True)


DEFAULT_JOINT = Joint(
    m.Limit(1, "working_days", DEFAULT_SOURCE, "no regulation gives a number", True),
    _default("assisting units report 1 working day before the lead unit's deadline"),
)
DEFAULT_REPEATS = Repeats(
    30, 0.8, _default("30 days and 80% similarity: tune to the hotline's repeat callers")
)


def read_joint(top: Any, limit: Any, provenance: Any) -> Joint:
    """[joint] with an `assist_lead` limit table; defaults when absent."""
    t = top.table("joint", required=False)
    if t is None:
        return DEFAULT_JOINT
    assist = limit(t, "assist_lead", ("minutes", "hours", "working_days"), positive=False)
    joint = Joint(assist, provenance(t))
    t.done()
    return joint


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
