"""`hotline audit`: the access audit: verify the chain, list and export rows."""

from __future__ import annotations

import getpass
import os
import socket
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from hotline import audit as audit_log
from hotline.actors import Actor
from hotline.audit import AuditAction, AuditFilter
from hotline.config import ConfigError, load_settings
from hotline.policy import PolicyError
from hotline.statuses import ROLES, SYSTEM_ROLE, values
from wiring.services import Services, build_services

ISO = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


def _reader(command: str) -> tuple[Actor, audit_log.Source]:
    """Who reads the audit from a shell: the system user and machine, as its row records them."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        user = str(os.getuid())
    reader = Actor(id=None, name=f"hotline audit ({user})", role=SYSTEM_ROLE)
    return reader, audit_log.Source(client=f"cli@{socket.gethostname()}", endpoint=command)


def _filters(function: Any) -> Any:
    """The API's filters as options: --actor, --role, --unit, --action, --ticket, --from, --to."""
    options = [
        click.option("--actor", type=click.IntRange(min=1), help="the reader's user id"),
        click.option("--role", type=click.Choice([*ROLES, SYSTEM_ROLE]), help="the reader's role"),
        click.option("--unit", help="the reader's unit code"),
        click.option("--action", type=click.Choice(values(AuditAction)), help="what was done"),
        click.option("--ticket", help="a ticket number"),
        click.option("--from", "since", type=click.DateTime(ISO), help="at or after (ISO, offset)"),
        click.option("--to", "until", type=click.DateTime(ISO), help="at or before (ISO, offset)"),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _filter(**given: Any) -> AuditFilter:
    since: datetime | None = given["since"]
    until: datetime | None = given["until"]
    if since and until and until < since:
        raise click.BadParameter("must not be before --from", param_hint="--to")
    return AuditFilter(
        actor=given["actor"],
        role=given["role"],
        unit=given["unit"],
        action=given["action"],
        ticket=given["ticket"],
        since=since,
        until=until,
    )


@click.group("audit")
def audit() -> None:
    """The access audit: verify the chain, list and export rows."""


@audit.command("verify")
def verify() -> None:
    """Check the hash chain: exit 0 when intact, 1 naming each row edited or missing."""
    services = _services()
    try:
        with services.transaction() as session:
            checked, breaks = audit_log.verify(session)
    finally:
        services.dispose()
    if not breaks:
        click.echo(f"{checked} rows, chain intact")
        return
    for found in breaks:
        click.echo(f"row {found.id}: {found.problem}", err=True)
    raise click.ClickException(f"{checked} rows, chain broken in {len(breaks)} place(s)")


@audit.command("list")
@_filters
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
def list_(limit: int, **given: Any) -> None:
    """The newest rows: id, time, who (role, unit), what, ticket, endpoint and client."""
    found = _filter(**given)
    services = _services()
    reader, source = _reader("hotline audit list")
    try:
        with services.transaction() as session:
            rows, total = audit_log.list_records(session, found, per_page=limit)
            lines = [_line(row) for row in rows]
            detail = {"filters": found.given(), "rows": len(rows)}
            audit_log.record(session, reader, AuditAction.READ_AUDIT, detail=detail, source=source)
    finally:
        services.dispose()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} of {total} row(s)")


def _line(row: Any) -> str:
    """`12  2026-11-23T01:00:00+00:00  demo-center (#2 center)  read_requester  GY…  GET …  ip`"""
    role = f"{row.role} {row.unit_code}" if row.unit_code else row.role
    fields = [
        str(row.id),
        row.at.isoformat(),
        f"{row.actor_name} (#{row.actor_id or '-'} {role})",
        row.action,
        row.ticket_number or "-",
        row.endpoint or "-",
        row.client or "-",
    ]
    return "  ".join(fields)


@audit.command("export")
@_filters
@click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="the CSV file to write (replaced whole)",
)
def export(output: Path, **given: Any) -> None:
    """Every matching row, oldest first, to a CSV file with a header row (UTF-8 with BOM)."""
    if output.suffix.lower() != ".csv":
        raise click.BadParameter("expected a .csv file name", param_hint="--output")
    if not output.parent.is_dir():
        raise click.BadParameter(f"no directory {output.parent}", param_hint="--output")
    found = _filter(**given)
    services = _services()
    reader, source = _reader("hotline audit export")
    try:
        # The export is recorded (and committed) before the file is written, as over the API.
        with services.transaction() as session:
            up_to = audit_log.last_id(session)
            detail = {"format": "csv", "filters": found.given(), "up_to": up_to}
            audit_log.record(session, reader, AuditAction.READ_AUDIT, detail=detail, source=source)
            count = audit_log.export_count(session, found, up_to)
        _write(output, audit_log.csv_export(services.transaction, found, up_to))
    finally:
        services.dispose()
    click.echo(f"{count} row(s) written to {output}")


def _write(path: Path, chunks: Iterator[str]) -> None:
    """Write the CSV next to `path` and move it in place: a failed export leaves no half file."""
    handle, name = tempfile.mkstemp(prefix=".audit-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
