"""Sealing keys in tests: fixed keys, a service restarted with other keys, `hotline keys`,
and the database read with plain SQL as a copy of it would be."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner, Result
from sqlalchemy import text

from api import create_app
from hotline.config import Settings
from processes.registry import deploy_directory
from tests.helpers.api import Caller
from wiring.cli import main
from wiring.services import Services, build_services

if TYPE_CHECKING:
    from tests.conftest import Hotline

# Two fixed 32-byte keys (base64), as `hotline keys new` prints them.
KEY1 = "k1:" + "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="
KEY2 = "k2:" + "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
SEALED_COLUMNS = {
    "tickets": ("requester_name", "requester_phone", "address"),
    "outbox_messages": ("address",),
    "inbound_sms": ("phone",),
}


def with_keys(settings: Settings, keys: str | None) -> Settings:
    """`settings` as if HOTLINE_DATA_KEYS were `keys` (None: the var dir's key file)."""
    privacy = dataclasses.replace(settings.privacy, data_keys=keys)
    return dataclasses.replace(settings, privacy=privacy)


def started(settings: Settings) -> Services:
    """Services over the test database with bpmn/ deployed (idempotent on a restart)."""
    services = build_services(settings)
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    return services


def restarted(h: Hotline, settings: Settings, keys: str | None) -> Hotline:
    """The same hotline after a restart with HOTLINE_DATA_KEYS=`keys`: new services and app,
    the same users and tokens. Dispose `.services` when done."""
    services = build_services(with_keys(settings, keys))
    client = create_app(services).test_client()
    callers = {
        f.name: Caller(client, value.token, value.name)
        for f in dataclasses.fields(h)
        if isinstance(value := getattr(h, f.name), Caller)
    }
    return dataclasses.replace(h, app=client.application, services=services, **callers)


def keys_cli(settings: Settings, keys: str | None, *args: str) -> Result:
    """`hotline keys …` in-process over the test database and var dir, HOTLINE_DATA_KEYS=`keys`."""
    env: dict[str, str | None] = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_PROFILE": settings.profile,
        "HOTLINE_CLOCK": "manual",
        "HOTLINE_DATA_KEYS": keys,
        "HOTLINE_PHONE_HASH_KEY": None,
    }
    return CliRunner().invoke(main, ["keys", *args], env=env)


def raw_values(h: Hotline) -> dict[str, list[Any]]:
    """Every sealed column's stored values (no nulls), `table.column` → values, by plain SQL."""
    out: dict[str, list[Any]] = {}
    with h.services.engine.connect() as conn:
        for table, columns in SEALED_COLUMNS.items():
            for column in columns:
                query = f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY id"
                out[f"{table}.{column}"] = list(conn.execute(text(query)).scalars())
    return out


def key_ids(h: Hotline) -> set[str]:
    """The key ids (or `clear`) the stored sealed values are under."""
    found = set()
    for values in raw_values(h).values():
        for value in values:
            found.add(value.split("$")[2] if value.startswith("$s1$") else "clear")
    return found


def status_rows(result: Result) -> dict[str, list[str]]:
    """`hotline keys status` output: column → its cells (header row under `column`)."""
    lines = [line.split() for line in result.output.splitlines()[1:] if line.strip()]
    return {cells[0]: cells[1:] for cells in lines}
