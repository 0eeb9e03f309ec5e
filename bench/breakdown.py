"""Where the service layer's time goes: exclusive wall time per component and API call kind.

cProfile (`lifecycle.py --profile`) instruments every Python call and roughly doubles the
run time, inflating call-heavy code (SQLAlchemy, SpiffWorkflow's task iterator) more than
the rest. This script instead wraps ~35 chosen functions with `time.perf_counter` and charges
each one only its *own* time (time spent in other wrapped functions it calls is charged to
those); overhead is about a microsecond per wrapped call (~2-3% here). Time is also split by
the kind of API call it happens in: create (create_ticket and its commit), inbox (the inbox
read, its own transaction) and complete (complete_task and its commit). Whatever no wrapper
claims is "unattributed" (context managers, the bench loop, unwrapped helpers).

SQL rows are the whole SQLAlchemy cost (building, compiling, executing, loading rows, unit
of work), BEGIN included: `flush` collects every INSERT/UPDATE, autoflushes included; a
`Session.get` that misses the identity map runs its SELECT through `Session.execute`.

    python bench/breakdown.py [--n 200] [--path happy|loops] [--with VARIANTS] [--json]
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import time
import types
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lifecycle.py, whatever the cwd

import lifecycle  # first: it puts the repo root on sys.path when hotline is not installed
import lifecycle_service
import whatif
from marshmallow import Schema
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.workflow import Workflow
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.session import SessionTransaction

import hotline.inbox
import hotline.tickets
import processes.forms
import processes.runtime
import processes.serializer
import processes.steps
import processes.topics
from processes.runtime import Runtime
from processes.serializer import StateSerializer
from processes.steps import WorkflowSteps

PHASES = ("create", "inbox", "complete")


class Tracer:
    """Exclusive-time accounting for wrapped functions, by phase (single-threaded)."""

    def __init__(self) -> None:
        self.own: defaultdict[tuple[str, str], float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.phase_time: defaultdict[str, float] = defaultdict(float)
        self.phase = "create"
        self._phase_started = 0.0
        self._stack: list[list[float]] = []
        self._undo: list[tuple[Any, Any, Any]] = []

    def start(self) -> None:
        """Begin timing phases now."""
        self._phase_started = time.perf_counter()

    def switch(self, phase: str) -> None:
        """Charge the time since the last switch to the current phase; enter `phase`."""
        now = time.perf_counter()
        self.phase_time[self.phase] += now - self._phase_started
        self.phase, self._phase_started = phase, now

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """A wrapper charging `label` with fn's time minus its wrapped callees' time."""
        own, calls, stack, clock = self.own, self.calls, self._stack, time.perf_counter

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            frame = [0.0]
            stack.append(frame)
            started = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = clock() - started
                stack.pop()
                own[self.phase, label] += elapsed - frame[0]
                calls[label] += 1
                if stack:
                    stack[-1][0] += elapsed

        return wrapper

    def entry(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """A wrapper that switches to `phase` when fn is called (untimed)."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.switch(phase)
            return fn(*args, **kwargs)

        return wrapper

    def _replace(self, owner: Any, name: str, make: Callable[[Any], Any]) -> None:
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        self._undo.append((owner, name, original))
        setattr(owner, name, make(original))

    def patch(self, owner: Any, name: str, label: str) -> None:
        """Replace owner.name (a module function or a plain method) by a timed wrapper."""
        self._replace(owner, name, lambda fn: self.wrap(label, fn))

    def patch_entry(self, owner: Any, name: str, phase: str) -> None:
        """Make owner.name switch the phase when called."""
        self._replace(owner, name, lambda fn: self.entry(phase, fn))

    def patch_registry(self, mapping: dict[Any, Any], label: str) -> None:
        """Wrap every callable in a registry dict (values: callables or lists of them)."""
        for key, value in list(mapping.items()):
            self._undo.append((mapping, key, value))
            if isinstance(value, list):
                mapping[key] = [self.wrap(label, fn) for fn in value]
            else:
                mapping[key] = self.wrap(label, value)

    def restore(self) -> None:
        """Undo every patch, newest first."""
        for owner, name, original in reversed(self._undo):
            if isinstance(owner, dict):
                owner[name] = original
            else:
                setattr(owner, name, original)
        self._undo.clear()


SQL_SELECT = "SQL: SELECT (Session.execute/scalars/scalar)"
ENGINE_RUN = "engine: do_engine_steps + Task.run"
ENGINE_FIND = "engine: get_tasks / get_task_from_id"
GLUE = "runtime: Runtime glue (own)"


def install(tracer: Tracer) -> None:
    """Wrap the components of a request; the label's prefix names its group."""
    for name in ("execute", "scalars", "scalar"):
        tracer.patch(Session, name, SQL_SELECT)
    tracer.patch(Session, "get", "SQL: Session.get (identity map, then SELECT)")
    tracer.patch(Session, "refresh", "SQL: Session.refresh (SELECT)")
    tracer.patch(Session, "flush", "SQL: flush (INSERT/UPDATE, autoflush incl.)")
    tracer.patch(SessionTransaction, "commit", "SQL: COMMIT")
    tracer.patch(Session, "close", "session: create/close")
    tracer.patch(sessionmaker, "__call__", "session: create/close")

    tracer.patch(StateSerializer, "loads", "state: StateSerializer.loads (objects)")
    tracer.patch(StateSerializer, "dumps", "state: StateSerializer.dumps (objects)")
    json_shim = types.SimpleNamespace(
        loads=tracer.wrap("state: json.loads", processes.serializer.json.loads),
        dumps=tracer.wrap("state: json.dumps", processes.serializer.json.dumps),
    )
    tracer._undo.append((processes.serializer, "json", processes.serializer.json))
    processes.serializer.json = json_shim  # type: ignore[assignment]

    tracer.patch(BpmnWorkflow, "__init__", "engine: BpmnWorkflow() at start")
    tracer.patch(BpmnWorkflow, "do_engine_steps", ENGINE_RUN)
    tracer.patch(Task, "run", ENGINE_RUN)
    tracer.patch(Workflow, "get_tasks", ENGINE_FIND)
    tracer.patch(BpmnWorkflow, "get_task_from_id", ENGINE_FIND)
    tracer.patch_registry(processes.topics._handlers, "handlers: topic handlers (own)")

    tracer.patch(processes.forms, "build_schema", "form: build_schema")
    tracer.patch(Schema, "load", "form: Schema.load")
    tracer.patch_registry(processes.forms._rules, "form: rules (handlers/ticket_forms)")
    tracer.patch(processes.steps, "validate_form", "form: validate_form/split (own)")
    tracer.patch(processes.runtime, "split_variables", "form: validate_form/split (own)")

    tracer.patch(processes.runtime, "record_instance_event", "history: record_event")
    tracer.patch(processes.steps, "record_instance_event", "history: record_event")
    tracer.patch(hotline.tickets, "record_event", "history: record_event")
    tracer.patch(processes.steps, "sync_task_index", "index: sync_task_index/ready_tasks (own)")
    tracer.patch(Runtime, "ready_tasks", "index: sync_task_index/ready_tasks (own)")
    for name in ("complete_task", "_engine", "start"):
        tracer.patch(Runtime, name, GLUE)
    for name in ("_advance", "_validate", "_load"):
        tracer.patch(WorkflowSteps, name, GLUE)
    tracer.patch(hotline.tickets, "next_number", "intake: create_ticket (own)")
    tracer.patch(lifecycle_service, "create_ticket", "intake: create_ticket (own)")
    tracer.patch(hotline.inbox, "_offered_to", "inbox: hotline.inbox (own)")
    tracer.patch(lifecycle_service, "inbox", "inbox: hotline.inbox (own)")

    # Phase switches go outside the timed wrappers of the same functions.
    tracer.patch_entry(lifecycle_service, "create_ticket", "create")
    tracer.patch_entry(lifecycle.ServiceBench, "_inbox", "inbox")
    tracer.patch_entry(Runtime, "complete_task", "complete")


def report(tracer: Tracer, n: int) -> dict[str, Any]:
    """Rows (ms per lifecycle by phase), group totals and unattributed time."""
    labels = sorted({label for _, label in tracer.own}, key=lambda lb: -sum(
        tracer.own[p, lb] for p in PHASES))  # fmt: skip
    total = sum(tracer.phase_time.values()) / n * 1e3
    rows = []
    for label in labels:
        by_phase = {p: tracer.own[p, label] / n * 1e3 for p in PHASES}
        ms = sum(by_phase.values())
        rows.append(
            {
                "component": label,
                **by_phase,
                "ms_per_lifecycle": ms,
                "share": ms / total,
                "calls_per_lifecycle": tracer.calls[label] / n,
            }
        )
    phase_ms = {p: tracer.phase_time[p] / n * 1e3 for p in PHASES}
    unattributed = {p: phase_ms[p] - sum(r[p] for r in rows) for p in PHASES}
    groups: defaultdict[str, float] = defaultdict(float)
    for r in rows:
        groups[r["component"].split(":", 1)[0]] += r["ms_per_lifecycle"]
    return {
        "ms_per_lifecycle": total,
        "phase_ms": phase_ms,
        "rows": rows,
        "unattributed": unattributed,
        "groups": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
    }


def print_report(result: dict[str, Any]) -> None:
    """The table."""
    patched = f" with whatif variants {', '.join(result['variants'])}" if result["variants"] else ""
    steps = result["user_tasks"]
    total = result["ms_per_lifecycle"]
    print(
        f"path {result['path']!r}{patched}, {result['n']} lifecycles traced:"
        f" (b) {total:.2f} ms/lifecycle (1 create, {steps} inbox reads, {steps} completions);"
        f" (a) raw {result['raw_ms_per_lifecycle']:.2f} ms"
    )
    head = f"  {'component (exclusive ms per lifecycle)':<48} {'create':>7} {'inbox':>7}"
    print(f"\n{head} {'complete':>8} {'total':>7} {'share':>6} {'calls':>6}")
    for r in result["rows"]:
        print(
            f"  {r['component']:<48} {r['create']:7.3f} {r['inbox']:7.3f} {r['complete']:8.3f}"
            f" {r['ms_per_lifecycle']:7.3f} {r['share']:6.1%} {r['calls_per_lifecycle']:6.1f}"
        )
    un = result["unattributed"]
    print(
        f"  {'unattributed':<48} {un['create']:7.3f} {un['inbox']:7.3f} {un['complete']:8.3f}"
        f" {sum(un.values()):7.3f} {sum(un.values()) / total:6.1%}"
    )
    ph = result["phase_ms"]
    print(
        f"  {'= per kind of call':<48} {ph['create']:7.3f} {ph['inbox']:7.3f}"
        f" {ph['complete']:8.3f} {total:7.3f}"
    )
    print("\n  by group:")
    for name, ms in result["groups"].items():
        print(f"    {name:<10} {ms:7.3f} ms/lifecycle  {ms / total:6.1%}")


def main(argv: list[str] | None = None) -> int:
    """Run N traced (b) lifecycles and print exclusive time per component."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--path", choices=sorted(lifecycle.PATHS), default="happy")
    parser.add_argument(
        "--with",
        dest="variants",
        default="",
        help="comma-separated whatif.py variants to patch in first (e.g. all)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    steps = lifecycle.PATHS[args.path]
    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    if any(name not in whatif.VARIANTS for name in names):
        parser.error(f"--with takes variants of whatif.py: {', '.join(whatif.VARIANTS)}")

    tmpdir = Path(tempfile.mkdtemp(prefix="hotline-breakdown-"))
    try:
        raw = lifecycle.RawBench(steps).run(args.n, args.warmup)
        bench = lifecycle.ServiceBench(tmpdir / "bench.sqlite3", steps)
        undos = [patch() for name in names for patch in whatif.VARIANTS[name]]
        tracer = Tracer()
        try:
            for _ in range(args.warmup):
                bench.lifecycle()
            install(tracer)
            tracer.start()
            for _ in range(args.n):
                bench.lifecycle()
            tracer.switch("create")
        finally:
            tracer.restore()
            for undo in reversed(undos):
                undo()
        bench.verify()
        bench.dispose()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    result = {
        "path": args.path,
        "variants": names,
        "n": args.n,
        "user_tasks": len(steps),
        "raw_ms_per_lifecycle": raw["ms_per_lifecycle"],
        **report(tracer, args.n),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
