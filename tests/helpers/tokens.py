"""`hotline users …` run in-process over the test database, and its list read back."""

from __future__ import annotations

from click.testing import CliRunner, Result

from hotline.config import Settings
from wiring.cli import main


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


class UsersCli:
    """`hotline users …` with the test's settings; `env` adds variables (HOTLINE_TOKEN_DAYS).

    The process clock stays the test's manual clock, as the CLI finds a ManualClock set.
    """

    def __init__(self, settings: Settings) -> None:
        self.env = {
            "HOTLINE_DATABASE_URL": settings.database_url,
            "HOTLINE_VAR_DIR": str(settings.var_dir),
            "HOTLINE_PROFILE": settings.profile,
            "HOTLINE_BPMN_DIR": str(settings.bpmn_dir),
        }

    def __call__(self, *args: str) -> Result:
        """Run `hotline users ARGS`; never raises on a non-zero exit."""
        return CliRunner().invoke(main, ["users", *args], env=self.env)

    def ok(self, *args: str) -> Result:
        """Run it and assert it succeeded without a traceback."""
        result = self(*args)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def failed(self, *args: str) -> str:
        """Run it, assert a clean failure with nothing on stdout; its stderr."""
        result = self(*args)
        assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
        assert result.stdout == "" and "Traceback" not in result.stderr
        return result.stderr


def listed_rows(users: UsersCli) -> list[dict[str, str]]:
    """Every row of `hotline users list`, by column name, in id order."""
    header, *lines = users.ok("list").stdout.splitlines()
    return [dict(zip(header.split("\t"), line.split("\t"), strict=True)) for line in lines]


def listed(users: UsersCli) -> dict[str, dict[str, str]]:
    """The rows of `hotline users list` by user name (the last of a shared name)."""
    return {row["name"]: row for row in listed_rows(users)}
