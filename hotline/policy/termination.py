"""Profile rule for 终结办理 (terminating a repeated demand): who decides, against what.

guangyuan 第十四条(三) (000_27d936bb79493c2c.txt) gives it to the handling unit, for the same
requester's repeated demand that unit already handled lawfully. guizhou 第十条(三) and
guangxi 第二十一条(四) leave a repeat with the center (tell the progress or result; decline).
A profile without [termination] gets a default that says it is not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b

DECIDERS = ("center", "unit")  # center: triage disposition terminate; unit: handle outcome
ORIGINALS = ("handled", "open_or_handled")  # which earlier tickets a repeat may close against


@dataclass(frozen=True)
class Termination:
    """Who may terminate a repeat (终结办理) and which earlier ticket it must repeat."""

    decided_by: str  # one of DECIDERS
    same_requester: bool  # the earlier ticket came from the same requester (same phone number)
    original: str  # one of ORIGINALS
    origin: b.Provenance


DEFAULT_TERMINATION = Termination(
    "center",
    False,
    "handled",
    b.Provenance(
        "(default)",
        "no article on terminating repeats: the center may close a repeat of a handled ticket "
        "at triage with a written opinion",
        True,
    ),
)


def read_termination(top: Any, provenance: Any) -> Termination:
    """[termination] decided_by, same_requester, original + provenance; defaults when absent."""
    t = top.table("termination", required=False)
    if t is None:
        return DEFAULT_TERMINATION
    decided_by = t.choice("decided_by", DECIDERS)
    same = t.get("same_requester", (bool,), required=True)
    original = t.choice("original", ORIGINALS)
    rule = Termination(str(decided_by), bool(same), str(original), provenance(t))
    t.done()
    return rule


def termination_of(profile: object) -> Termination:
    """A profile's termination rule (the default for a profile object without one)."""
    return getattr(profile, "termination", None) or DEFAULT_TERMINATION
