"""Lifecycle throughput of ticket.bpmn: raw SpiffWorkflow in memory vs. the service layer.

One run measures N full ticket lifecycles two ways:

(a) raw:     `processes.parser.HotlineParser` parses bpmn/ticket.bpmn once; each lifecycle is
             a fresh in-memory `BpmnWorkflow` driven along the path below with the variables
             the service would store, conditions evaluated by `HotlineScriptEngine`, service
             tasks run by a no-op topic runner. No database, no serialization.
(b) service: what the API does: `hotline.tickets.create_ticket` in one transaction, then per
             user task the actor's inbox (`hotline.inbox.inbox` over the `user_tasks` index,
             its own transaction) and `Runtime.complete_task` in one transaction, on a
             schema-upgraded SQLite file, with the real handlers, form validation, history events
             and state persistence.

b/a is (b)'s lifecycles per second divided by (a)'s: the share of the bare engine's
throughput that survives everything the service adds around it (locking, loading and saving
state, form validation, handlers, history, the task index, commits). 1.0 would mean the
service adds nothing; the project's goal b/a >= 0.5 means the service may at most double the
cost of the engine work itself. (a') is (a) plus a StateSerializer dump/load per call: its
ratio to (a) bounds b/a for any design that round-trips the whole state on every call.

Every (b) lifecycle must end with the ticket `closed` and its instance `completed`, and every
step must find exactly the expected task, so the bench cannot silently time errors.

    python bench/lifecycle.py [--n 200] [--path happy|loops] [--db FILE] [--json]
    python bench/lifecycle.py --profile [FILE.prof]   # extra cProfile pass over (b)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# `python -m bench.lifecycle` leaves bench/ off sys.path; the siblings below need it.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# lifecycle_common first: it puts the repo root on sys.path when hotline is not installed.
from lifecycle_common import PATHS, Step
from lifecycle_profile import profile_service
from lifecycle_raw import RawBench
from lifecycle_report import print_report
from lifecycle_service import ServiceBench

# breakdown.py, whatif.py and sqlfloor.py use these as lifecycle.<name>.
__all__ = ["PATHS", "RawBench", "ServiceBench", "Step", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run both benches and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="timed lifecycles (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed lifecycles first")
    parser.add_argument("--path", choices=sorted(PATHS), default="happy")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary file)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="",
        metavar="FILE.prof",
        help="also cProfile (b) for another N lifecycles (optionally saving the stats)",
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be >= 1 and --warmup >= 0")
    steps = PATHS[args.path]

    tmpdir = None
    if args.db is None:
        tmpdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
        db_path = tmpdir / "bench.sqlite3"
    else:
        db_path = args.db.resolve()
    profile = None
    try:
        raw = RawBench(steps).run(args.n, args.warmup)
        bench = ServiceBench(db_path, steps)
        try:
            service = bench.run(args.n, args.warmup)
            if args.profile is not None:
                out = Path(args.profile) if args.profile else None
                profile = profile_service(bench, args.n, out)
        finally:
            bench.dispose()
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)

    result: dict[str, Any] = {
        "path": args.path,
        "user_tasks": [s.task for s in steps],
        "n": args.n,
        "warmup": args.warmup,
        "db": str(db_path) if tmpdir is None else "(temporary, removed)",
        "raw": raw,
        "service": service,
        "ratio": service["lifecycles_per_s"] / raw["lifecycles_per_s"],
        "ratio_without_inbox": service["lifecycles_per_s_without_inbox"] / raw["lifecycles_per_s"],
        "ratio_state_floor": raw["with_state_roundtrip"]["lifecycles_per_s"]
        / raw["lifecycles_per_s"],
        "ratio_cpu": service["cpu_lifecycles_per_s"] / raw["cpu_lifecycles_per_s"],
    }
    if profile is not None:
        result["profile"] = profile
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
