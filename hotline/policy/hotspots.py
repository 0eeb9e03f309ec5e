"""Profile rules for hot-spot early warnings (热点预警): when demands count as concentrating.

guangyuan 第二十一条 and puyang 三(八) ask the center to warn the units concerned of hot
issues (对群众反映较为集中的热点问题，及时向相关单位发出预警); meizhou 第十二条(三) reports
the quarter's hot issues; guizhou 第十七条 and guangxi 第十七条 ask for their analysis. None gives
a number: every threshold is a default (`default_not_from_regulation`), measured by
bench/hotspots.py. Read from the profile's optional [hotspots] table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b

# How the expected count of a cluster is estimated from the trailing baseline:
# share: the cluster's share of all its district's demands in the baseline, times the
#   window's volume of the district (weekdays and busy days cancel out);
# daily: the baseline's daily mean; weekday: the mean of the same weekdays only.
BASELINES = ("share", "daily", "weekday")


@dataclass(frozen=True)
class HotspotRules:
    """When a cluster (category × district × keyword) is a hot spot, and for how long."""

    window_hours: int  # the demands of the last this many hours are tested
    baseline_days: int  # against the this many days before the window
    baseline: str  # one of BASELINES
    min_count: int  # at least this many demands in the window
    ratio: float  # at least this many times the expected count
    max_p: float  # and this unlikely under the baseline (Poisson upper tail)
    quiet_days: int  # a cluster unseen this long ends; seen again later: a new warning
    origin: b.Provenance

    # Rule home: 000 第二十一条; 004 三(八); 003 第十二条(三); 001 第十七条; 002 第十七条.
    def is_hot(self, count: int, expected: float, p_value: float) -> bool:
        """Whether `count` demands in the window, against `expected`, make a hot spot."""
        return (
            count >= self.min_count
            and count >= self.ratio * max(expected, FLOOR)
            and p_value <= self.max_p
        )


# A cluster never seen in the baseline is still expected this often (no division by zero).
FLOOR = 0.5

DEFAULT_HOTSPOTS = HotspotRules(
    24,
    28,
    "share",
    6,
    2.0,
    0.0002,
    3,
    b.default_provenance(
        "no article gives a number: 24 h against the 28 days before, at least 6 demands, "
        "2× the expected count and p ≤ 0.0002; measured by bench/hotspots.py"
    ),
)


def read_hotspots(top: Any, provenance: Any) -> HotspotRules:
    """[hotspots] window_hours, baseline_days, baseline, min_count, ratio, max_p, quiet_days
    with their provenance; the defaults when absent."""
    t = top.table("hotspots", required=False)
    if t is None:
        return DEFAULT_HOTSPOTS
    window = _whole(t, "window_hours", 1, 24 * 14)
    days = _whole(t, "baseline_days", 7, 366)
    baseline = str(t.choice("baseline", BASELINES))
    min_count = _whole(t, "min_count", 2, 10_000)
    ratio = t.get("ratio", (int, float), required=True)
    if not 1 < ratio <= 100:
        t.fail("ratio", f"must be above 1 and at most 100, got {ratio}")
    max_p = t.get("max_p", (int, float), required=True)
    if not 0 < max_p <= 0.5:
        t.fail("max_p", f"must be above 0 and at most 0.5, got {max_p}")
    quiet = _whole(t, "quiet_days", 1, 90)
    rules = HotspotRules(
        window, days, baseline, min_count, float(ratio), float(max_p), quiet, provenance(t)
    )
    t.done()
    return rules


def _whole(t: Any, name: str, low: int, high: int) -> int:
    value = t.get(name, (int,), required=True)
    if not low <= value <= high:
        t.fail(name, f"must be between {low} and {high}, got {value}")
    return int(value)


def hotspot_rules(profile: object) -> HotspotRules:
    """A profile's hot-spot rules (the defaults for a profile object without any)."""
    return getattr(profile, "hotspots", None) or DEFAULT_HOTSPOTS
