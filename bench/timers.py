"""Timer firing at volume: how late N pending timers fire, and whether memory stays flat.

Target (issue 3 part 8): with 100 000 pending timers, p99 lateness <= 1 s and the scheduler
process's memory flat in the number of timers, because the database is the queue.

Setup, in a child process (so its allocations do not count against the scheduler):

- a migrated SQLite file (temporary unless `--db`) with one tiny diagram deployed, inline
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
import multiprocessing
import re
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
try:
    import hotline  # noqa: F401  (installed editable in the project's venv)
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import event, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hotline import clock  # noqa: E402
from hotline.actors import SYSTEM  # noqa: E402
from hotline.config import Settings  # noqa: E402
from hotline.migrate import upgrade  # noqa: E402
from hotline.models import ProcessInstance, Timer, UserTask  # noqa: E402
from hotline.services import Services, build_services  # noqa: E402
from processes.registry import deploy  # noqa: E402
from scheduler.firing import fire_round  # noqa: E402

PROCESS_ID = "bench_timer"
OWNER = "bench-timers"
T0 = datetime(2030, 1, 1, tzinfo=UTC)  # service-clock start; the first timer is due at T0+1s
LEAD_S = 1.0
CLONE_CHUNK = 2000
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="Definitions_bench_timer" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench_timer" name="bench timer" isExecutable="true">
    <bpmn:startEvent id="start" name="start">
      <bpmn:outgoing>flow_start_work</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="work" name="work" camunda:candidateGroups="center">
      <bpmn:incoming>flow_start_work</bpmn:incoming>
      <bpmn:outgoing>flow_work_end_done</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end_done" name="done">
      <bpmn:incoming>flow_work_end_done</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:boundaryEvent id="expire" name="expire" attachedToRef="work">
      <bpmn:outgoing>flow_expire_end_expired</bpmn:outgoing>
      <bpmn:timerEventDefinition id="expire_timer">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${due_at}</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="end_expired" name="expired">
      <bpmn:incoming>flow_expire_end_expired</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_work" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="flow_work_end_done" sourceRef="work" targetRef="end_done" />
    <bpmn:sequenceFlow id="flow_expire_end_expired" sourceRef="expire" targetRef="end_expired" />
  </bpmn:process>
</bpmn:definitions>
"""


class BenchError(AssertionError):
    """The run did not do what the bench expected: its figures would be meaningless."""


def settings_for(db_path: Path) -> Settings:
    """Settings for the bench database, on the manual clock."""
    return Settings(
        database_url=f"sqlite:///{db_path}",
        profile="guangyuan",
        clock="manual",
        bpmn_dir=db_path.parent,
        var_dir=db_path.parent,
    )


def due_offset(index: int, rate: float) -> float:
    """Seconds after T0 at which the timer of the index-th instance is due."""
    return LEAD_S + index / rate


def due_datetime(index: int, rate: float) -> datetime:
    """The due time of the index-th instance, to the microsecond."""
    return T0 + timedelta(microseconds=round(due_offset(index, rate) * 1e6))


def rss_kib() -> dict[str, int]:
    """Current and peak resident set size of this process, in KiB."""
    found: dict[str, int] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"rss": found.get("VmRSS", peak), "peak": found.get("VmHWM", peak)}


# -- setup (child process) --------------------------------------------------------------------


def _clone_rows(
    template: dict[str, dict[str, Any]], instance_id: int, due: datetime, old_due: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Rows of one clone: fresh task UUIDs throughout the state, the new due time."""
    mapping: dict[str, str] = {}

    def fresh(match: re.Match[str]) -> str:
        return mapping.setdefault(match.group(0), str(uuid.uuid4()))

    state = UUID_RE.sub(fresh, template["instance"]["state"]).replace(old_due, due.isoformat())
    instance = {**template["instance"], "id": instance_id, "state": state}
    timer = {
        **template["timer"],
        "id": mapping[template["timer"]["id"]],
        "instance_id": instance_id,
        "due_at": due,
    }
    task = {**template["task"], "id": mapping[template["task"]["id"]], "instance_id": instance_id}
    return instance, timer, task


def load(db_path: Path, n: int, seed: int, rate: float) -> dict[str, Any]:
    """Create the database with n pending timers; timings of the two ways of making them."""
    clock.set_clock(clock.ManualClock(T0))
    services = build_services(settings_for(db_path))
    upgrade(services.engine)
    with services.transaction() as session:
        deploy(session, DIAGRAM, f"{PROCESS_ID}.bpmn")
    seed = min(seed, n)
    started = time.perf_counter()
    first_id = 0
    for index in range(seed):
        with services.transaction() as session:
            instance = services.runtime.start(
                session,
                PROCESS_ID,
                actor=SYSTEM,
                variables={"due_at": due_datetime(index, rate).isoformat()},
            )
            if index == 0:
                first_id = instance.id
            elif instance.id != first_id + index:
                raise BenchError(f"instance ids are not consecutive at {instance.id}")
    seeded = time.perf_counter() - started

    started = time.perf_counter()
    with services.transaction() as session:
        template = {
            "instance": dict(
                session.execute(
                    select(ProcessInstance.__table__).where(ProcessInstance.id == first_id)
                )
                .one()
                ._mapping
            ),
            "timer": dict(
                session.execute(select(Timer.__table__).where(Timer.instance_id == first_id))
                .one()
                ._mapping
            ),
            "task": dict(
                session.execute(select(UserTask.__table__).where(UserTask.instance_id == first_id))
                .one()
                ._mapping
            ),
        }
    old_due = due_datetime(0, rate).isoformat()
    if template["instance"]["state"].count(old_due) != 2:  # workflow data + timer event_value
        raise BenchError("the template's state does not hold its due time where expected")
    for chunk_start in range(seed, n, CLONE_CHUNK):
        rows: tuple[list[dict[str, Any]], ...] = ([], [], [])
        for index in range(chunk_start, min(n, chunk_start + CLONE_CHUNK)):
            clone = _clone_rows(template, first_id + index, due_datetime(index, rate), old_due)
            for bucket, row in zip(rows, clone, strict=True):
                bucket.append(row)
        with services.transaction() as session:
            session.execute(insert(ProcessInstance.__table__), rows[0])
            session.execute(insert(Timer.__table__), rows[1])
            session.execute(insert(UserTask.__table__), rows[2])
    cloned = time.perf_counter() - started
    with services.transaction() as session:
        pending = session.scalar(select(func.count()).select_from(Timer))
    services.dispose()
    if pending != n:
        raise BenchError(f"{pending} timers pending after loading, expected {n}")
    return {
        "first_id": first_id,
        "seeded": seed,
        "seed_seconds": seeded,
        "starts_per_s": seed / seeded if seeded else 0.0,
        "cloned": n - seed,
        "clone_seconds": cloned,
        "clones_per_s": (n - seed) / cloned if cloned and n > seed else 0.0,
    }


def _load_in_child(db_path: Path, n: int, seed: int, rate: float) -> dict[str, Any]:
    """Run `load` in a fresh process and return its result."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(load, (db_path, n, seed, rate))


# -- firing (this process) --------------------------------------------------------------------


class Lateness:
    """Lateness counted in 1 ms buckets: memory bounded by the spread, not by N."""

    def __init__(self) -> None:
        self.buckets: Counter[int] = Counter()
        self.count = 0
        self.max = 0.0
        self.min = float("inf")

    def add(self, seconds: float) -> None:
        self.buckets[int(seconds * 1000)] += 1
        self.count += 1
        self.max = max(self.max, seconds)
        self.min = min(self.min, seconds)

    def percentile(self, q: float) -> float:
        """Upper edge of the bucket holding the q-th percentile, in ms."""
        rank = q * self.count
        seen = 0
        for bucket in sorted(self.buckets):
            seen += self.buckets[bucket]
            if seen >= rank:
                return bucket + 1.0
        return self.max * 1000


def fire(
    db_path: Path, n: int, rate: float, step: float, batch: int, first_id: int
) -> dict[str, Any]:
    """Fire every timer by stepping the manual clock; lateness, throughput and RSS."""
    manual = clock.ManualClock(T0)
    clock.set_clock(manual)
    services: Services = build_services(settings_for(db_path))
    commits: list[float] = []

    def committed(_session: Session) -> None:
        commits.append(time.perf_counter())

    event.listen(services.sessions, "after_commit", committed)
    rss_cold = rss_kib()
    late = Lateness()
    samples: list[dict[str, Any]] = []
    next_sample = n // 10
    rss_warm: dict[str, int] | None = None
    fired = steps = rounds = 0
    busy = 0.0
    now_s = 0.0
    last_due = due_offset(n - 1, rate)
    wall_started = time.perf_counter()
    while fired < n:
        if now_s > last_due + 600:
            raise BenchError(f"only {fired} of {n} timers fired 10 min after the last was due")
        manual.set(T0 + timedelta(seconds=now_s))
        step_started = time.perf_counter()
        while True:
            commits.clear()
            result = fire_round(
                services, owner=OWNER, now=T0 + timedelta(seconds=now_s), batch=batch
            )
            rounds += 1
            if result.failed:
                raise BenchError(f"firing failed: {result.failed}")
            for instance_id, at in zip(result.instances, commits, strict=False):
                late.add(now_s + (at - step_started) - due_offset(instance_id - first_id, rate))
            fired += result.fired
            if rss_warm is None and fired:
                rss_warm = rss_kib()
            while next_sample and fired >= next_sample and len(samples) < 10:
                samples.append({"fired": fired, **rss_kib()})
                next_sample += n // 10
            if not result.more:
                break
        spent = time.perf_counter() - step_started
        busy += spent
        steps += 1
        now_s += max(step, spent)
    wall = time.perf_counter() - wall_started
    rss_end = rss_kib()
    with services.transaction() as session:
        pending = session.scalar(select(func.count()).select_from(Timer))
        running = session.scalar(
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.status != "completed")
        )
    services.dispose()
    if fired != n or pending or running or late.count != n:
        raise BenchError(
            f"fired {fired}, timed {late.count} of {n}; {pending} timers pending,"
            f" {running} instances not completed"
        )
    if late.min < 0:
        raise BenchError(f"a timer fired {-late.min:.3f} s before it was due")
    return {
        "fired": fired,
        "steps": steps,
        "rounds": rounds,
        "wall_seconds": wall,
        "busy_seconds": busy,
        "fired_per_busy_s": fired / busy,
        "service_seconds": now_s,
        "lateness_ms": {
            "p50": late.percentile(0.50),
            "p99": late.percentile(0.99),
            "max": late.max * 1000,
            "min": late.min * 1000,
        },
        "rss_kib": {
            "cold": rss_cold["rss"],
            "warm": (rss_warm or rss_cold)["rss"],
            "end": rss_end["rss"],
            "peak": rss_end["peak"],
            "samples": samples,
        },
    }


# -- report -----------------------------------------------------------------------------------


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
        setup = _load_in_child(db_path, args.n, args.seed, args.rate)
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
