"""What timers.py's loading and firing share: the clock origin, due times, settings."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
try:
    import hotline  # noqa: F401  (installed editable in the project's venv)
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))

from hotline.config import Settings  # noqa: E402

PROCESS_ID = "bench_timer"
T0 = datetime(2030, 1, 1, tzinfo=UTC)  # service-clock start; the first timer is due at T0+1s
LEAD_S = 1.0


class BenchError(AssertionError):
    """The run did not do what the bench expected: its figures would be meaningless."""


def settings_for(db_path: Path) -> Settings:
    """Settings for the bench database, on the manual clock."""
    return Settings(
        database_url=f"sqlite:///{db_path}",
        profile="guangyuan",
        clock="manual",
        bpmn_dir=db_path.parent,
        var_dir=db_path.parent,
    )


def due_offset(index: int, rate: float) -> float:
    """Seconds after T0 at which the timer of the index-th instance is due."""
    return LEAD_S + index / rate


def due_datetime(index: int, rate: float) -> datetime:
    """The due time of the index-th instance, to the microsecond."""
    return T0 + timedelta(microseconds=round(due_offset(index, rate) * 1e6))
