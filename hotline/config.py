"""Configuration read from the environment; names are a contract with deployments."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
    url = env.get("HOTLINE_DATABASE_URL") or default_database_url(var_dir)
    return Settings(
        database_url=normalize_database_url(url),
        profile=profile,
        clock=clock,
        bpmn_dir=Path(env.get("HOTLINE_BPMN_DIR", str(REPO_ROOT / "bpmn"))),
        var_dir=var_dir,
    )


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
