"""Finding hot spots: keywords of one category and district far above their trailing baseline.

Pure functions over plain rows, so the service (hotline.hotspots.warnings) and the benchmark
(bench/hotspots.py) run the very same test. For each category × district × keyword the
window's count is compared with the count its baseline leads to expect (HotspotRules.is_hot:
a minimum count, a ratio and a Poisson tail probability); hot keywords sharing most of their
tickets are one cluster (噪音, 施工, 扰民 of the same night's calls).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hotline.hotspots.keywords import keywords
from hotline.policy.hotspots import FLOOR, HotspotRules

# Two hot keywords are one cluster when this share of the smaller one's tickets is common.
MERGE_OVERLAP = 0.6
# Past this many keywords a warning names only the most frequent ones.
MAX_KEYWORDS = 8


@dataclass(frozen=True)
class Demand:
    """What detection reads of a ticket."""

    id: int
    category: str
    district: str
    created_at: datetime
    content: str
    unit: str | None = None  # the unit handling it, if dispatched


@dataclass
class Cluster:
    """Hot demands of one category and district sharing their keywords."""

    category: str
    district: str
    keywords: list[str]
    tickets: set[int]
    units: set[str]
    count: int  # demands of the leading keyword in the window
    expected: float
    p_value: float
    window_start: datetime
    window_end: datetime
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """The window's count over the expected count (the floor when nothing is expected)."""
        return self.count / max(self.expected, FLOOR)


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean)."""
    if count <= 0:
        return 1.0
    mean = max(mean, 1e-9)
    if count <= mean:  # the tail is large: one minus the few terms below it
        term = below = math.exp(-mean)
        for k in range(1, count):
            term *= mean / k
            below += term
        return max(0.0, 1.0 - below)
    # Past the mean the terms only shrink: sum them upwards, in log space for large counts.
    term = math.exp(-mean + count * math.log(mean) - math.lgamma(count + 1))
    total, k = 0.0, count
    while term > 1e-17 * total and k < count + 100_000:
        total += term
        k += 1
        term *= mean / k
    return min(total, 1.0)


def window_of(rules: HotspotRules, now: datetime) -> tuple[datetime, datetime]:
    """The window tested at `now`: the last `window_hours`, ending at `now`."""
    return now - timedelta(hours=rules.window_hours), now


def baseline_span(rules: HotspotRules, now: datetime) -> tuple[datetime, datetime]:
    """The baseline before the window: `baseline_days` days up to the window's start."""
    start, _end = window_of(rules, now)
    return start - timedelta(days=rules.baseline_days), start


class Baseline:
    """Keyword counts per category and district over the baseline span."""

    def __init__(self, rules: HotspotRules, now: datetime, demands: Iterable[Demand]) -> None:
        self.rules = rules
        self.counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.totals: Counter[str] = Counter()  # demands per district
        start, end = window_of(rules, now)
        # weekday: only the same hours 1, 2, 3 … weeks back count.
        weeks = [(start - timedelta(days=7 * j), end - timedelta(days=7 * j)) for j in range(1, 6)]
        self.weeks = [w for w in weeks if w[0] >= baseline_span(rules, now)[0]]
        for demand in demands:
            if rules.baseline == "weekday" and not any(
                a <= demand.created_at < b for a, b in self.weeks
            ):
                continue
            self.totals[demand.district] += 1
            self.counts[(demand.category, demand.district)].update(keywords(demand.content))

    def expected(self, key: tuple[str, str], word: str, count: int, volume: int) -> float:
        """The count of `word` in the category and district the baseline leads to expect in
        the window (`volume` demands of the whole district there, `count` with the word)."""
        seen = self.counts[key][word] if key in self.counts else 0
        rules = self.rules
        if rules.baseline == "weekday":
            return seen / max(len(self.weeks), 1)
        if rules.baseline == "daily":
            return seen / rules.baseline_days * rules.window_hours / 24
        total = self.totals[key[1]]
        if total == 0 or seen == 0:
            return 0.0
        share = seen / total
        if share >= 1:
            return float(volume)
        # The cluster's share of the district's other demands of the window, as in the baseline.
        return share / (1 - share) * max(volume - count, 0)


def find_clusters(
    rules: HotspotRules, now: datetime, window: Iterable[Demand], baseline: Baseline
) -> list[Cluster]:
    """The hot clusters among the window's demands, largest first."""
    start, end = window_of(rules, now)
    groups: dict[tuple[str, str], list[Demand]] = defaultdict(list)
    volumes: Counter[str] = Counter()
    for demand in window:
        if demand.district:
            groups[(demand.category, demand.district)].append(demand)
            volumes[demand.district] += 1
    clusters: list[Cluster] = []
    for key, demands in groups.items():
        holders: dict[str, set[int]] = defaultdict(set)
        units = {d.id: d.unit for d in demands}
        for demand in demands:
            for word in keywords(demand.content):
                holders[word].add(demand.id)
        hot: list[tuple[str, int, float, float]] = []
        for word, ids in holders.items():
            if len(ids) < rules.min_count:
                continue
            expected = baseline.expected(key, word, len(ids), volumes[key[1]])
            p_value = poisson_tail(len(ids), max(expected, FLOOR))
            if rules.is_hot(len(ids), expected, p_value):
                hot.append((word, len(ids), expected, p_value))
        hot.sort(key=lambda h: (-h[1], h[3], h[0]))
        for cluster in _merge(key, hot, holders, start, end):
            cluster.units = {u for t in cluster.tickets if (u := units.get(t))}
            clusters.append(cluster)
    clusters.sort(key=lambda c: (-c.count, c.category, c.district))
    return clusters


def _merge(
    key: tuple[str, str],
    hot: list[tuple[str, int, float, float]],
    holders: dict[str, set[int]],
    start: datetime,
    end: datetime,
) -> list[Cluster]:
    """Hot keywords whose tickets mostly coincide, as one cluster led by the most frequent."""
    clusters: list[Cluster] = []
    for word, count, expected, p_value in hot:
        ids = holders[word]
        for cluster in clusters:
            common = len(ids & cluster.tickets)
            if common >= MERGE_OVERLAP * min(len(ids), len(cluster.tickets)):
                cluster.tickets |= ids
                if len(cluster.keywords) < MAX_KEYWORDS:
                    cluster.keywords.append(word)
                break
        else:
            clusters.append(
                Cluster(
                    key[0], key[1], [word], set(ids), set(), count, expected, p_value, start, end
                )
            )
    return clusters
