"""Fixtures: a fresh database per test on SQLite (a real file) and PostgreSQL (if it answers).

PostgreSQL tests run in a private schema of the `test` database, so parallel runs
do not collide. When PostgreSQL does not answer, its tests are skipped and the
summary says so loudly.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hotline import clock
from hotline.config import Settings
from hotline.db import make_engine
from hotline.migrate import upgrade
from hotline.models import Base
from hotline.services import Services, build_services
from processes.registry import deploy_directory

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai

_pg_state: dict[str, object] = {}


def _postgres_reason() -> str | None:
    """None when PostgreSQL answers, else why not."""
    if "reason" not in _pg_state:
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_state["reason"] = None
        except Exception as exc:  # any failure means: skip, loudly
            _pg_state["reason"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return _pg_state["reason"]  # type: ignore[return-value]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say loudly when PostgreSQL was skipped."""
    reason = _pg_state.get("reason")
    if reason:
        terminalreporter.write_sep("!", "POSTGRESQL SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL at {PG_URL} did not answer: {reason}", red=True)
        terminalreporter.write_line("Only SQLite was tested.", red=True, bold=True)
    elif "reason" in _pg_state:
        terminalreporter.write_line(f"PostgreSQL tested at {PG_URL}", green=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private, migrated schema in the `test` database."""
    reason = _postgres_reason()
    if reason:
        pytest.skip(f"PostgreSQL not available: {reason}")
    schema = f"hotline_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(_schema_url(schema))
    upgrade(engine)
    engine.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _schema_url(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean, migrated database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "hotline.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    schema = request.getfixturevalue("postgres_schema")
    url = _schema_url(schema)
    engine = create_engine(url)
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def manual_clock() -> Iterator[clock.ManualClock]:
    """A settable clock starting Monday 2026-11-23 09:00 Shanghai; never sleep in tests."""
    previous = clock.get_clock()
    manual = clock.ManualClock(START)
    clock.set_clock(manual)
    yield manual
    clock.set_clock(previous)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database, the repo's diagrams, profile guangyuan."""
    return Settings(
        database_url=database_url,
        profile="guangyuan",
        clock="manual",
        bpmn_dir=REPO / "bpmn",
        var_dir=tmp_path / "var",
    )


@pytest.fixture
def services(settings: Settings, manual_clock: clock.ManualClock) -> Iterator[Services]:
    """Services over the test database with every diagram in bpmn/ deployed."""
    built = build_services(settings)
    with built.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    yield built
    built.dispose()
