"""`hotline users`: API users, their tokens, their workplace passwords and the
confidential-staff flag.

A token is printed once, alone on stdout (scripts capture it with `$(…)`); what a person
reads (its expiry, what happened) goes to stderr. No command prints a token's or a
password's hash. A password is typed twice at a hidden prompt, or read as one line from
stdin (`--password-stdin`, for scripts); never from the command line, where `ps` and the
shell's history would show it.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click

from hotline.clock import SHANGHAI
from hotline.config import ConfigError, load_settings
from hotline.errors import DomainError
from hotline.models import User
from hotline.passwords import PasswordRefused, check_new
from hotline.policy import PolicyError
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services(load_settings())
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None


def _when(at: datetime | None, never: str = "-") -> str:
    """An instant as Shanghai wall time to the minute, or `never`."""
    return f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if at is not None else never


def _expiry_note(user: User) -> str:
    if user.token_expires_at is None:
        return "the token works until revoked (HOTLINE_TOKEN_DAYS=0)"
    return f"the token expires {_when(user.token_expires_at)} (Asia/Shanghai)"


def read_password(from_stdin: bool) -> str:
    """A new password: one line of stdin, or typed twice at a hidden prompt; checked against
    the rules (hotline.passwords.check_new) before anything is stored."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
    else:
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt="Repeat the password", err=True
        )
    try:
        check_new(password)
    except PasswordRefused as exc:
        raise click.ClickException(str(exc)) from None
    return password


@click.group("users")
def users() -> None:
    """Users: their API tokens and workplace passwords."""


@users.command("add")
@click.option(
    "--role",
    required=True,
    help="operator, center, unit, supervisor, leader, authority, admin, auditor",
)
@click.option("--unit", "unit_code", default=None, help="unit code, for role unit")
@click.option("--reviewer", is_flag=True, help="a unit user who also reviews knowledge articles")
@click.option(
    "--confidential",
    is_flag=True,
    help="a unit user named for the unit's confidential tickets (meizhou 第二十一条)",
)
@click.option(
    "--password", "with_password", is_flag=True, help="ask for a workplace password (twice, hidden)"
)
@click.option(
    "--password-stdin", is_flag=True, help="read the workplace password as one line from stdin"
)
@click.argument("name")
def users_add(
    role: str,
    unit_code: str | None,
    reviewer: bool,
    confidential: bool,
    with_password: bool,
    password_stdin: bool,
    name: str,
) -> None:
    """Add a user and print its API token (alone, on stdout; its expiry on stderr); with
    --password or --password-stdin the person can also sign in to the workplace."""
    from hotline.directory import add_user, user_for_token
    from hotline.web_sessions import set_password

    password = read_password(password_stdin) if with_password or password_stdin else None
    services = _services()
    days = services.settings.privacy.token_days
    try:
        with services.transaction() as session:
            token = add_user(
                session, name, role, unit_code, reviewer, confidential=confidential, token_days=days
            )
            session.flush()
            user = user_for_token(session, token)
            if user is None:  # cannot happen: it was just added
                raise click.ClickException("the new user was not stored")
            note = f"user #{user.id} {user.name} added; {_expiry_note(user)}"
            if password is not None:
                set_password(session, user, password)
                note += "; it signs in to the workplace with the password given"
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(token)
    click.echo(note, err=True)


@users.command("rotate")
@click.argument("user_ref", metavar="USER")
def users_rotate(user_ref: str) -> None:
    """Give USER (id or name) a new token, printed alone on stdout; the old one stops now."""
    from hotline.directory import find_user, reissue_token

    services = _services()
    try:
        with services.transaction() as session:
            user = find_user(session, user_ref)
            if not user.active:
                raise click.ClickException(f"user #{user.id} {user.name} is deactivated")
            token = reissue_token(session, user, services.settings.privacy.token_days)
            note = f"user #{user.id} {user.name}: new token; the old one stopped working; "
            note += _expiry_note(user)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(token)
    click.echo(note, err=True)


@users.command("revoke")
@click.argument("user_ref", metavar="USER")
def users_revoke(user_ref: str) -> None:
    """Stop USER's (id or name) token now; the user and its history stay (`rotate` to
    give it a new one)."""
    from hotline.directory import find_user, revoke_token

    services = _services()
    try:
        with services.transaction() as session:
            user = find_user(session, user_ref)
            if revoke_token(session, user):
                note = f"user #{user.id} {user.name}: token revoked; it stops working now"
            else:
                note = f"user #{user.id} {user.name}: token already revoked at "
                note += _when(user.token_revoked_at)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(note, err=True)


@users.command("password")
@click.option("--password-stdin", is_flag=True, help="read the new password as one line from stdin")
@click.option("--remove", is_flag=True, help="take the password away: USER can no longer sign in")
@click.argument("user_ref", metavar="USER")
def users_password(password_stdin: bool, remove: bool, user_ref: str) -> None:
    """Set or reset the workplace password of USER (id or name), asked twice at a hidden
    prompt; every session USER had in a browser ends. --remove: no password at all."""
    from hotline.directory import find_user
    from hotline.web_sessions import set_password

    if remove and password_stdin:
        raise click.ClickException("give either --remove or --password-stdin")
    password = None if remove else read_password(password_stdin)
    services = _services()
    try:
        with services.transaction() as session:
            user = find_user(session, user_ref)
            if not user.active:
                raise click.ClickException(f"user #{user.id} {user.name} is deactivated")
            ended = set_password(session, user, password)
            what = "password removed" if password is None else "password set"
            note = f"user #{user.id} {user.name}: {what}; {ended} browser session(s) ended"
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    click.echo(note, err=True)


COLUMNS = (
    "id", "name", "role", "unit", "confidential", "expires", "last_used", "revoked", "password"
)  # fmt: skip


@users.command("list")
def users_list() -> None:
    """Every user, tab-separated under a header: id, name, role, unit, confidential,
    token expiry, last use and revocation (Shanghai time), whether it has a workplace
    password (never a token, a password or a hash)."""
    from hotline.directory import all_users

    services = _services()
    try:
        with services.transaction() as session:
            rows = [
                (
                    str(u.id),
                    " ".join(u.name.split()),  # a tab or newline in a name keeps its row
                    u.role,
                    u.unit_code or "-",
                    "yes" if u.confidential else "no",
                    _when(u.token_expires_at, "never"),
                    _when(u.token_last_used_at),
                    _when(u.token_revoked_at),
                    "yes" if u.password_hash else "no",
                )
                for u in all_users(session)
            ]
    finally:
        services.dispose()
    click.echo("\t".join(COLUMNS))
    for row in rows:
        click.echo("\t".join(row))
    click.echo(f"{len(rows)} user(s)", err=True)
