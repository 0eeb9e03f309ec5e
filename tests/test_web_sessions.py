"""Workplace sessions over time and from the command line: idle and absolute expiry by the
service clock (HOTLINE_SESSION_IDLE_MINUTES, HOTLINE_SESSION_HOURS), deactivated users,
`hotline users add --password…`, `hotline users password` and the list's password column.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner, Result

from hotline.clock import ManualClock
from hotline.config import Settings
from hotline.directory import find_user
from hotline.privacy_settings import PrivacyConfigError, load_privacy
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from tests.helpers.tokens import UsersCli, listed
from tests.helpers.web import WebUser, anonymous, web_user
from wiring.cli import main
from wiring.services import build_services

PAGE = "/account/password"


def signed_in(user: WebUser) -> bool:
    """Whether the browser's cookie still opens a page (a refused one is sent to sign in)."""
    response = user.client.get(PAGE)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


# -- expiry ----------------------------------------------------------------------------------


def test_by_default_a_session_ends_after_8_hours_unused_and_12_hours_after_sign_in(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    idle = web_user(hotline.app, "demo-unit-zjj")
    busy = web_user(hotline.app, "demo-unit-zjj")
    manual_clock.advance(timedelta(hours=8) - timedelta(minutes=1))
    assert signed_in(busy)  # used: its idle time starts again
    manual_clock.advance(timedelta(minutes=1))
    assert not signed_in(idle)
    for _ in range(3):
        manual_clock.advance(timedelta(hours=1))
        assert signed_in(busy)
    manual_clock.advance(timedelta(hours=1) - timedelta(seconds=1))  # 11:59:59 after sign-in
    assert signed_in(busy)
    manual_clock.advance(timedelta(seconds=1))
    assert not signed_in(busy)
    assert web_user(hotline.app, "demo-unit-zjj")  # signing in again works


@pytest.fixture
def short_sessions(settings: Settings, manual_clock: ManualClock) -> Hotline:
    """The demo city with sessions of 15 minutes idle and 1 hour at most."""
    privacy = replace(settings.privacy, session_idle_minutes=15, session_hours=1)
    services = build_services(replace(settings, privacy=privacy))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    return make_hotline(services)


def test_the_session_limits_come_from_the_settings(
    short_sessions: Hotline, manual_clock: ManualClock
) -> None:
    h = short_sessions
    idle, busy = web_user(h.app, "demo-center"), web_user(h.app, "demo-center")
    manual_clock.advance(timedelta(minutes=14))
    assert signed_in(busy)
    manual_clock.advance(timedelta(minutes=1))
    assert not signed_in(idle)
    for _ in range(3):  # 28, 41, 54 minutes after sign-in
        manual_clock.advance(timedelta(minutes=13))
        assert signed_in(busy)
    manual_clock.advance(timedelta(minutes=5))
    assert signed_in(busy)
    manual_clock.advance(timedelta(minutes=1))  # an hour after sign-in
    assert not signed_in(busy)
    h.services.dispose()


def test_the_session_settings_are_read_from_the_environment(tmp_path: object) -> None:
    var = tmp_path  # type: ignore[assignment]
    defaults = load_privacy({}, var)  # type: ignore[arg-type]
    assert (defaults.secure_cookies, defaults.session_idle_minutes, defaults.session_hours) == (
        None,
        480,
        12,
    )
    env = {
        "HOTLINE_SECURE_COOKIES": "1",
        "HOTLINE_SESSION_IDLE_MINUTES": "30",
        "HOTLINE_SESSION_HOURS": "9",
    }
    read = load_privacy(env, var)  # type: ignore[arg-type]
    assert (read.secure_cookies, read.session_idle_minutes, read.session_hours) == (True, 30, 9)
    assert load_privacy({"HOTLINE_SECURE_COOKIES": "0"}, var).secure_cookies is False  # type: ignore[arg-type]
    assert load_privacy({"HOTLINE_SECURE_COOKIES": "auto"}, var).secure_cookies is None  # type: ignore[arg-type]
    for name, value in [
        ("HOTLINE_SECURE_COOKIES", "maybe"),
        ("HOTLINE_SESSION_IDLE_MINUTES", "0"),
        ("HOTLINE_SESSION_HOURS", "twelve"),
    ]:
        with pytest.raises(PrivacyConfigError, match=name):
            load_privacy({name: value}, var)  # type: ignore[arg-type]


def test_a_deactivated_users_sessions_end_at_once(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-lzq")
    with hotline.services.transaction() as session:
        find_user(session, "demo-unit-lzq").active = False
    assert not signed_in(me)
    assert anonymous(hotline.app).sign_in("demo-unit-lzq").status_code == 401


# -- the command line ------------------------------------------------------------------------


class Users(UsersCli):
    """`hotline users …` with something typed at its prompts (or piped to its stdin)."""

    def typed(self, *args: str, input: str) -> Result:
        return CliRunner().invoke(main, ["users", *args], env=self.env, input=input)


@pytest.fixture
def users(hotline: Hotline, settings: Settings) -> Users:
    return Users(settings)


def no_secret_in(result: Result, *secrets: str) -> None:
    everything = result.stdout + result.stderr
    assert "scrypt$" not in everything
    for secret in secrets:
        assert secret not in everything


def test_users_add_with_a_password_from_stdin_signs_in(hotline: Hotline, users: Users) -> None:
    result = users.typed(
        "add", "--role", "center", "--password-stdin", "李中心", input="新的密码-2026\n"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1  # the token, alone, as before
    assert "signs in to the workplace with the password given" in result.stderr
    no_secret_in(result, "新的密码-2026")
    assert web_user(hotline.app, "李中心", "新的密码-2026").get(PAGE).status_code == 200
    rows = listed(users)
    assert rows["李中心"]["password"] == "yes" and rows["demo-center"]["password"] == "yes"


def test_users_add_with_password_asks_twice_hidden(hotline: Hotline, users: Users) -> None:
    result = users.typed(
        "add",
        "--role",
        "unit",
        "--unit",
        "ZJJ",
        "--password",
        "王科员",
        input="科员密码-2026\n科员密码-2026\n",
    )
    assert result.exit_code == 0, result.stderr
    assert "Password" in result.stderr and "Repeat the password" in result.stderr
    no_secret_in(result, "科员密码-2026")
    assert web_user(hotline.app, "王科员", "科员密码-2026")
    mismatch = users.typed(
        "add", "--role", "center", "--password", "赵中心", input="一个密码-2026\n另一个密码-26\n"
    )
    assert mismatch.exit_code != 0 and "赵中心" not in listed(users)


def test_a_short_password_is_refused_in_chinese_and_nobody_is_added(users: Users) -> None:
    result = users.typed("add", "--role", "center", "--password-stdin", "短密码", input="short7!\n")
    assert result.exit_code == 1 and "密码至少 8 个字符" in result.stderr
    assert result.stdout == "" and "短密码" not in listed(users)
    empty = users.typed("add", "--role", "center", "--password-stdin", "空密码", input="")
    assert empty.exit_code == 1 and "密码至少 8 个字符" in empty.stderr


def test_users_add_without_a_password_cannot_sign_in(hotline: Hotline, users: Users) -> None:
    users.ok("add", "--role", "operator", "钱受理员")
    assert listed(users)["钱受理员"]["password"] == "no"
    assert anonymous(hotline.app).sign_in("钱受理员", "").status_code == 401


def test_users_password_resets_it_and_ends_every_session(hotline: Hotline, users: Users) -> None:
    one, two = web_user(hotline.app, "demo-center"), web_user(hotline.app, "demo-center")
    result = users.typed("password", "demo-center", input="重设密码-2026\n重设密码-2026\n")
    assert result.exit_code == 0, result.stderr
    assert "password set; 2 browser session(s) ended" in result.stderr
    no_secret_in(result, "重设密码-2026")
    assert not signed_in(one) and not signed_in(two)
    assert anonymous(hotline.app).sign_in("demo-center").status_code == 401
    assert web_user(hotline.app, "demo-center", "重设密码-2026")
    by_id = listed(users)["demo-center"]["id"]
    piped = users.typed("password", "--password-stdin", by_id, input="再设密码-2027\n")
    assert piped.exit_code == 0 and "1 browser session(s) ended" in piped.stderr
    short = users.typed("password", "--password-stdin", by_id, input="1234567\n")
    assert short.exit_code == 1 and "密码至少 8 个字符" in short.stderr
    assert web_user(hotline.app, "demo-center", "再设密码-2027")


def test_users_password_remove_locks_the_person_out(hotline: Hotline, users: Users) -> None:
    me = web_user(hotline.app, "demo-supervisor")
    result = users.ok("password", "--remove", "demo-supervisor")
    assert "password removed; 1 browser session(s) ended" in result.stderr
    assert not signed_in(me) and listed(users)["demo-supervisor"]["password"] == "no"
    assert anonymous(hotline.app).sign_in("demo-supervisor").status_code == 401
    assert "no user with id or name 'nobody-such'" in users.failed(
        "password", "--remove", "nobody-such"
    )


def test_users_list_never_shows_a_password_hash(users: Users) -> None:
    result = users.ok("list")
    no_secret_in(result)
    assert result.stdout.splitlines()[0].split("\t")[-1] == "password"
