"""`hotline` command line: init, serve, units, users, demo, deploy, profile."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from hotline.config import ConfigError, load_settings
from hotline.errors import DomainError
from hotline.policy import PolicyError
from processes.problems import Problem
from wiring.cli_assessment import assessment
from wiring.cli_audit import audit
from wiring.cli_calendar import calendar
from wiring.cli_contacts import contacts
from wiring.cli_keys import keys
from wiring.cli_knowledge import knowledge
from wiring.cli_messages import messages
from wiring.cli_profile import profile
from wiring.cli_report import report
from wiring.cli_retention import retention
from wiring.cli_scheduler import scheduler
from wiring.cli_stats import stats
from wiring.cli_users import users
from wiring.cli_warnings import warnings_
from wiring.services import Services, build_services
from wiring.sms_gateway import gateway


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def main() -> None:
    """Run the 12345 hotline service."""


def _echo_problems(problems: Iterable[Problem]) -> None:
    """Errors as `refused: …`, warnings as `warning: …`, on stderr."""
    for problem in problems:
        click.echo(f"{'refused' if problem.is_error else 'warning'}: {problem}", err=True)


@main.command()
def init() -> None:
    """Create or upgrade the database schema and deploy every diagram in bpmn/."""
    from hotline.schema import upgrade
    from processes.problems import DeploymentRefused
    from processes.registry import deploy_directory

    services = _services()
    upgrade(services.engine)
    warnings: list[Problem] = []
    try:
        with services.transaction() as session:
            stored = deploy_directory(session, services.settings.bpmn_dir, warnings)
            deployed = [(d.process_id, d.version, d.filename) for d in stored]
    except DeploymentRefused as exc:
        _echo_problems(exc.report)
        sys.exit(1)
    _echo_problems(warnings)
    for process_id, version, filename in deployed:
        click.echo(f"deployed {process_id} v{version} ({filename})", err=True)
    click.echo(f"database ready: {services.settings.database_url}", err=True)


@main.command()
@click.option(
    "--check", is_flag=True, help="validate only: store nothing, exit 1 if any file is refused"
)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def deploy(files: tuple[str, ...], check: bool) -> None:
    """Deploy BPMN files, all or nothing; every problem names the file, element and fix.

    Warnings are printed and do not stop the deployment; any error stores nothing.
    """
    from processes.problems import DeploymentRefused
    from processes.registry import deploy_files

    services = _services()  # also registers the handlers whose topics the checks look up
    if check:
        _check(files)
        return
    uploads = [(Path(name).name, Path(name).read_bytes()) for name in files]
    try:
        with services.transaction() as session:
            deployed = deploy_files(session, uploads)
            lines = [
                f"{'deployed' if d.new else 'unchanged'} {d.definition.process_id} "
                f"v{d.definition.version} ({d.definition.filename})"
                for d in deployed
            ]
            warnings = list({id(d.warnings): d.warnings for d in deployed}.values())
    except DeploymentRefused as exc:
        _echo_problems(exc.report)
        click.echo(f"nothing was deployed: {len(exc.problems)} error(s)", err=True)
        sys.exit(1)
    for found in warnings:
        _echo_problems(found)
    for line in lines:
        click.echo(line)


def _check(files: tuple[str, ...]) -> None:
    """`deploy --check`: every problem of every file on stderr; no database is touched."""
    from processes.problems import DeploymentRefused
    from processes.registry import check

    refused = False
    for name in files:
        try:
            process_ids, warnings = check(Path(name).read_bytes(), Path(name).name)
        except DeploymentRefused as exc:
            refused = True
            _echo_problems(exc.report)
            continue
        except Exception as exc:  # a check must report, never crash on a hostile file
            refused = True
            click.echo(f"refused: {Path(name).name}: could not be checked: {exc}", err=True)
            continue
        _echo_problems(warnings)
        click.echo(f"ok {Path(name).name}: would deploy {', '.join(process_ids) or 'nothing'}")
    if refused:
        sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--timers/--no-timers",
    default=True,
    show_default=True,
    help="fire due timers and deliver messages in the server's workers "
    "(or run `hotline scheduler` apart)",
)
def serve(host: str, port: int, workers: int, timers: bool) -> None:
    """Serve the API with gunicorn."""
    from wiring.server import serve as run_server

    try:
        load_settings()  # a bad variable stops here, named, before any worker boots
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    # HOTLINE_CLOCK=manual too: the manual clock lives in the database, shared by workers.
    run_server(host, port, workers, timers)


@main.group()
def units() -> None:
    """Handling units."""


@units.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--district", required=True, help="district the unit belongs to")
def units_add(code: str, name: str, district: str) -> None:
    """Add a handling unit."""
    from hotline.directory import add_unit

    services = _services()
    try:
        with services.transaction() as session:
            add_unit(session, code, name, district)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"unit {code} added", err=True)


@main.command()
def demo() -> None:
    """Load the demo city and users; print their tokens and write var/demo-tokens.env."""
    from hotline.demo import DEMO_PASSWORD, load_demo

    services = _services()
    days = services.settings.privacy.token_days
    with services.transaction() as session:
        tokens = load_demo(session, token_days=days)
    env_file = services.settings.var_dir / "demo-tokens.env"
    env_file.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{_env_name(name)}={token}" for name, token in tokens.items()]
    env_file.write_text("\n".join(lines) + "\n")
    env_file.chmod(0o600)
    lasting = f"they work for {days} days" if days else "they work until revoked"
    click.echo(f"Demo users (tokens are new on every run; {lasting}):")
    for name, token in tokens.items():
        click.echo(f"  {name:<18} {token}")
    click.echo(f"Load them into your shell with:  set -a; . {env_file}; set +a")
    click.echo(f"Web workplace: http://127.0.0.1:8000/ (demo users' password {DEMO_PASSWORD})")
    _demo_bulletin(services)


def _demo_bulletin(services: Services) -> None:
    """Last period's generated history and its bulletin (hotline.demo.load_demo_bulletin)."""
    from hotline import clock
    from hotline.demo import load_demo_bulletin
    from hotline.policy import active_profile

    with services.transaction() as session:
        row, new = load_demo_bulletin(session, active_profile(services.runtime.extras), clock.now())
        shown = (row.id, row.period, row.version, row.content["title"])
    state = "generated" if new else "already there"
    click.echo(f"Demo bulletin {shown[1]} v{shown[2]} ({state}): {shown[3]}")
    click.echo(f"  download: $H/bulletins/{shown[0]}/xlsx and $H/bulletins/{shown[0]}/pdf")


def _env_name(user: str) -> str:
    return user.removeprefix("demo-").replace("-", "_").upper() + "_TOKEN"


main.add_command(calendar)
main.add_command(knowledge)
main.add_command(profile)
main.add_command(scheduler)
main.add_command(stats)
main.add_command(assessment)
main.add_command(report)
main.add_command(warnings_)
main.add_command(messages)
messages.add_command(gateway)
main.add_command(contacts)
main.add_command(users)
main.add_command(audit)
main.add_command(keys)
main.add_command(retention)
