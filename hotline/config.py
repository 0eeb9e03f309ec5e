"""Configuration read from the environment; names are a contract with deployments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hotline.clock import range_problem
from hotline.messages.settings import MessagingConfigError, MessagingSettings, load_messaging
from hotline.privacy_settings import PrivacyConfigError, PrivacySettings, load_privacy
from hotline.statuses import PROFILE_PREFIXES

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class DatabaseTimeouts:
    """How long one database session may keep the service waiting, in seconds (0: no limit).

    A stalled session (idle in a transaction holding a row, or a server that accepts
    connections and never answers) then costs a request a few seconds and a JSON 503,
    never a hung worker (issue 11 §3).
    """

    connect: float = 3.0  # PostgreSQL connect_timeout (libpq waits at least 2 s)
    statement: float = 10.0  # PostgreSQL statement_timeout
    lock: float = 3.0  # PostgreSQL lock_timeout: waiting for another session's row lock
    idle_in_transaction: float = 30.0  # PostgreSQL idle_in_transaction_session_timeout
    keepalives_idle: float = 30.0  # TCP keepalive: first probe after this much silence
    busy: float = 5.0  # SQLite busy timeout: waiting for another writer


# Environment variable of each DatabaseTimeouts field (a contract with deployments).
TIMEOUT_VARIABLES = {
    "connect": "HOTLINE_DB_CONNECT_TIMEOUT",
    "statement": "HOTLINE_DB_STATEMENT_TIMEOUT",
    "lock": "HOTLINE_DB_LOCK_TIMEOUT",
    "idle_in_transaction": "HOTLINE_DB_IDLE_IN_TRANSACTION_TIMEOUT",
    "keepalives_idle": "HOTLINE_DB_KEEPALIVES_IDLE",
    "busy": "HOTLINE_DB_BUSY_TIMEOUT",
}


def load_timeouts(env: Mapping[str, str]) -> DatabaseTimeouts:
    """The HOTLINE_DB_*_TIMEOUT variables, in seconds; raise ConfigError naming a bad one."""
    values: dict[str, float] = {}
    for name, variable in TIMEOUT_VARIABLES.items():
        raw = env.get(variable)
        if raw is None or raw.strip() == "":
            continue
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value <= 86_400:
            raise ConfigError(f"{variable}={raw!r} must be a number of seconds, 0 to 86400")
        values[name] = value
    return DatabaseTimeouts(**values)


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str
    profile: str
    clock: str
    bpmn_dir: Path
    var_dir: Path
    db_timeouts: DatabaseTimeouts = field(default_factory=DatabaseTimeouts)
    # HOTLINE_CLOCK_START: where a manual clock starts on a database that has none yet.
    clock_start: datetime | None = None
    # Channels of messages (hotline.messages.settings); log-only unless configured.
    messaging: MessagingSettings = field(default_factory=MessagingSettings)
    # Sealing keys, attachments, tokens (hotline.privacy_settings).
    privacy: PrivacySettings = field(default_factory=PrivacySettings)

    @property
    def ticket_prefix(self) -> str:
        """Ticket numbers start with the profile's two-letter prefix."""
        return PROFILE_PREFIXES[self.profile]


def default_database_url(var_dir: Path) -> str:
    """The embedded default: a SQLite file under var/."""
    return f"sqlite:///{var_dir / 'hotline.sqlite3'}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read HOTLINE_* variables; raise ConfigError naming the bad one."""
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("HOTLINE_VAR_DIR", str(REPO_ROOT / "var")))
    profile = env.get("HOTLINE_PROFILE", "guangyuan")
    if profile not in PROFILE_PREFIXES:
        raise ConfigError(
            f"HOTLINE_PROFILE={profile!r} is not a known profile; "
            f"choose one of {', '.join(sorted(PROFILE_PREFIXES))}"
        )
    clock = env.get("HOTLINE_CLOCK", "system")
    if clock not in ("system", "manual"):
        raise ConfigError(f"HOTLINE_CLOCK={clock!r} must be 'system' or 'manual'")
    clock_start = parse_clock_start(env.get("HOTLINE_CLOCK_START", ""))
    url = env.get("HOTLINE_DATABASE_URL") or default_database_url(var_dir)
    try:
        messaging = load_messaging(env)
        privacy = load_privacy(env, var_dir)
    except (MessagingConfigError, PrivacyConfigError) as exc:
        raise ConfigError(str(exc)) from None
    return Settings(
        database_url=normalize_database_url(url),
        profile=profile,
        clock=clock,
        bpmn_dir=Path(env.get("HOTLINE_BPMN_DIR", str(REPO_ROOT / "bpmn"))),
        var_dir=var_dir,
        db_timeouts=load_timeouts(env),
        clock_start=clock_start,
        messaging=messaging,
        privacy=privacy,
    )


def parse_clock_start(value: str) -> datetime | None:
    """HOTLINE_CLOCK_START as an aware UTC instant; None when unset (the clock starts now)."""
    if not value.strip():
        return None
    try:
        start = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(
            f"HOTLINE_CLOCK_START={value!r} is not an ISO 8601 time "
            "(e.g. 2026-11-23T09:00:00+08:00)"
        ) from None
    if start.tzinfo is None:
        raise ConfigError(
            f"HOTLINE_CLOCK_START={value!r} has no UTC offset; write e.g. "
            f"{value.strip()}+08:00 for Beijing time"
        )
    start = start.astimezone(UTC)
    problem = range_problem(start)
    if problem:
        raise ConfigError(f"HOTLINE_CLOCK_START={value!r}: {problem}")
    return start


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
