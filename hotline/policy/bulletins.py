"""Profile rule for bulletins (通报): how often the center publishes one.

The [bulletins] section is optional in a profile TOML; without it the default (monthly) says
it is not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b

# A bulletin covers one calendar month or one calendar quarter (Shanghai time).
PERIODS = ("month", "quarter")


DEFAULT_ISSUER = "12345热线"


@dataclass(frozen=True)
class Bulletins:
    """Bulletins (通报): the period one bulletin covers, published at that period's end."""

    period: str  # one of PERIODS
    origin: b.Provenance
    issuer: str = DEFAULT_ISSUER  # the hotline that publishes, as the bulletin's heading names it


DEFAULT_BULLETINS = Bulletins(
    "month",
    b.default_provenance(
        "the regulation says 定期 without a period: monthly, as guangxi 第三十条 and puyang 三(六)"
    ),
)


def read_bulletins(top: Any, provenance: Any) -> Bulletins:
    """[bulletins] period = "month" | "quarter" and the issuer's name, with its source; the
    default when absent."""
    t = top.table("bulletins", required=False)
    if t is None:
        return DEFAULT_BULLETINS
    period = t.choice("period", PERIODS)
    issuer = t.text("issuer") or DEFAULT_ISSUER
    bulletins = Bulletins(str(period), provenance(t), issuer)
    t.done()
    return bulletins


# Rule home: 000 第二十五条 (d); 001 第十八条 (d); 002 第三十条; 003 第十二条(三);
# 004 三(六), 四(三).
def publication_period(profile: object) -> str:
    """The period one bulletin of the profile covers: "month" or "quarter" ([bulletins];
    monthly where the regulation only says 定期, default_not_from_regulation)."""
    return bulletin_rules(profile).period


def bulletin_rules(profile: object) -> Bulletins:
    """A profile's bulletin rules (the default for a profile object without any)."""
    return getattr(profile, "bulletins", None) or DEFAULT_BULLETINS
