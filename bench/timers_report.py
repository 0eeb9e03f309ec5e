"""timers.py's human-readable summary: setup rates, lateness, RSS trail."""

from __future__ import annotations

from typing import Any


def print_report(result: dict[str, Any]) -> None:
    """Human-readable summary."""
    setup, run = result["setup"], result["fire"]
    lat, rss = run["lateness_ms"], run["rss_kib"]
    print(
        f"{result['n']} timers, due {result['rate']:g}/s over {result['window_s']:.0f} s of"
        f" service time; step {result['step_s']:g} s, batch {result['batch']}"
    )
    print(
        f"setup: {setup['seeded']} Runtime.start ({setup['starts_per_s']:.0f}/s),"
        f" {setup['cloned']} bulk clones ({setup['clones_per_s']:.0f}/s)"
    )
    print(
        f"fired {run['fired']} in {run['wall_seconds']:.1f} s wall ({run['busy_seconds']:.1f} s"
        f" busy): {run['fired_per_busy_s']:.0f} timers/s; {run['steps']} clock steps"
    )
    print(
        f"lateness: p50 {lat['p50']:.0f} ms, p99 {lat['p99']:.0f} ms, max {lat['max']:.0f} ms"
        f"   (target p99 <= 1000 ms: {'met' if lat['p99'] <= 1000 else 'MISSED'})"
    )
    mib = 1024
    trail = " ".join(f"{s['rss'] / mib:.1f}" for s in rss["samples"])
    print(
        f"RSS MiB: cold {rss['cold'] / mib:.1f}, after first firing {rss['warm'] / mib:.1f},"
        f" end {rss['end'] / mib:.1f}, peak {rss['peak'] / mib:.1f}"
    )
    print(f"  at 10%..100% fired: {trail}")
    print(f"  growth 10% -> 100%: {result['rss_growth_mib']:+.1f} MiB")
