"""Configuration read from the environment; names are a contract with deployments."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hotline.clock import range_problem

REPO_ROOT = Path(__file__).resolve().parent.parent

PROFILE_PREFIXES = {
    "guangyuan": "GY",
    "guizhou": "GZ",
    "guangxi": "GX",
    "meizhou": "MZ",
    "puyang": "PY",
}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    database_url: str
    profile: str
    clock: str
    bpmn_dir: Path
    var_dir: Path
    # HOTLINE_CLOCK_START: where a manual clock starts on a database that has none yet.
    clock_start: datetime | None = None

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
    return Settings(
        database_url=normalize_database_url(url),
        profile=profile,
        clock=clock,
        bpmn_dir=Path(env.get("HOTLINE_BPMN_DIR", str(REPO_ROOT / "bpmn"))),
        var_dir=var_dir,
        clock_start=clock_start,
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
