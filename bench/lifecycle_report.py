"""lifecycle.py's human-readable report of (a), (a'), (b), b/a and the optional profile."""

from __future__ import annotations

from typing import Any


def print_report(result: dict[str, Any]) -> None:
    """Human-readable figures."""
    raw, svc = result["raw"], result["service"]
    names = " -> ".join(result["user_tasks"])
    print(f"ticket.bpmn, path {result['path']!r}: {len(result['user_tasks'])} user tasks")
    print(f"  ({names})")
    print(
        f"  N={result['n']} lifecycles timed after {result['warmup']} warm-up ones each"
        f" ((a): median of {len(raw['rounds_seconds'])} rounds)"
    )
    print(f"  SQLite file: {result['db']}")
    print()
    print(
        f"(a) raw SpiffWorkflow, in memory : {raw['lifecycles_per_s']:8.1f} lifecycles/s"
        f"  ({raw['ms_per_lifecycle']:.2f} ms each)"
    )
    rt = raw["with_state_roundtrip"]
    print(
        f"(a') (a) + state dump/load per call: {rt['lifecycles_per_s']:6.1f} lifecycles/s"
        f"  ({rt['ms_per_lifecycle']:.2f} ms each; a'/a = {result['ratio_state_floor']:.3f},"
        " the most b/a can be while every call loads and dumps the whole state)"
    )
    print(
        f"(b) service layer + SQLite       : {svc['lifecycles_per_s']:8.1f} lifecycles/s"
        f"  ({svc['ms_per_lifecycle']:.2f} ms each; p50 {svc['lifecycle']['p50']:.2f},"
        f" p95 {svc['lifecycle']['p95']:.2f})"
    )
    print(
        f"    b/a = {result['ratio']:.3f}   (goal >= 0.5; without the inbox reads:"
        f" {result['ratio_without_inbox']:.3f}; by CPU time: {result['ratio_cpu']:.3f})"
    )
    print()
    print("(b) per step, ms            mean    p50    p95 | inbox complete commit | (a) mean"
          " | state bytes")  # fmt: skip
    create = svc["create"]
    print(
        f"  {'create_ticket':<22} {create['mean']:6.2f} {create['p50']:6.2f} {create['p95']:6.2f}"
        f" | {'':5} {'':8} {'':6} | {'':8} | {create['state_bytes']:>7}"
    )
    for s, r in zip(svc["steps"], raw["steps"], strict=True):
        print(
            f"  {s['task']:<22} {s['mean']:6.2f} {s['p50']:6.2f} {s['p95']:6.2f}"
            f" | {s['inbox_ms']:5.2f} {s['complete_ms']:8.2f} {s['commit_ms']:6.2f}"
            f" | {r['mean']:8.3f} | {s['state_bytes']:>7}"
        )
    end = svc["end_state_bytes"]
    print(
        f"  state at the end of a lifecycle: {end['mean']} bytes"
        f" (min {end['min']}, max {end['max']}); all {result['n'] + result['warmup']}"
        " tickets closed"
    )
    prof = result.get("profile")
    if prof:
        print()
        print(
            f"cProfile of (b): {prof['lifecycles']} more lifecycles, inclusive ms per API call"
            f" ({prof['api_calls_per_lifecycle']} per lifecycle: create_ticket + completions,"
            f" inbox reads charged to them); profiled {prof['profiled_ms_per_call']:.2f} ms/call,"
            " about 2x the unprofiled time - read as shares. Rows overlap."
        )
        for row in prof["rows"]:
            print(f"  {row['label']:<44} {row['ms_per_call']:7.3f}  ({row['calls_per_call']:.1f}x)")
        sql = ", ".join(f"{k} {v:.1f}" for k, v in prof["sql_statements_per_call"].items())
        print(f"  SQL statements per API call: {sql}")
        print("  top functions by own time (ms per API call):")
        for row in prof["top_own_time"]:
            print(
                f"    {row['ms_per_call']:7.3f}  {row['function']}  ({row['calls_per_call']:.0f}x)"
            )
