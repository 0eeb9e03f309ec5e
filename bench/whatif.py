"""What-if runs: the (b) bench with proposed runtime changes patched in, in this process only.

Nothing in the repository is edited: each variant monkeypatches the running interpreter to
approximate one change proposed in bench/README.md, runs N (b) lifecycles (every ticket must
still close) and prints lifecycles per CPU second and b/a against one (a) run. Variants take
turns on one SQLite file, round by round, and the best round counts (other load on a shared
machine only ever slows a round down, as with timeit), so that such load hits all alike.
The patches are prototypes for measurement, not the implementation: once a change lands in
processes/ or hotline/, drop its variant here.

    python bench/whatif.py [--n 50] [--rounds 7] [--path happy|loops] [--variants a,b] [--json]

Variants:
  baseline      the code as it is
  one-flush     Runtime.start/complete_task run under session.no_autoflush, so each call
                writes once, at the end of _advance, instead of 3 flushes per call
  no-refresh    Runtime.complete_task without session.refresh(record) (one SELECT less)
  warm-state    the workflow object kept in memory per (instance id, revision) and reused
                instead of StateSerializer.loads when the row's revision matches (dump stays)
  inbox-lean    hotline.inbox.inbox with a statement built once per (actor, page) and the
                total from count(*) over () in the same SELECT (one query, not two)
  all           every variant above together
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lifecycle.py, whatever the cwd

import lifecycle  # first: it puts the repo root on sys.path when hotline is not installed
import lifecycle_service
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Select, func
from sqlalchemy.orm import Session

import hotline.inbox
from hotline.actors import Actor
from hotline.models import ProcessInstance, UserTask
from processes.registry import CompiledProcess
from processes.runtime import Runtime
from processes.steps import Call

Undo = Callable[[], None]


def one_flush() -> Undo:
    """No autoflush inside a runtime call: one flush, at the end of _advance."""
    start, complete = Runtime.start, Runtime.complete_task

    def start_once(self: Runtime, session: Session, process_id: str, **kw: Any) -> Any:
        with session.no_autoflush:
            return start(self, session, process_id, **kw)

    def complete_once(
        self: Runtime, session: Session, task_id: str, data: dict[str, Any], actor: Actor
    ) -> UserTask:
        with session.no_autoflush:
            return complete(self, session, task_id, data, actor)

    Runtime.start = start_once  # type: ignore[method-assign]
    Runtime.complete_task = complete_once  # type: ignore[method-assign]

    def undo() -> None:
        Runtime.start = start  # type: ignore[method-assign]
        Runtime.complete_task = complete  # type: ignore[method-assign]

    return undo


def no_refresh() -> Undo:
    """complete_task without the re-read of the task record after locking the instance."""
    original = Session.refresh
    Session.refresh = lambda self, *a, **kw: None  # type: ignore[method-assign]
    return lambda: setattr(Session, "refresh", original)


def warm_state() -> Undo:
    """Reuse the last saved workflow object while the row's revision still matches it.

    _advance ends with the flush that bumps `revision`, so the entry is keyed by the value
    the row has once this call commits. A load pops the entry, so a call that fails midway
    never leaves a half-run workflow behind. Not safe as is with several processes: if the
    commit failed after the flush, another process could commit that same revision with a
    different state; the real change must store the entry only after commit.
    """
    load, advance = Runtime._load, Runtime._advance
    cache: dict[int, tuple[int, BpmnWorkflow]] = {}

    def cached_load(self: Runtime, instance: ProcessInstance, compiled: CompiledProcess) -> Any:
        hit = cache.pop(instance.id, None)
        if hit is not None and hit[0] == instance.revision:
            return hit[1]
        return load(self, instance, compiled)

    def remembering_advance(
        self: Runtime,
        call: Call,
        compiled: CompiledProcess,
        workflow: BpmnWorkflow,
        *,
        completed: str | None,
    ) -> None:
        advance(self, call, compiled, workflow, completed=completed)
        instance = call.instance
        if instance.status == "running":
            cache[instance.id] = (instance.revision, workflow)

    Runtime._load = cached_load  # type: ignore[method-assign]
    Runtime._advance = remembering_advance  # type: ignore[method-assign]

    def undo() -> None:
        Runtime._load = load  # type: ignore[method-assign]
        Runtime._advance = advance  # type: ignore[method-assign]

    return undo


def inbox_lean() -> Undo:
    """hotline.inbox.inbox with its statement built once per actor and page, and the total
    from a window function in the same SELECT instead of a second COUNT query."""
    original = hotline.inbox.inbox

    @functools.lru_cache(maxsize=1024)
    def statement(actor: Actor, page: int, per_page: int) -> Select[Any]:
        return (
            hotline.inbox._offered_to(actor)
            .where(UserTask.state == "ready")
            .add_columns(func.count().over().label("total"))
            .order_by(UserTask.created_at, UserTask.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )

    def lean(
        session: Session, actor: Actor, *, page: int = 1, per_page: int = 50
    ) -> tuple[list[tuple[UserTask, str | None]], int]:
        rows = session.execute(statement(actor, page, per_page)).all()
        if rows or page == 1:
            return [(task, number) for task, number, _ in rows], rows[0][2] if rows else 0
        return original(session, actor, page=page, per_page=per_page)  # past the last page

    hotline.inbox.inbox = lean  # type: ignore[assignment]
    lifecycle_service.inbox = lean  # type: ignore[assignment]

    def undo() -> None:
        hotline.inbox.inbox = original  # type: ignore[assignment]
        lifecycle_service.inbox = original  # type: ignore[assignment]

    return undo


VARIANTS: dict[str, tuple[Callable[[], Undo], ...]] = {
    "baseline": (),
    "one-flush": (one_flush,),
    "no-refresh": (no_refresh,),
    "warm-state": (warm_state,),
    "inbox-lean": (inbox_lean,),
    "all": (one_flush, no_refresh, warm_state, inbox_lean),
}


def measure(
    names: list[str], steps: tuple[lifecycle.Step, ...], n: int, warmup: int, rounds: int
) -> dict[str, list[float]]:
    """(b) lifecycles per CPU second of each variant, interleaved round by round on one file.

    CPU time (time.process_time) rather than wall time: the differences sought are ~5-20%,
    less than what other processes on a shared 2-core machine do to wall time. Interleaving
    spreads the rest (cache effects, the database growing) evenly over the variants.
    """
    tmpdir = Path(tempfile.mkdtemp(prefix="hotline-whatif-"))
    results: dict[str, list[float]] = {name: [] for name in names}
    try:
        bench = lifecycle.ServiceBench(tmpdir / "bench.sqlite3", steps)
        try:
            for round_no in range(rounds):
                for name in names:
                    undos = [patch() for patch in VARIANTS[name]]
                    try:
                        for _ in range(warmup if round_no == 0 else 2):
                            bench.lifecycle()
                        first = len(bench.ticket_ids)
                        cpu = time.process_time()
                        for _ in range(n):
                            bench.lifecycle()
                        cpu = time.process_time() - cpu
                    finally:
                        for undo in reversed(undos):
                            undo()
                    bench.verify(bench.ticket_ids[first:])
                    results[name].append(n / cpu)
        finally:
            bench.dispose()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure each variant; (a) is measured once."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="lifecycles per variant and round")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--path", choices=sorted(lifecycle.PATHS), default="happy")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {', '.join(VARIANTS)}")
    steps = lifecycle.PATHS[args.path]

    raw = lifecycle.RawBench(steps).run(args.n, args.warmup)["cpu_lifecycles_per_s"]
    runs = measure(names, steps, args.n, args.warmup, args.rounds)
    results = {name: max(values) for name, values in runs.items()}
    base = results.get("baseline")
    if args.json:
        out = {"path": args.path, "n": args.n, "raw_per_s": raw, "service_per_s": runs}
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"path {args.path!r}, N={args.n} per round, best of {args.rounds} interleaved rounds;"
        f" CPU time; (a) raw {raw:.1f} lifecycles per CPU second"
    )
    print(f"  {'variant':<14} {'(b)/s':>7} {'ms/lc':>7} {'b/a':>6} {'vs baseline':>11}  rounds")
    for name, per_s in results.items():
        gain = f"{per_s / base - 1:+.0%}" if base else ""
        spread = " ".join(f"{v:.1f}" for v in runs[name])
        print(
            f"  {name:<14} {per_s:7.1f} {1e3 / per_s:7.2f} {per_s / raw:6.3f} {gain:>11}  {spread}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
