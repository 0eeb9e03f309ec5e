"""Wiring of one process: settings, database engine, sessions, runtime and clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers
from hotline import clock
from hotline.config import Settings, load_settings
from hotline.db import make_engine, make_session_factory, transaction
from hotline.policy import load_profile
from processes.runtime import Runtime


@dataclass
class Services:
    """Everything a request, a CLI command or the scheduler needs, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runtime: Runtime

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One database transaction."""
        with transaction(self.sessions) as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def build_services(settings: Settings | None = None) -> Services:
    """Build the services for `settings` (default: from the environment)."""
    settings = settings or load_settings()
    handlers.load()
    if settings.clock == "manual" and not isinstance(clock.get_clock(), clock.ManualClock):
        clock.set_clock(clock.ManualClock())
    profile = load_profile(settings.profile)  # a malformed profile stops start-up here
    engine = make_engine(settings.database_url, settings.db_timeouts)
    runtime = Runtime(extras={"profile": profile})
    return Services(settings, engine, make_session_factory(engine), runtime)
