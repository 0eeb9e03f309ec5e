"""Messages at volume: N texts queued at once, delivered by one dispatcher to a local gateway.

Target (issue 14): 10 000 messages queued in one transaction reach a local receiver within
60 s, delivered by one dispatcher on a 2-core machine. Reported: the wall time from the
commit of the queue to the last row settled, throughput, and each message's delay (its
`sent_at` minus its `created_at`, both on the wall clock) at p50, p99 and max.

- The receiver is the stand-in SMS gateway (`hotline messages gateway`, wiring.sms_gateway)
  in a process of its own, so it takes no CPU from the dispatcher's interpreter; it checks
  every signature (its output is searched for a bad one) and keeps every text.
- The database is a new SQLite file (temporary unless `--db`), or `--database-url`
  (PostgreSQL: give an empty schema, e.g. `?options=-csearch_path%3Dbench`); the schema is
  upgraded first.
- The dispatcher is `hotline.messages.dispatch.dispatch` (what `OutboxDispatcher` runs in
  `hotline serve` and `hotline scheduler`) with the deployment defaults: 8 workers, batches
  bounded by the lease.
- The run fails if any row is not `sent`, or the gateway did not receive each key once
  with a valid signature.

    python bench/notifications.py [--n 10000] [--workers 8] [--db F | --database-url U] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
try:
    import hotline  # noqa: F401  (installed editable in the project's venv)
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import select  # noqa: E402

from hotline import clock, sealing  # noqa: E402
from hotline.db import make_engine, make_session_factory, transaction  # noqa: E402
from hotline.messages.dispatch import dispatch  # noqa: E402
from hotline.messages.outbox import enqueue  # noqa: E402
from hotline.messages.settings import MessagingSettings, SmsGateway, parse_routes  # noqa: E402
from hotline.models.messages import OutboxMessage  # noqa: E402
from hotline.schema import upgrade  # noqa: E402

SECRET = "bench-secret"
TARGET_S = 60.0
BODY = "【12345】您反映的诉求（工单 GY20261123000001）已办结，请回复 1 满意 2 基本满意 3 不满意。"


class BenchError(AssertionError):
    """The run did not do what the bench expected: its figures would be meaningless."""


def main(argv: list[str] | None = None) -> int:
    """Queue, deliver, check, report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="messages queued at once (10000)")
    parser.add_argument("--workers", type=int, default=8, help="deliveries in flight (8)")
    parser.add_argument("--db", type=Path, help="new SQLite file (default: a temporary one)")
    parser.add_argument("--database-url", help="an empty database or schema instead of SQLite")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1:
        parser.error("need --n >= 1 and --workers >= 1")

    tmpdir = Path(tempfile.mkdtemp(prefix="hotline-bench-messages-"))
    # Outbox addresses are sealed at rest: a throwaway key file, as a fresh var dir has.
    sealing.install(sealing.load_keyring(None, None, tmpdir))
    url = args.database_url
    if url is None:
        path = (args.db or tmpdir / "messages.sqlite3").resolve()
        if path.exists():
            parser.error(f"{path} exists; give a new file")
        url = f"sqlite:///{path}"
    gateway, port = start_gateway(tmpdir)
    try:
        result = run(url, port, args.n, args.workers)
        check(result, received_keys(port), (tmpdir / "gateway.out").read_text(errors="replace"))
    finally:
        gateway.terminate()
        gateway.wait(10)
        shutil.rmtree(tmpdir, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_report(result)
    return 0 if result["elapsed_s"] <= TARGET_S else 1


def start_gateway(tmpdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    """The stand-in gateway in its own process on a free port; (process, port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hotline_cli = Path(sys.executable).parent / "hotline"
    command = [str(hotline_cli), "messages", "gateway", "--port", str(port), "--secret", SECRET]
    env = {**os.environ, "HOTLINE_VAR_DIR": str(tmpdir)}
    with (tmpdir / "gateway.out").open("wb") as out:  # a line per text: "signed" or not
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise BenchError("the stand-in gateway did not start")


def run(url: str, port: int, n: int, workers: int) -> dict[str, Any]:
    """Queue `n` texts in one transaction, deliver them with one dispatcher, measure."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    messaging = MessagingSettings(
        routes=parse_routes("*=log; requester=sms"),
        sms=SmsGateway(f"http://127.0.0.1:{port}/sms/send", SECRET),
        workers=workers,
    )
    started = time.perf_counter()
    with transaction(sessions) as session:
        for index in range(n):
            enqueue(
                session,
                kind="callback_request",
                channel="sms",
                recipient="requester",
                address=f"138{index:08d}",
                body=BODY,
            )
    queued = time.perf_counter()
    report = dispatch(sessions, messaging, "bench")
    done = time.perf_counter()
    with transaction(sessions) as session:
        rows = session.execute(
            select(OutboxMessage.status, OutboxMessage.created_at, OutboxMessage.sent_at)
        ).all()
    engine.dispose()
    delays = sorted(
        (sent - created).total_seconds() for _, created, sent in rows if sent is not None
    )
    statuses = Counter(status for status, _, _ in rows)
    return {
        "n": n,
        "database": url.split(":", 1)[0],
        "workers": workers,
        "queue_s": round(queued - started, 2),
        "elapsed_s": round(done - queued, 2),
        "per_second": round(n / (done - queued), 1),
        "delay_p50_s": round(percentile(delays, 0.50), 2),
        "delay_p99_s": round(percentile(delays, 0.99), 2),
        "delay_max_s": round(delays[-1], 2) if delays else None,
        "statuses": dict(statuses),
        "attempts": {"sent": report.sent, "retrying": report.retrying, "failed": report.failed},
        "clock": type(clock.get_clock()).__name__,
    }


def received_keys(port: int) -> Counter[str]:
    """How often the gateway received each key (GET /sms)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/sms", timeout=60) as response:
        texts = json.load(response)["texts"]
    return Counter(str(text["id"]) for text in texts)


def check(result: dict[str, Any], received: Counter[str], gateway_log: str) -> None:
    """Every row sent, each key received exactly once, every signature valid."""
    if "BAD SIGNATURE" in gateway_log:
        raise BenchError("the gateway received texts with a bad signature")
    if result["statuses"] != {"sent": result["n"]}:
        raise BenchError(f"not every message was sent: {result['statuses']}")
    if len(received) != result["n"] or max(received.values()) != 1:
        raise BenchError(f"the gateway saw {len(received)} keys, some more than once")
    result["received"] = len(received)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile of sorted `values` (nearest rank)."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def print_report(result: dict[str, Any]) -> None:
    """The figures, one per line."""
    verdict = "met" if result["elapsed_s"] <= TARGET_S else "NOT met"
    print(f"messages       {result['n']} SMS queued in one transaction ({result['queue_s']} s)")
    print(f"database       {result['database']}, one dispatcher, {result['workers']} workers")
    print(f"delivered in   {result['elapsed_s']} s (target {TARGET_S:g} s: {verdict})")
    print(f"throughput     {result['per_second']} messages/s")
    print(
        f"delay          p50 {result['delay_p50_s']} s, p99 {result['delay_p99_s']} s, "
        f"max {result['delay_max_s']} s (sent_at - created_at)"
    )
    print(f"gateway        {result['received']} distinct keys, each once, signatures checked")


if __name__ == "__main__":
    sys.exit(main())
