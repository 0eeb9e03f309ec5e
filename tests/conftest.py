"""Fixtures: a fresh database per test on SQLite (a real file) and PostgreSQL (if it answers).

PostgreSQL tests run in a private schema of the `test` database, so parallel runs
do not collide. When PostgreSQL does not answer, its tests are skipped and the
summary says so loudly.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import create_engine, text

import handlers
from hotline import clock
from hotline.config import Settings
from hotline.db import make_engine
from hotline.models import Base
from hotline.schema import upgrade
from processes.registry import deploy_directory
from tests.helpers.api import Caller
from tests.helpers.cli import make_cli
from tests.helpers.clock import START
from tests.helpers.knowledge import Kb, make_kb
from tests.helpers.servers import LiveServer
from tests.helpers.tickets import NOISE, ticket_body
from wiring.cli import main
from wiring.services import Services, build_services

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "HOTLINE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

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
    # Under pytest-xdist the workers probed PostgreSQL, not this process: probe here too.
    reason = _postgres_reason()
    if reason:
        terminalreporter.write_sep("!", "POSTGRESQL SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"PostgreSQL at {PG_URL} did not answer: {reason}", red=True)
        terminalreporter.write_line("Only SQLite was tested.", red=True, bold=True)
    else:
        terminalreporter.write_line(f"PostgreSQL tested at {PG_URL}", green=True)


@pytest.fixture(scope="session", autouse=True)
def registered_handlers() -> None:
    """Every handler and form rule registered, as at start: a test that checks a diagram
    without building services must not depend on which test ran first in its worker."""
    handlers.load()


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
        # The rows revisions put in place, as a freshly migrated database has them.
        conn.execute(text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :h)"),
                     {"h": "0" * 64})  # fmt: skip
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


@dataclass
class Hotline:
    """The app under test with one caller per demo user."""

    app: Flask
    services: Services
    operator: Caller
    center: Caller
    unit: Caller  # demo unit ZJJ (住建局)
    other_unit: Caller  # demo unit LZQ (利州区)
    third_unit: Caller  # demo unit HBJ (生态环境局)
    reviewer: Caller  # ZJJ's knowledge reviewer (审核人)
    supervisor: Caller
    leader: Caller
    authority: Caller
    admin: Caller

    def ticket(self, number: str) -> dict[str, Any]:
        """The ticket as the center sees it."""
        response = self.center.get(f"/api/v1/tickets/{number}")
        assert response.status_code == 200, response.json
        return response.json

    def new_ticket(self, **overrides: Any) -> dict[str, Any]:
        """Register a complaint through the API as the operator; returns the ticket."""
        body = ticket_body(**{"content": NOISE, **overrides})
        response = self.operator.post("/api/v1/tickets", json=body)
        assert response.status_code == 201, response.json
        return response.json


@pytest.fixture
def hotline(services: Services) -> Hotline:
    """The API over a fresh database with the demo city loaded."""
    return make_hotline(services)


@pytest.fixture
def profile_hotline(settings: Settings, manual_clock: clock.ManualClock) -> Iterator[Any]:
    """`profile_hotline("guangxi")`: the API under another policy profile, same database."""
    import dataclasses

    built: list[Services] = []

    def make(profile: str) -> Hotline:
        services = build_services(dataclasses.replace(settings, profile=profile))
        built.append(services)
        with services.transaction() as session:
            deploy_directory(session, settings.bpmn_dir)
        return make_hotline(services)

    yield make
    for services in built:
        services.dispose()


def make_hotline(services: Services) -> Hotline:
    """Demo city, users and an app over `services`."""
    from hotline.demo import load_demo
    from web import create_app

    with services.transaction() as session:
        tokens = load_demo(session)
    app = create_app(services)
    client = app.test_client()

    def caller(name: str) -> Caller:
        return Caller(client, tokens[name], name)

    return Hotline(
        app=app,
        services=services,
        operator=caller("demo-operator"),
        center=caller("demo-center"),
        unit=caller("demo-unit-zjj"),
        other_unit=caller("demo-unit-lzq"),
        third_unit=caller("demo-unit-hbj"),
        reviewer=caller("demo-reviewer-zjj"),
        supervisor=caller("demo-supervisor"),
        leader=caller("demo-leader"),
        authority=caller("demo-authority"),
        admin=caller("demo-admin"),
    )


@pytest.fixture
def kb(hotline: Hotline) -> Kb:
    """Knowledge reviewers for ZJJ and LZQ next to the demo users."""
    return make_kb(hotline)


@pytest.fixture
def live(hotline: Hotline) -> Iterator[LiveServer]:
    """The hotline app on a real, threaded HTTP server."""
    server = LiveServer(hotline.app)
    yield server
    server.close()


@pytest.fixture
def cli(hotline: Hotline, database_url: str, tmp_path: Path):
    """Run `hotline …` in-process against the test database; returns the click Result."""
    return make_cli(database_url, tmp_path)


@pytest.fixture
def run(services: Services, settings: Settings) -> Callable[..., Result]:
    """Run `hotline …` in-process against the test database (bpmn/ already deployed)."""
    env = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_PROFILE": settings.profile,
        "HOTLINE_BPMN_DIR": str(settings.bpmn_dir),
    }

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return invoke
