"""Profile rules for joint handling (会签): when assisting units report to the lead unit.

The [joint] section is optional in a profile TOML; without it the defaults say they are
not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b


@dataclass(frozen=True)
class Joint:
    """Joint handling (会签): assisting units report to the lead this long before its due."""

    assist_lead: b.Limit
    origin: b.Provenance


DEFAULT_JOINT = Joint(
    b.Limit(1, "working_days", b.DEFAULT_SOURCE, "no regulation gives a number", True),
    b.default_provenance("assisting units report 1 working day before the lead unit's deadline"),
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
