"""timers.py firing, in the measuring process: step the manual clock, time each firing."""

from __future__ import annotations

import resource
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from timers_common import T0, BenchError, due_offset, settings_for

from hotline import clock
from hotline.models import ProcessInstance, Timer
from scheduler.firing import fire_round
from wiring.services import Services, build_services

OWNER = "bench-timers"


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
