"""The hot-spot benchmark, small and seeded: the measured goals hold for the shipped rules.

README "Hot-spot warnings": spikes of 3× and 5× a cluster's expected daily count, where the
cluster expects 6 or more demands a day, are found within a day (at least 90 %); 5× spikes
from 3 a day all are; fewer than one false warning per district per month. The profile's
[hotspots] rules (guangyuan 第二十一条, 000_27d936bb79493c2c.txt) run unchanged through
hotline.hotspots.detect on SQLite.
"""

from __future__ import annotations

from bench.hotspots import measure

DISTRICTS = {"利州区": 160, "旺苍县": 80}


def test_big_spikes_are_found_within_a_day_and_false_warnings_stay_rare() -> None:
    _history, [outcome] = measure(
        seed=5, days=56, baselines=["share"], overrides={}, districts=DISTRICTS, spikes_per_day=3
    )
    assert outcome.rules.baseline == "share" and outcome.rules.max_p == 0.0002
    spikes = outcome.spikes  # (multiplier, band) → [spikes, found, found within a day]
    big = [counts for (times, band), counts in spikes.items() if times >= 3 and band >= 6]
    total, within_a_day = sum(c[0] for c in big), sum(c[2] for c in big)
    assert total >= 5, spikes  # enough spikes to mean something
    assert within_a_day >= 0.9 * total, outcome.missed
    for (times, band), (count, _found, in_a_day) in spikes.items():
        if times >= 5 and band >= 3:
            assert in_a_day == count, ((times, band), outcome.missed)
    assert outcome.false_per_district_month < 1, outcome.false_list
    # Spikes within chance are not all found: the measure tells found from missed.
    small = spikes.get((2.0, 1.0))
    assert small is not None and small[1] < small[0]
