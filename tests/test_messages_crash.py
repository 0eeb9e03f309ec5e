"""kill -9 of a real `hotline scheduler` while it is delivering loses no message: after a
restart each one reaches the gateway, and what the gateway sees twice has the same key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.config import Settings
from hotline.messages.settings import MessagingSettings
from tests.conftest import REPO
from tests.helpers.outbox import eventually, queue, rows
from tests.helpers.receivers import SmsReceiver
from wiring.services import Services, build_services

HOTLINE = Path(sys.executable).parent / "hotline"
COUNT = 40


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """A slow gateway (0.3 s an answer): a kill always finds texts in flight."""
    receiver = SmsReceiver()
    receiver.delay = 0.3
    yield receiver
    receiver.close()


@pytest.fixture
def system_services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    """Services on the wall clock, as the scheduler processes run."""
    settings = Settings(
        database_url=database_url,
        profile="guangyuan",
        clock="system",
        bpmn_dir=REPO / "bpmn",
        var_dir=tmp_path / "var",
        messaging=MessagingSettings(),
    )
    services = build_services(settings)
    yield services
    services.dispose()


def start_scheduler(database_url: str, gateway: SmsReceiver, log: Path) -> subprocess.Popen:
    """`hotline scheduler` texting requesters through `gateway`, with a 2 s lease."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(
        HOTLINE_DATABASE_URL=database_url,
        HOTLINE_VAR_DIR=str(log.parent / "var"),
        HOTLINE_CLOCK="system",
        HOTLINE_CHANNELS="*=log; requester=sms; admin=inapp",
        HOTLINE_SMS_URL=gateway.url,
        HOTLINE_SMS_SECRET=gateway.secret,
        HOTLINE_MESSAGE_LEASE="2",
        HOTLINE_MESSAGE_BACKOFF="1",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(HOTLINE), "scheduler"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def test_a_killed_dispatcher_loses_nothing_and_duplicates_keep_their_key(
    database_url: str, system_services: Services, gateway: SmsReceiver, tmp_path: Path
) -> None:
    log = tmp_path / "scheduler.log"
    keys = queue(system_services, COUNT, body="您的诉求已办结，请回复 1 满意 2 基本满意 3 不满意。")
    first = start_scheduler(database_url, gateway, log)
    try:
        eventually(lambda: len(gateway.received) >= 12, 60, "texts before the kill")
        first.kill()  # SIGKILL: no handler runs, nothing is settled
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    in_flight = [r.key for r in rows(system_services) if r.status == "sending"]
    assert in_flight, "the kill found no delivery in flight"

    second = start_scheduler(database_url, gateway, log)
    try:
        eventually(
            lambda: all(r.status == "sent" for r in rows(system_services)),
            60,
            f"every message sent after the restart; log: {log.read_text(errors='replace')}",
        )
    finally:
        second.terminate()
        second.wait(20)

    seen: dict[str, list[dict[str, object]]] = defaultdict(list)
    for received in gateway.received:
        assert received.signature_problem is None
        assert received.headers["Idempotency-Key"] == received.body["id"]
        seen[str(received.body["id"])].append(received.body)
    assert set(seen) == set(keys)  # every message delivered, nothing else
    duplicated = {key for key, bodies in seen.items() if len(bodies) > 1}
    # What was in flight at the kill came twice (the gateway had it, its row was not settled).
    assert duplicated and duplicated <= set(in_flight)
    for key in duplicated:
        assert all(body == seen[key][0] for body in seen[key])  # the same message, same key
    assert b"scheduler stopped" in log.read_bytes()  # the second one stopped cleanly


def test_the_volume_bench_delivers_each_text_once(capsys: pytest.CaptureFixture[str]) -> None:
    """bench/notifications.py, small: every row sent, each key once at the gateway, signed."""
    from bench.notifications import main

    assert main(["--n", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["statuses"] == {"sent": 300} and result["received"] == 300
    assert result["delay_p99_s"] <= result["delay_max_s"]
