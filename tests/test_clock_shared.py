"""The manual clock kept in the database: shared by workers, kept by restarts, bounded moves.

Issue 11 §2 (third bullet): a drill starts at HOTLINE_CLOCK_START and every worker of
`hotline serve --workers 2` (and the scheduler) reads the same time; §3 (bullet 5): a
1,000-year move is refused with a 422 naming `now`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from hotline import clock
from hotline.config import ConfigError, Settings, load_settings
from tests.conftest import REPO
from tests.helpers.clock_api import Api, clock_now, make_api, shanghai
from tests.helpers.timers import DATA
from wiring.cli import main
from wiring.services import Services, build_services

DRILL = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # a past Monday 09:00 Shanghai, to replay

# A second worker: its own process, its own app, the same database (argv[1]: move to).
WORKER = """
import sys
from datetime import datetime
from hotline import clock
from wiring.services import build_services
from scheduler.clockdrive import advance_clock

services = build_services()
if len(sys.argv) > 1:
    advance_clock(services, datetime.fromisoformat(sys.argv[1]), owner="worker-2")
print(clock.now().isoformat())
"""


@pytest.fixture
def shared_settings(settings: Settings) -> Settings:
    """Manual-clock settings starting at DRILL, with no process-local clock installed."""
    return replace(settings, bpmn_dir=DATA, clock_start=DRILL)


@pytest.fixture(autouse=True)
def fresh_process_clock() -> Iterator[None]:
    """Each test starts as a new process would: on the system clock until services are built."""
    previous = clock.get_clock()
    clock.set_clock(clock.Clock())
    yield
    clock.set_clock(previous)


@pytest.fixture
def built() -> Iterator[list[Services]]:
    """Services built by a test, disposed at its end."""
    made: list[Services] = []
    yield made
    for services in made:
        services.dispose()


def start_worker(settings: Settings, built: list[Services], tokens: Api | None = None) -> Api:
    """A freshly started worker (or a restarted service): its own services and app.

    The first one loads the demo users; pass it as `tokens` to the next ones.
    """
    services = build_services(settings)
    built.append(services)
    if tokens is None:
        return make_api(services)
    from api import create_app

    return Api(create_app(services).test_client(), tokens.tokens)


def other_process(settings: Settings, move_to: datetime | None = None) -> datetime:
    """The time a worker in another process reads, after it moved the clock to `move_to`."""
    env = {
        **os.environ,
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_CLOCK": "manual",
        "HOTLINE_BPMN_DIR": str(DATA),
        "HOTLINE_VAR_DIR": str(settings.var_dir),
    }
    args = [] if move_to is None else [move_to.isoformat()]
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return datetime.fromisoformat(done.stdout.strip().splitlines()[-1])


def test_the_manual_clock_starts_at_hotline_clock_start(
    shared_settings: Settings, built: list[Services]
) -> None:
    worker = start_worker(shared_settings, built)
    assert clock_now(worker.get("operator")) == DRILL


def test_a_move_by_one_worker_is_seen_by_another_process_and_back(
    shared_settings: Settings, built: list[Services]
) -> None:
    worker = start_worker(shared_settings, built)
    moved = DRILL + timedelta(days=2, hours=3)
    response = worker.post("admin", {"now": shanghai(moved)})
    assert response.status_code == 200, response.json
    # Another process on the same database reads the moved time, not its own start.
    assert other_process(shared_settings) == moved
    # It moves the clock; this worker's next request reads the new time (re-read per request).
    later = moved + timedelta(hours=5)
    assert other_process(shared_settings, later) == later
    assert clock_now(worker.get("admin")) == later
    assert clock.now() == later
    # Backwards from the other worker's time is refused here too.
    refused = worker.post("admin", {"now": shanghai(moved)})
    assert refused.status_code == 422 and "now" in refused.json["error"]["fields"]


def test_two_apps_on_one_database_agree_and_a_restart_keeps_the_time(
    shared_settings: Settings, built: list[Services]
) -> None:
    first = start_worker(shared_settings, built)
    second = start_worker(shared_settings, built, tokens=first)
    moved = DRILL + timedelta(days=1)
    assert first.post("admin", {"now": shanghai(moved)}).status_code == 200
    assert clock_now(second.get("admin")) == moved
    # A restart: a new process (fresh clock), and a HOTLINE_CLOCK_START that now differs.
    clock.set_clock(clock.Clock())
    later_start = replace(shared_settings, clock_start=DRILL + timedelta(days=30))
    restarted = start_worker(later_start, built, tokens=first)
    assert clock_now(restarted.get("admin")) == moved


@pytest.mark.parametrize(
    "jump",
    [timedelta(days=365_250), timedelta(days=3654)],
    ids=["1000-years", "10-years-and-a-day"],
)
def test_a_move_beyond_ten_years_is_refused_naming_now(
    shared_settings: Settings, built: list[Services], jump: timedelta
) -> None:
    worker = start_worker(shared_settings, built)
    response = worker.post("admin", {"now": shanghai(DRILL + jump)})
    assert response.status_code == 422, response.json
    assert "now" in response.json["error"]["fields"]
    assert "3653 days" in response.json["error"]["fields"]["now"][0]
    assert clock_now(worker.get("admin")) == DRILL
    ten_years = worker.post("admin", {"now": shanghai(DRILL + timedelta(days=3653))})
    assert ten_years.status_code == 200, ten_years.json


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2025-03-03T09:00:00", "no UTC offset"),
        ("last monday", "not an ISO 8601 time"),
        ("3025-03-03T09:00:00+08:00", "outside the manual clock's range"),
    ],
)
def test_a_bad_clock_start_is_a_clear_startup_error(value: str, says: str) -> None:
    with pytest.raises(ConfigError, match="HOTLINE_CLOCK_START") as raised:
        load_settings({"HOTLINE_CLOCK": "manual", "HOTLINE_CLOCK_START": value})
    assert says in str(raised.value)
    served = CliRunner().invoke(
        main, ["serve", "--workers", "2"], env={"HOTLINE_CLOCK_START": value}
    )
    assert served.exit_code != 0
    assert "HOTLINE_CLOCK_START" in served.output and says in served.output


def test_clock_start_with_an_offset_is_read_as_that_instant() -> None:
    settings = load_settings({"HOTLINE_CLOCK_START": "2025-03-03T09:00:00+08:00"})
    assert settings.clock_start == DRILL
    assert load_settings({}).clock_start is None
