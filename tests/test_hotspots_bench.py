"""The hot-spot benchmark, small and seeded: the goals of issue 13 hold for the shipped rules.

Goal (README "Hot-spot warnings"): every spike of 3× its cluster's expected daily count is
found within a day, where the cluster expects 6 or more demands a day, and fewer than one
false warning per district per month. The profile's [hotspots] rules (guangyuan 第二十一条,
000_27d936bb79493c2c.txt) run unchanged through hotline.hotspots.detect on SQLite.
"""

from __future__ import annotations

from bench.hotspots import measure

DISTRICTS = {"利州区": 160, "旺苍县": 80}


def test_every_3x_spike_is_found_within_a_day_and_false_warnings_stay_rare() -> None:
    _history, [outcome] = measure(
        seed=5, days=56, baselines=["share"], overrides={}, districts=DISTRICTS, spikes_per_day=3
    )
    assert outcome.rules.baseline == "share" and outcome.rules.max_p == 0.0002
    big = {key: counts for key, counts in outcome.spikes.items() if key[1] >= 6 and key[0] >= 3}
    assert sum(counts[0] for counts in big.values()) >= 5, outcome.spikes  # enough to mean much
    for (multiplier, band), (total, _found, within_a_day) in big.items():
        assert within_a_day == total, (multiplier, band, outcome.missed)
    assert outcome.false_per_district_month < 1, outcome.false_list
    # Spikes no larger than chance are not all found: the test can tell found from missed.
    small = [counts for key, counts in outcome.spikes.items() if key == (2.0, 1.0)]
    assert not small or small[0][1] < small[0][0]
