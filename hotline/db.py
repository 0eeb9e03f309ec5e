"""Engines and sessions: one transaction per unit of work, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from hotline.config import DatabaseTimeouts

KEEPALIVE_INTERVAL = 10  # seconds between TCP keepalive probes
KEEPALIVE_COUNT = 3  # unanswered probes before the connection counts as dead


def make_engine(url: str, timeouts: DatabaseTimeouts | None = None, **kwargs: object) -> Engine:
    """Create an engine with the settings the service relies on for each backend.

    `timeouts` bound how long one stalled session can hold a request (issue 11 §3):
    PostgreSQL gets connect, statement, lock and idle-in-transaction timeouts and TCP
    keepalives; SQLite a busy timeout.
    """
    timeouts = timeouts or DatabaseTimeouts()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": timeouts.busy}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, timeouts.busy)
        return engine
    if url.startswith("postgresql"):
        kwargs = {"connect_args": postgres_connect_args(url, timeouts), **kwargs}
        # A full pool waits no longer for a connection than a new connection may take.
        kwargs.setdefault("pool_timeout", max(timeouts.connect, 1.0))
    return create_engine(url, pool_pre_ping=True, **kwargs)


def postgres_connect_args(url: str, timeouts: DatabaseTimeouts) -> dict[str, object]:
    """libpq parameters: timeouts, keepalives, and server settings merged into `options`."""

    def ms(seconds: float) -> int:
        return int(seconds * 1000)

    server = (
        f"-c statement_timeout={ms(timeouts.statement)} -c lock_timeout={ms(timeouts.lock)} "
        f"-c idle_in_transaction_session_timeout={ms(timeouts.idle_in_transaction)}"
    )
    if timeouts.keepalives_idle:
        # The server probes us too: a worker whose host vanished frees its locks.
        server += (
            f" -c tcp_keepalives_idle={max(1, round(timeouts.keepalives_idle))}"
            f" -c tcp_keepalives_interval={KEEPALIVE_INTERVAL}"
            f" -c tcp_keepalives_count={KEEPALIVE_COUNT}"
        )
    # Options already in the URL (e.g. a search_path) come last, so they win.
    given = make_url(url).query.get("options")
    if isinstance(given, tuple):
        given = " ".join(given)
    args: dict[str, object] = {"options": f"{server} {given}" if given else server}
    if timeouts.connect:
        args["connect_timeout"] = max(1, round(timeouts.connect))
    if timeouts.keepalives_idle:
        idle = max(1, round(timeouts.keepalives_idle))
        args.update(
            keepalives=1,
            keepalives_idle=idle,
            keepalives_interval=KEEPALIVE_INTERVAL,
            keepalives_count=KEEPALIVE_COUNT,
            # Data the server never acknowledges fails the connection as a dead peer does.
            tcp_user_timeout=(idle + KEEPALIVE_INTERVAL * KEEPALIVE_COUNT) * 1000,
        )
    return args


def _configure_sqlite(engine: Engine, busy_seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, issue BEGIN so it can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Wait this long for another writer, then fail (a JSON 503), never hang a worker.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers queue up at BEGIN instead of failing when upgrading a read lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(
    engine: Engine, info: dict[str, Any] | None = None
) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, each carrying `info`."""
    return sessionmaker(engine, expire_on_commit=False, info=dict(info or {}))


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One database transaction: commit on success, roll back everything on error."""
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()
