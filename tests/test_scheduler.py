"""The scheduler: due order, exactly once (two schedulers, crashes, restarts), TimerService.

Uses tests/data/timers.bpmn and the handlers registered in tests/helpers/timers.py. The
clock is the manual one; nothing sleeps (the one background-thread test waits on an
event the handler sets).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hotline import clock
from hotline.config import Settings
from hotline.models import ProcessInstance
from scheduler import TimerService, fire_due, fire_round
from scheduler.service import SWEEP_JOB
from tests.helpers import timers
from tests.helpers.timers import START, Crash, Recorder, at, events, start_instance, timer_rows
from wiring.services import Services, build_services

# The timer fixtures, under their own names so pytest finds them here.
recorder = timers.recorder
timer_settings = timers.timer_settings
timer_services = timers.timer_services

REPO = Path(__file__).resolve().parent.parent


def test_nothing_due_fires_nothing(timer_services: Services) -> None:
    start_instance(timer_services, at(2), at(8))
    assert fire_due(timer_services, owner="t") == 0
    assert len(timer_rows(timer_services)) == 2


def test_fire_due_fires_in_due_order_across_instances(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    _, a = start_instance(timer_services, at(5), at(50))
    _, b = start_instance(timer_services, at(1), at(60))
    _, c = start_instance(timer_services, at(3), at(70))
    manual_clock.set(at(10))
    assert fire_due(timer_services, owner="t") == 3
    assert recorder.names() == [("remind", b), ("remind", c), ("remind", a)]
    assert fire_due(timer_services, owner="t") == 0  # exactly once
    assert len(events(timer_services, "test_remind")) == 3
    assert [r.element_id for r in timer_rows(timer_services)] == ["expire"] * 3


def test_fire_due_takes_now_from_the_argument(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    start_instance(timer_services, at(1), at(50))
    start_instance(timer_services, at(5), at(60))
    manual_clock.set(at(10))
    assert fire_due(timer_services, owner="t", now=at(2)) == 1  # only what was due at 2
    assert fire_due(timer_services, owner="t") == 1


def test_batch_limits_one_call(timer_services: Services, manual_clock: clock.ManualClock) -> None:
    for hour in range(1, 6):
        start_instance(timer_services, at(hour), at(50))
    manual_clock.set(at(10))
    first = fire_round(timer_services, owner="t", batch=2)
    assert (first.fired, first.more) == (2, True)
    assert fire_due(timer_services, owner="t", batch=50) == 3


def race(services: list[Services]) -> list[int]:
    """Run fire_due in one thread per Services until nothing is due; fired per thread."""
    barrier = threading.Barrier(len(services))
    results = [0] * len(services)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            while True:
                fired = fire_due(services[index], owner=f"scheduler-{index}", batch=3)
                results[index] += fired
                if not fired:
                    break
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(services))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_schedulers_fire_each_timer_exactly_once(
    timer_services: Services,
    timer_settings: Settings,
    manual_clock: clock.ManualClock,
    recorder: Recorder,
) -> None:
    tickets = [
        start_instance(timer_services, at(1) + timedelta(minutes=i), at(50))[1] for i in range(20)
    ]
    manual_clock.set(at(2))
    other = build_services(timer_settings)  # a second process: its own engine and caches
    try:
        fired = race([timer_services, other])
    finally:
        other.dispose()
    assert sum(fired) == 20
    assert sorted(t for name, t in recorder.names() if name == "remind") == sorted(tickets)
    remind_events = events(timer_services, "test_remind")
    assert sorted(e.ticket_id for e in remind_events) == sorted(tickets)
    assert len(events(timer_services, "timer_fired")) == 20
    assert [r.element_id for r in timer_rows(timer_services)] == ["expire"] * 20


def test_a_failing_firing_rolls_back_and_fires_on_the_next_run(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    instance_id, ticket = start_instance(timer_services, at(1), at(50))
    _, other = start_instance(timer_services, at(2), at(50))
    with timer_services.transaction() as session:
        revision = session.get(ProcessInstance, instance_id).revision
    recorder.fail["remind"] = 1
    manual_clock.set(at(3))
    first = fire_round(timer_services, owner="t")
    assert first.fired == 1 and list(first.failed) == [instance_id]
    assert "injected failure" in first.failed[instance_id]
    # Rolled back: no event, the row is still pending, the state did not move.
    assert [e.ticket_id for e in events(timer_services, "test_remind")] == [other]
    assert [r.instance_id for r in timer_rows(timer_services) if r.element_id == "remind"] == [
        instance_id
    ]
    with timer_services.transaction() as session:
        assert session.get(ProcessInstance, instance_id).revision == revision
    assert fire_due(timer_services, owner="t") == 1
    assert recorder.names() == [("remind", ticket), ("remind", other), ("remind", ticket)]
    assert len(events(timer_services, "test_remind")) == 2


def test_a_crash_mid_fire_leaves_the_timer_for_the_next_process(
    timer_services: Services,
    timer_settings: Settings,
    manual_clock: clock.ManualClock,
    recorder: Recorder,
) -> None:
    _, ticket = start_instance(timer_services, at(1), at(50))
    recorder.crash["remind"] = 1
    manual_clock.set(at(3))
    with pytest.raises(Crash):
        fire_due(timer_services, owner="dying")
    timer_services.dispose()
    assert events(timer_services, "test_remind") == []
    restarted = build_services(timer_settings)
    try:
        assert fire_due(restarted, owner="restarted") == 1
    finally:
        restarted.dispose()
    assert recorder.names() == [("remind", ticket), ("remind", ticket)]
    assert [e.ticket_id for e in events(timer_services, "test_remind")] == [ticket]


def test_a_restart_catches_up_overdue_timers_in_due_order(
    timer_services: Services,
    timer_settings: Settings,
    manual_clock: clock.ManualClock,
    recorder: Recorder,
) -> None:
    _, a = start_instance(timer_services, at(3), at(30))
    _, b = start_instance(timer_services, at(1), at(10))
    _, c = start_instance(timer_services, at(2), at(40))
    timer_services.dispose()  # the process goes away with nothing fired
    manual_clock.set(at(35))
    restarted = build_services(timer_settings)  # empty spec cache, no memory of timers
    try:
        assert fire_due(restarted, owner="restarted") == 5
    finally:
        restarted.dispose()
    # Instances by their earliest due timer; within one, reminder before deadline.
    assert recorder.names() == [
        ("remind", b),
        ("expire", b),
        ("remind", c),
        ("remind", a),
        ("expire", a),
    ]
    assert [r.element_id for r in timer_rows(timer_services)] == ["expire"]


# -- TimerService ------------------------------------------------------------------------------


@pytest.fixture
def service(timer_services: Services) -> TimerService:
    """A TimerService whose APScheduler is started paused: decisions only, no thread runs."""
    built = TimerService(timer_services, sweep_seconds=30, retry_seconds=60)
    built.start(paused=True)
    yield built
    built.stop(wait=False)


def wall_delay(service: TimerService) -> float:
    """Seconds from now until the wake job runs, by the wall clock."""
    assert service.next_wake is not None
    return (service.next_wake - datetime.now(UTC)).total_seconds()


def test_service_starts_with_an_immediate_catch_up_and_a_sweep(service: TimerService) -> None:
    assert service.wake_target == START
    assert wall_delay(service) < 5
    sweep = service.scheduler.get_job(SWEEP_JOB)
    assert sweep.trigger.interval == timedelta(seconds=30)


def test_service_wakes_at_the_earliest_due_time(
    timer_services: Services, service: TimerService, manual_clock: clock.ManualClock
) -> None:
    start_instance(timer_services, at(3), at(8))
    assert service.run() == 0
    assert service.wake_target == at(3)
    assert 3 * 3600 - 5 < wall_delay(service) <= 3 * 3600
    # A new earlier timer wakes it earlier as soon as it is committed; a later one does not.
    start_instance(timer_services, at(1), at(9))
    assert service.wake_target == at(1)
    start_instance(timer_services, at(2), at(9))
    assert service.wake_target == at(1)
    assert len(service.scheduler.get_jobs()) == 2  # the sweep and ONE wake job

    manual_clock.set(at(2.5))
    assert service.run() == 2
    assert service.wake_target == at(3)
    manual_clock.set(at(24))
    assert service.run() == 4  # one remaining reminder, three deadlines
    assert service.wake_target is None and service.next_wake is None
    assert [j.id for j in service.scheduler.get_jobs()] == [SWEEP_JOB]


def test_service_backs_off_a_failing_instance_but_fires_the_others(
    timer_services: Services,
    service: TimerService,
    manual_clock: clock.ManualClock,
    recorder: Recorder,
) -> None:
    failing, first = start_instance(timer_services, at(1), at(50))
    _, second = start_instance(timer_services, at(2), at(50))
    recorder.fail["remind"] = 1  # the earliest, `failing`, fails once
    manual_clock.set(at(3))
    assert service.run() == 1
    assert recorder.names() == [("remind", first), ("remind", second)]
    # The failing instance waits out its retry delay (60 s here): no busy loop on it.
    assert at(3) + timedelta(seconds=55) < service.wake_target <= at(3) + timedelta(seconds=60)
    assert 55 < wall_delay(service) <= 60
    assert service.run() == 0
    assert len(recorder.calls) == 2
    reminders = [r.instance_id for r in timer_rows(timer_services) if r.element_id == "remind"]
    assert reminders == [failing]
    service._backoff.clear()  # as if the retry delay had passed
    assert service.run() == 1
    assert recorder.names()[-1] == ("remind", first)
    assert service.wake_target == at(50)


def test_stop_unhooks_the_listener(timer_services: Services, service: TimerService) -> None:
    assert service.wake in timer_services.runtime.timer_listeners
    service.stop(wait=False)
    assert service.wake not in timer_services.runtime.timer_listeners


def test_started_service_catches_up_on_its_own_thread(
    timer_services: Services, manual_clock: clock.ManualClock, recorder: Recorder
) -> None:
    _, ticket = start_instance(timer_services, at(1), at(50))
    manual_clock.set(at(2))
    running = TimerService(timer_services)
    running.start()
    try:
        assert recorder.fired.wait(timeout=30), "the overdue reminder did not fire"
    finally:
        running.stop(wait=True)
    assert recorder.names() == [("remind", ticket)]
    assert len(events(timer_services, "test_remind")) == 1


# -- hotline scheduler ---------------------------------------------------------------------------


def run_cli(database_url: str, clock_name: str) -> subprocess.Popen[str]:
    """`hotline scheduler` as a child process (the lead registers it on `hotline`)."""
    env = {
        **os.environ,
        "HOTLINE_DATABASE_URL": database_url,
        "HOTLINE_CLOCK": clock_name,
        "HOTLINE_BPMN_DIR": str(REPO / "tests" / "data"),
    }
    code = "from wiring.cli_scheduler import scheduler; scheduler(prog_name='hotline scheduler')"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_runs_until_signalled_and_stops_cleanly(
    timer_services: Services, timer_settings: Settings, sig: signal.Signals
) -> None:
    process = run_cli(timer_settings.database_url, "system")
    try:
        seen = []
        while not any("running" in line for line in seen):  # blocks until it runs
            line = process.stderr.readline()
            assert line, "".join(seen)  # EOF: it died
            seen.append(line)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "scheduler stopped" in err


def test_cli_runs_on_the_shared_manual_clock(
    timer_services: Services, timer_settings: Settings
) -> None:
    # The manual clock lives in the database (issue 11 §2): a separate scheduler shares it.
    process = run_cli(timer_settings.database_url, "manual")
    try:
        seen = []
        while not any("running" in line for line in seen):
            line = process.stderr.readline()
            assert line, "".join(seen)  # EOF: it refused or died
            seen.append(line)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
