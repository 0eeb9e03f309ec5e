"""The `hotline` command in tests: the installed console script over a scratch database (Cli,
with ok/failed to read its exit), and `hotline …` run in-process (make_cli)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from hotline.config import load_settings
from hotline.models import ProcessDefinition
from wiring.cli import main
from wiring.services import Services, build_services

HOTLINE = Path(sys.executable).parent / "hotline"


class Cli:
    """Runs `hotline …` with a private database and var/ directory."""

    def __init__(self, database_url: str, var_dir: Path) -> None:
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("HOTLINE_") or k == "HOTLINE_TEST_POSTGRES_URL"
        }
        self.env.update({"HOTLINE_DATABASE_URL": database_url, "HOTLINE_VAR_DIR": str(var_dir)})
        self.var_dir = var_dir
        self._services: Services | None = None

    def __call__(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run the console script; never raises on a non-zero exit."""
        return subprocess.run(
            [str(HOTLINE), *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    @property
    def services(self) -> Services:
        """Services over the same database, as a server process would build them."""
        if self._services is None:
            self._services = build_services(load_settings(self.env))
        return self._services

    def api(self) -> FlaskClient:
        """A test client of `api.create_app` over the CLI's database."""
        return create_app(self.services).test_client()

    def versions(self, process_id: str = "ticket") -> list[tuple[str, int]]:
        """(process_id, version) of every stored definition of one process."""
        with self.services.transaction() as session:
            rows = session.execute(
                select(ProcessDefinition.process_id, ProcessDefinition.version)
                .where(ProcessDefinition.process_id == process_id)
                .order_by(ProcessDefinition.version)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def processes(self) -> set[str]:
        """Ids of every deployed process."""
        with self.services.transaction() as session:
            return set(session.scalars(select(ProcessDefinition.process_id)))

    def close(self) -> None:
        """Dispose the services if built."""
        if self._services is not None:
            self._services.dispose()


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Assert exit code 0 and no traceback; return the result."""
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def failed(result: subprocess.CompletedProcess) -> str:
    """Assert a clean failure (non-zero, no traceback, nothing on stdout); return stderr."""
    assert result.returncode != 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == "", result.stdout
    return result.stderr


def bearer(token: str) -> dict[str, str]:
    """Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


def make_cli(database_url: str, tmp_path: Path) -> Any:
    """A function running `hotline …` in-process against `database_url`."""

    def run(*args: str) -> Result:
        env = {
            "HOTLINE_DATABASE_URL": database_url,
            "HOTLINE_VAR_DIR": str(tmp_path / "var"),
            "HOTLINE_CLOCK": "manual",
        }
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run
