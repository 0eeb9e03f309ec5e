"""Wiring of one process: settings, database engine, sessions, runtime and clock.

`Services` is the `processes.host.Host` the API and the scheduler are handed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import handlers
from hotline import clock, sealing
from hotline.attachment_store import AttachmentStore
from hotline.clock_shared import SharedManualClock
from hotline.config import ConfigError, Settings, load_settings
from hotline.db import make_engine, make_session_factory, transaction
from hotline.messages.context import session_info
from hotline.policy import PROFILE_KEY, load_profile
from processes.host import Advance
from processes.runtime import Runtime
from scheduler.clockdrive import advance_clock


@dataclass
class Services:
    """Everything a request, a CLI command or the scheduler needs, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    runtime: Runtime
    attachment_store: AttachmentStore

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One database transaction."""
        with transaction(self.sessions) as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def advance_clock(self, when: datetime, *, owner: str = "clock") -> Advance:
        """Move the manual clock to `when`, firing every timer due on the way, in order."""
        return advance_clock(self, when, owner=owner)


def build_services(settings: Settings | None = None) -> Services:
    """Build the services for `settings` (default: from the environment)."""
    settings = settings or load_settings()
    handlers.load()
    profile = load_profile(settings.profile)  # a malformed profile stops start-up here
    install_keyring(settings)
    engine = make_engine(settings.database_url, settings.db_timeouts)
    current = clock.get_clock()
    # A process-local ManualClock (tests, benchmarks) stays; otherwise the manual clock is
    # the database's, shared by every worker and scheduler on it.
    if settings.clock == "manual" and (
        not isinstance(current, clock.ManualClock) or isinstance(current, SharedManualClock)
    ):
        shared = SharedManualClock(engine, settings.clock_start)
        shared.refresh()  # first start on this database: the row is written now
        clock.set_clock(shared)
    runtime = Runtime(extras={PROFILE_KEY: profile})
    # Every session carries the profile and channels: events write their messages with them.
    sessions = make_session_factory(engine, session_info(profile, settings.messaging))
    store = AttachmentStore(settings.privacy.attachments_dir or settings.var_dir / "attachments")
    return Services(settings, engine, sessions, runtime, store)


def install_keyring(settings: Settings) -> None:
    """Seal requester data with the settings' keys (or the var dir's key files, made now)."""
    privacy = settings.privacy
    try:
        keyring = sealing.load_keyring(privacy.data_keys, privacy.phone_hash_key, settings.var_dir)
    except sealing.SealingError as exc:
        raise ConfigError(str(exc)) from None
    sealing.install(keyring)
