"""Hot-spot detection measured: recall of injected spikes and false warnings per district-month.

Generates a seeded history (bench/hotspots_history.py: background over six districts and
seven categories, spikes of 2×, 3× and 5× a cluster's expected daily count), writes it into
a SQLite file with the service's schema, and runs the service's own daily job,
hotline.hotspots.detect, at 00:30 every day after the first 35 (the baseline needs 28 days
before the window). A spike is found when a warning holds at least half its demands; found
within a day when the run right after its day did it. A warning holding no spike demand is a
false warning.

    python bench/hotspots.py [--days 125] [--seed 21] [--baselines share,daily,weekday]
                             [--min-count N] [--ratio R] [--max-p P]

Defaults: the guangyuan profile's [hotspots] rules. Not part of `make test`;
tests/test_hotspots_bench.py runs a small version with a fixed seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo, whatever the cwd

from sqlalchemy import insert, select

from bench.hotspots_history import BANDS, DISTRICTS, SH, History, generate
from hotline import clock
from hotline.config import Settings
from hotline.db import make_engine
from hotline.demo import load_demo
from hotline.hotspots import detect
from hotline.models import Ticket
from hotline.models.hotspots import HotspotWarningTicket
from hotline.policy import PROFILE_KEY, load_profile
from hotline.policy.hotspots import HotspotRules
from hotline.schema import upgrade
from processes.registry import deploy_directory
from wiring.services import build_services

REPO = Path(__file__).resolve().parent.parent
START = date(2026, 6, 1)
DETECT_AT = day_time(0, 30)  # the daily job's time (Shanghai): the window is the day before


@dataclass
class Outcome:
    """What one detection setting found."""

    rules: HotspotRules
    spikes: dict[tuple[float, float], list[int]]  # (×, band) → [spikes, found, within a day]
    false_warnings: int
    warnings: int
    district_months: float
    missed: list[str]
    seconds: float
    false_list: list[str] = dataclasses.field(default_factory=list)

    @property
    def false_per_district_month(self) -> float:
        """False warnings per district per 30 days of detection."""
        return self.false_warnings / self.district_months


def build_database(history: History, path: Path) -> None:
    """A migrated SQLite file holding the demo units and the history's demands as tickets."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    rows = [
        {
            "id": i + 1,
            "number": f"HS{i + 1:09d}",
            "channel": "phone",
            "category": category,
            "urgency": "normal",
            "requester_name": "市民",
            "requester_phone": f"139{i:08d}",
            "confidential": False,
            "content": content,
            "district": district,
            "status": "closed",
            "return_count": 0,
            "rehandle_count": 0,
            "overdue": False,
            "deadline_provisional": False,
            "extension_count": 0,
            "objection_count": 0,
            "unsatisfied_count": 0,
            "joint": False,
            "created_at": created,
            "updated_at": created,
        }
        for i, (created, district, category, content) in enumerate(history.rows)
    ]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(Ticket), rows[start : start + 5000])
    engine.dispose()


def run_detection(
    history: History, template: Path, rules: HotspotRules, days: int, first: int, workdir: Path
) -> Outcome:
    """Copy the template, run detect daily from day `first`, and score the warnings."""
    path = workdir / f"{rules.baseline}.sqlite3"
    shutil.copy(template, path)
    clock.set_clock(clock.ManualClock(datetime.combine(START, DETECT_AT, SH)))
    settings = Settings(
        database_url=f"sqlite:///{path}",
        profile="guangyuan",
        clock="manual",
        bpmn_dir=REPO / "bpmn",
        var_dir=workdir / "var",
    )
    services = build_services(settings)
    profile = dataclasses.replace(services.runtime.profile, hotspots=rules)
    services.runtime.extras = {**services.runtime.extras, PROFILE_KEY: profile}
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
        load_demo(session)
    spike_tickets: dict[int, set[int]] = defaultdict(set)
    for row, spike in history.spike_rows.items():
        spike_tickets[spike].add(row + 1)
    found_on: dict[int, date] = {}
    matched: set[int] = set()  # warnings holding spike demands
    raised: set[int] = set()
    described: dict[int, str] = {}
    began = time.perf_counter()
    for offset in range(first, days + 1):
        run_day = START + timedelta(days=offset)
        now = datetime.combine(run_day, DETECT_AT, SH)
        clock.set_clock(clock.ManualClock(now))
        with services.transaction() as session:
            touched = detect(session, services.runtime, now)
            for warning in touched:
                raised.add(warning.id)
                described[warning.id] = (
                    f"{run_day} {warning.district} {warning.category} {'、'.join(warning.keywords)}"
                    f" {warning.count} vs {warning.expected:.1f}"
                )
                tickets = set(
                    session.scalars(
                        select(HotspotWarningTicket.ticket_id).where(
                            HotspotWarningTicket.warning_id == warning.id
                        )
                    )
                )
                for spike, ids in spike_tickets.items():
                    if tickets & ids:
                        matched.add(warning.id)
                    if spike not in found_on and len(tickets & ids) * 2 >= len(ids):
                        found_on[spike] = run_day
    seconds = time.perf_counter() - began
    services.dispose()
    spikes: dict[tuple[float, float], list[int]] = defaultdict(lambda: [0, 0, 0])
    missed = []
    for index, spike in enumerate(history.spikes):
        band = max(low for low, _high in BANDS if spike.baseline >= low)
        counts = spikes[(spike.multiplier, band)]
        counts[0] += 1
        when = found_on.get(index)
        if when is not None:
            counts[1] += 1
            counts[2] += when <= spike.day + timedelta(days=1)
        elif spike.multiplier >= 3:
            missed.append(
                f"{spike.day} {spike.district} {spike.category} {spike.topic}: "
                f"baseline {spike.baseline}/day, +{spike.extra}"
            )
    districts = len({district for _, district, _, _ in history.rows})
    district_months = districts * (days + 1 - first) / 30
    false = len(raised - matched)
    false_list = [described[w] for w in sorted(raised - matched)]
    return Outcome(
        rules, dict(spikes), false, len(raised), district_months, missed, seconds, false_list
    )


def measure(
    seed: int,
    days: int,
    baselines: list[str],
    overrides: dict[str, float],
    districts: dict[str, int] | None = None,
    spikes_per_day: float = 1.0,
) -> tuple[History, list[Outcome]]:
    """Generate the history once, then measure each baseline estimate on its own copy."""
    first = 35
    history = generate(seed, days, START, spikes_per_day, districts=districts, spike_after=first)
    base = load_profile("guangyuan").hotspots
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hotspots-bench-") as tmp:
        workdir = Path(tmp)
        template = workdir / "template.sqlite3"
        build_database(history, template)
        for name in baselines:
            rules = dataclasses.replace(base, baseline=name, **overrides)  # type: ignore[arg-type]
            outcomes.append(run_detection(history, template, rules, days, first + 1, workdir))
    return history, outcomes


def report(history: History, outcomes: list[Outcome]) -> str:
    """The README's table: per baseline estimate, recall by spike size and false warnings."""
    lines = [
        f"{len(history.rows)} demands, {len(history.spikes)} spikes",
        "",
        "| baseline | spike | cluster expects / day | spikes | found | within a day "
        "| false warnings / district / month |",
        "|---|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        for multiplier, band in sorted(outcome.spikes):
            total, found, day = outcome.spikes[(multiplier, band)]
            high = dict(BANDS)[band]
            expects = f"{band:g}–{high:g}" if high < 1000 else f"≥ {band:g}"
            lines.append(
                f"| {outcome.rules.baseline} | {multiplier:g}× | {expects} | {total} "
                f"| {found} ({found / total:.0%}) "
                f"| {day} ({day / total:.0%}) | {outcome.false_per_district_month:.2f} "
                f"({outcome.false_warnings} of {outcome.warnings} warnings) |"
            )
    for outcome in outcomes:
        lines.append(f"\n{outcome.rules.baseline}: detection {outcome.seconds:.1f} s")
        lines.extend(f"  missed: {line}" for line in outcome.missed)
        lines.extend(f"  false: {line}" for line in outcome.false_list)
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=125)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--baselines", default="share,daily,weekday")
    parser.add_argument("--spikes-per-day", type=float, default=1.0)
    parser.add_argument("--min-count", type=int)
    parser.add_argument("--ratio", type=float)
    parser.add_argument("--max-p", type=float)
    args = parser.parse_args()
    overrides = {
        key: value
        for key, value in (
            ("min_count", args.min_count),
            ("ratio", args.ratio),
            ("max_p", args.max_p),
        )
        if value is not None
    }
    history, outcomes = measure(
        args.seed, args.days, args.baselines.split(","), overrides, DISTRICTS, args.spikes_per_day
    )
    print(report(history, outcomes))


if __name__ == "__main__":
    main()
