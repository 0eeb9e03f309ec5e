"""Timer firing at volume: how late N pending timers fire, and whether memory stays flat.

Target (issue 3 part 8): with 100 000 pending timers, p99 lateness <= 1 s and the scheduler
process's memory flat in the number of timers, because the database is the queue.

Setup, in a child process (so its allocations do not count against the scheduler):

- a schema-upgraded SQLite file (temporary unless `--db`) with one tiny diagram deployed, inline
  below: start -> user task `work` with an interrupting boundary timer `timeDate ${due_at}`
  -> end. Firing the timer cancels the task and completes the instance.
- `--seed` instances (default 200) started one by one through `Runtime.start`; the rest, up
  to N, cloned from the first with bulk INSERTs: its `process_instances`, `timers` and
  `user_tasks` rows, with every task UUID in the state replaced by a fresh one and the due
  time rewritten. A clone is what `Runtime.start` would have written, only faster to make.
- Due times spread evenly at `--rate` timers per second of service time (default 100/s, so
  100 000 timers span 1 000 s), starting 1 s after the clock's start.

Firing, in this process: the service clock is a `ManualClock`. Each step sets it and calls
`scheduler.firing.fire_round(batch=50)` (what `fire_due` and `TimerService` run) until
nothing more is due, then moves it on by `--step` (default 0.1 s) or by the wall time the
step took, whichever is more. So the clock never runs slower than real time while the
scheduler is busy, and idle gaps are skipped instead of slept. A timer's lateness is the
service-clock time at which its instance's transaction committed (step time + wall time
into the step) minus its due time; the step itself adds up to `--step` of polling delay,
as a scheduler polling that often would.

Reported: p50/p99/max lateness, timers fired per wall second (busy time only), and RSS
(/proc/self/status) after warm-up, at every 10% of the timers fired, and the peak.
Memory flat means RSS at 100% ~= RSS at 10%, and the same figures at any N.

    python bench/timers.py [--n 100000] [--rate 100] [--step 0.1] [--seed 200] [--db F] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# `python -m bench.timers` leaves bench/ off sys.path; the siblings below need it.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# timers_common (via these) puts the repo root on sys.path when hotline is not installed.
from timers_fire import fire
from timers_load import load_in_child
from timers_report import print_report


def main(argv: list[str] | None = None) -> int:
    """Load, fire, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="pending timers (100000)")
    parser.add_argument("--rate", type=float, default=100.0, help="timers due per second (100)")
    parser.add_argument("--step", type=float, default=0.1, help="clock step, seconds (0.1)")
    parser.add_argument("--batch", type=int, default=50, help="instances per fire_round (50)")
    parser.add_argument("--seed", type=int, default=200, help="instances via Runtime.start")
    parser.add_argument("--db", type=Path, help="new SQLite file (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    if args.n < 10 or args.seed < 1 or args.rate <= 0 or args.step <= 0 or args.batch < 1:
        parser.error("need --n >= 10, --seed >= 1, and positive --rate, --step, --batch")

    tmpdir = None
    if args.db is None:
        tmpdir = Path(tempfile.mkdtemp(prefix="hotline-bench-timers-"))
        db_path = tmpdir / "timers.sqlite3"
    else:
        db_path = args.db.resolve()
        if db_path.exists():
            parser.error(f"{db_path} exists; give a new file")
    try:
        setup = load_in_child(db_path, args.n, args.seed, args.rate)
        run = fire(db_path, args.n, args.rate, args.step, args.batch, setup["first_id"])
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
    samples = run["rss_kib"]["samples"]
    result: dict[str, Any] = {
        "n": args.n,
        "rate": args.rate,
        "window_s": args.n / args.rate,
        "step_s": args.step,
        "batch": args.batch,
        "db": str(db_path) if tmpdir is None else "(temporary, removed)",
        "setup": setup,
        "fire": run,
        "rss_growth_mib": (samples[-1]["rss"] - samples[0]["rss"]) / 1024 if samples else 0.0,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
