"""No single stalled database session may stop the service (issue 11 §3, sixth bullet).

Observed on PostgreSQL: a session idle in a transaction holding the day's ticket-number
row made every intake hang 60 s (then gunicorn's HTML 500), and a database that accepts
connections but never answers did the same. Now every wait is bounded by the
HOTLINE_DB_* timeouts, and the caller gets a JSON 503 `database_unavailable`.

Each request runs in a thread joined with a deadline, so a regression fails the test
instead of hanging it.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url, select
from sqlalchemy.exc import OperationalError

from api import create_app
from api.errors import database_unavailable
from hotline import clock
from hotline.config import DatabaseTimeouts, Settings, load_settings
from hotline.db import make_engine
from hotline.models import Ticket
from processes.registry import deploy_directory
from scheduler import TimerService
from scheduler.service import WAKE_JOB
from tests.conftest import REPO, Hotline, make_hotline
from tests.helpers.tickets import ticket_body
from wiring.services import Services, build_services

# Short limits so the tests take seconds; production defaults are in hotline/config.py.
QUICK = DatabaseTimeouts(connect=2, statement=5, lock=1, idle_in_transaction=2, busy=1)
DEADLINE = 8.0  # seconds a request may take before the test calls it hung

BODY = ticket_body(
    requester={"name": "李四", "phone": "13900001111"},
    content="路灯损坏，夜间无照明",
    address="利州区南河街道1号",
)


def within(seconds: float, call: Callable[[], Any]) -> tuple[Any, float]:
    """`call()` in a thread; its result and how long it took. Fails if it is still running."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as exc:  # surfaced below
            box["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), f"still waiting after {seconds} s: the service hung"
    if "error" in box:
        raise box["error"]
    return box["result"], elapsed


def assert_database_unavailable(response: Any) -> None:
    """A JSON 503 with code database_unavailable and a Retry-After."""
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)
    assert response.json["error"]["code"] == "database_unavailable"
    assert "database" in response.json["error"]["message"]
    assert response.headers["Retry-After"].isdigit()


@pytest.fixture
def quick(settings: Settings, manual_clock: clock.ManualClock) -> Iterator[Hotline]:
    """The API with one-second lock and busy timeouts."""
    services = build_services(dataclasses.replace(settings, db_timeouts=QUICK))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    yield make_hotline(services)
    services.dispose()


@pytest.fixture
def holder(quick: Hotline) -> Iterator[Any]:
    """A raw driver connection of another client (no timeouts of ours), closed afterwards."""
    url = make_url(quick.services.settings.database_url)
    if url.get_backend_name() == "postgresql":
        conn: Any = psycopg.connect(url.set(drivername="postgresql").render_as_string(False))
    else:
        conn = sqlite3.connect(url.database, isolation_level=None)
    yield conn
    conn.close()


def test_intake_answers_503_within_seconds_while_a_session_holds_the_number_row(
    quick: Hotline, holder: Any
) -> None:
    """The number row locked by an idle transaction: intake 503s fast, reads still answer.

    PostgreSQL: the row lock waits `lock_timeout`; SQLite: the writer waits its busy
    timeout. Nothing is half-written, and once the holder lets go the next intake gets
    the next number.
    """
    first = quick.new_ticket()["number"]
    postgres = quick.services.engine.dialect.name == "postgresql"
    if postgres:
        holder.execute(
            "SELECT last FROM ticket_sequences WHERE key = %s FOR UPDATE", (first[:10],)
        )  # psycopg opened a transaction; the connection now idles in it
    else:
        holder.execute("BEGIN IMMEDIATE")  # SQLite's whole-database write lock
    try:
        response, elapsed = within(
            DEADLINE, lambda: quick.operator.post("/api/v1/tickets", json=BODY)
        )
        assert_database_unavailable(response)
        assert elapsed < 5, elapsed
        health, elapsed = within(DEADLINE, lambda: quick.app.test_client().get("/api/health"))
        if postgres:  # reads take no row lock: health and the inbox answer at once
            assert health.status_code == 200, health.json
            inbox, _ = within(DEADLINE, lambda: quick.center.get("/api/v1/tasks"))
            assert inbox.status_code == 200, inbox.json
            assert [t["ticket_number"] for t in inbox.json["items"]] == [first]
        else:  # every SQLite transaction queues for the write lock: a named 503
            assert_database_unavailable(health)
            assert health.json["error"]["fields"] == {"database": [health_reason(health)]}
        assert elapsed < 5, elapsed
    finally:
        holder.rollback() if postgres else holder.execute("ROLLBACK")
    with quick.services.transaction() as session:
        assert session.scalars(select(Ticket.number)).all() == [first]  # nothing half-written
    assert quick.new_ticket()["number"] == first[:-6] + "000002"


def health_reason(response: Any) -> str:
    """The reason the health check gives for the database."""
    return response.json["error"]["fields"]["database"][0]


def test_a_locked_tickets_table_gives_a_503_list_and_a_200_health(
    quick: Hotline, holder: Any
) -> None:
    """LOCK TABLE tickets in another session: the list 503s after lock_timeout; health 200."""
    if quick.services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no table locks; the number-row test covers its write lock")
    quick.new_ticket()
    holder.execute("LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE")
    try:
        listing, elapsed = within(DEADLINE, lambda: quick.center.get("/api/v1/tickets"))
        assert_database_unavailable(listing)
        assert "lock" in listing.json["error"]["message"]
        assert elapsed < 5, elapsed
        health, _ = within(DEADLINE, lambda: quick.app.test_client().get("/api/health"))
        assert health.status_code == 200, health.json
    finally:
        holder.rollback()
    assert quick.center.get("/api/v1/tickets").status_code == 200


def test_our_own_session_idle_in_a_transaction_is_ended_by_the_server(quick: Hotline) -> None:
    """idle_in_transaction_session_timeout frees the number row one of our workers left held."""
    if quick.services.engine.dialect.name != "postgresql":
        pytest.skip("idle_in_transaction_session_timeout is a PostgreSQL setting")
    first = quick.new_ticket()["number"]
    stuck = quick.services.engine.raw_connection()  # as a worker frozen mid-request would
    try:
        cursor = stuck.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM ticket_sequences WHERE key = %s FOR UPDATE", (first[:10],))
        deadline = time.monotonic() + DEADLINE
        with quick.services.engine.connect() as conn:
            while time.monotonic() < deadline:
                alive = conn.exec_driver_sql(
                    f"SELECT count(*) FROM pg_stat_activity WHERE pid = {int(pid)}"
                ).scalar()
                conn.rollback()
                if not alive:
                    break
                threading.Event().wait(0.1)
        assert not alive, "the idle transaction was never ended"
    finally:
        stuck.invalidate()
    response, _elapsed = within(DEADLINE, lambda: quick.operator.post("/api/v1/tickets", json=BODY))
    assert response.status_code == 201, response.json
    assert response.json["number"] == first[:-6] + "000002"


# -- a database that accepts connections but never answers -----------------------------


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts every connection and never says a word."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:  # timeout: look at `stop` again
                continue
            accepted.append(conn)  # held open, never read, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def silent_services(
    black_hole: int, tmp_path: Any, manual_clock: clock.ManualClock
) -> Iterator[Services]:
    """Services whose PostgreSQL is the black hole (default timeouts but connect 2 s)."""
    settings = Settings(
        database_url=f"postgresql+psycopg://hotline@127.0.0.1:{black_hole}/hotline",
        profile="guangyuan",
        clock="manual",
        bpmn_dir=REPO / "bpmn",
        var_dir=tmp_path / "var",
        db_timeouts=dataclasses.replace(DatabaseTimeouts(), connect=2),
    )
    services = build_services(settings)
    yield services
    services.dispose()


def test_a_database_that_never_answers_gives_json_503s_within_seconds(
    silent_services: Services,
) -> None:
    """/api/health names the database in a 503; a ticket POST is a 503 too, not a hang."""
    client = create_app(silent_services).test_client()
    health, elapsed = within(DEADLINE, lambda: client.get("/api/health"))
    assert_database_unavailable(health)
    assert "postgresql" in health.json["error"]["message"]
    assert health.json["error"]["fields"] == {"database": ["the database did not answer"]}
    assert elapsed < 6, elapsed
    headers = {"Authorization": "Bearer some-token"}
    post, elapsed = within(
        DEADLINE, lambda: client.post("/api/v1/tickets", json=BODY, headers=headers)
    )
    assert_database_unavailable(post)
    assert elapsed < 6, elapsed


def test_the_scheduler_logs_and_retries_when_the_database_never_answers(
    silent_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    """A timer round against a silent database returns, logs, and sets a retry wake."""
    service = TimerService(silent_services, retry_seconds=30)
    with caplog.at_level(logging.ERROR, logger="scheduler.service"):
        fired, _elapsed = within(3 * DEADLINE, service.run)
    assert fired == 0
    assert service.database_failures == 1
    assert "retrying in 30 s" in caplog.text
    assert service.scheduler.get_job(WAKE_JOB) is not None, "no retry was scheduled"
    assert service.wake_target is not None
    assert service.wake_target - clock.now() <= timedelta(seconds=30)
    service.stop(wait=False)


def test_timeouts_come_from_the_environment_and_bad_values_are_named() -> None:
    """HOTLINE_DB_*_TIMEOUT in seconds; a bad value names its variable."""
    env = {"HOTLINE_DB_LOCK_TIMEOUT": "1.5", "HOTLINE_DB_STATEMENT_TIMEOUT": "0"}
    timeouts = load_settings(env).db_timeouts
    assert (timeouts.lock, timeouts.statement, timeouts.connect) == (1.5, 0, 3.0)
    from hotline.config import ConfigError

    with pytest.raises(ConfigError, match="HOTLINE_DB_CONNECT_TIMEOUT"):
        load_settings({"HOTLINE_DB_CONNECT_TIMEOUT": "soon"})


def test_a_slow_statement_is_cut_at_statement_timeout_and_named(database_url: str) -> None:
    """PostgreSQL cancels a statement after HOTLINE_DB_STATEMENT_TIMEOUT; the 503 says why."""
    if not database_url.startswith("postgresql"):
        pytest.skip("statement_timeout is a PostgreSQL setting")
    engine = make_engine(database_url, dataclasses.replace(QUICK, statement=1))
    try:
        with pytest.raises(OperationalError) as caught, engine.connect() as conn:
            within(DEADLINE, lambda: conn.exec_driver_sql("SELECT pg_sleep(30)"))
        assert database_unavailable(caught.value) == "a statement timed out"
    finally:
        engine.dispose()
