"""Tokens: expiry by the service clock, revocation and rotation at once, `hotline users list`,
last use noted at most once a minute (issue 15 §6; Done when: a revoked token gets 401 at once).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from hotline.clock import ManualClock
from hotline.config import Settings
from hotline.directory import hash_token
from tests.conftest import Hotline
from tests.helpers.api import assert_error
from tests.helpers.tokens import UsersCli, bearer, listed, listed_rows

TICKETS = "/api/v1/tickets"


@pytest.fixture
def users(hotline: Hotline, settings: Settings) -> UsersCli:
    """`hotline users …` over the demo city's database."""
    return UsersCli(settings)


def added(users: UsersCli, *args: str) -> str:
    """`hotline users add …`: the token, which stdout holds alone."""
    result = users.ok("add", *args)
    assert result.stdout.count("\n") == 1 and result.stdout.strip() == result.stdout[:-1]
    return result.stdout.strip()


def refused(hotline: Hotline, token: str, says: str) -> None:
    """A 401 JSON error whose message says `says` and names nothing else."""
    response = hotline.app.test_client().get(TICKETS, headers=bearer(token))
    error = assert_error(response, 401, "unauthorized")
    assert says in error["message"], error
    assert error["fields"] == {}


def works(hotline: Hotline, token: str) -> None:
    response = hotline.app.test_client().get(TICKETS, headers=bearer(token))
    assert response.status_code == 200, response.json


def test_a_revoked_token_gets_401_at_once(hotline: Hotline, users: UsersCli) -> None:
    """Revoked by name, the very next request is refused; the row stays; others go on."""
    token = added(users, "--role", "operator", "张受理员")
    works(hotline, token)
    result = users.ok("revoke", "张受理员")
    assert result.stdout == ""
    assert "token revoked" in result.stderr and "张受理员" in result.stderr
    refused(hotline, token, "revoked")
    refused(hotline, token, "revoked")  # no cache brings it back either
    works(hotline, hotline.operator.token)
    row = listed(users)["张受理员"]
    assert row["role"] == "operator" and row["revoked"] == "2026-11-23 09:00"
    assert "already revoked at 2026-11-23 09:00" in users.ok("revoke", row["id"]).stderr


def test_revoking_by_id_stops_a_demo_user_and_rotation_brings_it_back(
    hotline: Hotline, users: UsersCli
) -> None:
    """`revoke ID` stops the center at once; `rotate` gives it a working token, old ones stay
    refused."""
    center_id = listed(users)["demo-center"]["id"]
    users.ok("revoke", center_id)
    assert_error(hotline.center.get(TICKETS), 401, "unauthorized")
    new = users.ok("rotate", center_id).stdout.strip()
    works(hotline, new)
    refused(hotline, hotline.center.token, "not valid")
    assert listed(users)["demo-center"]["revoked"] == "-"


def test_rotation_prints_the_new_token_alone_and_stops_the_old_one(
    hotline: Hotline, users: UsersCli
) -> None:
    """`rotate NAME`: one line on stdout, the new token; the old one is refused from then on."""
    old = added(users, "--role", "center", "李中心")
    works(hotline, old)
    result = users.ok("rotate", "李中心")
    new = result.stdout.strip()
    assert result.stdout == new + "\n" and new != old and len(new) >= 32
    assert "old one stopped working" in result.stderr
    assert "expires 2027-02-21 09:00" in result.stderr  # 90 days by default
    refused(hotline, old, "the token is not valid")
    works(hotline, new)


def test_a_token_expires_after_token_days_on_the_service_clock(
    hotline: Hotline, users: UsersCli, manual_clock: ManualClock
) -> None:
    """HOTLINE_TOKEN_DAYS=30: the token works for 30 days, then a 401 says it expired;
    a rotated token gets 30 days from the rotation."""
    users.env["HOTLINE_TOKEN_DAYS"] = "30"
    result = users.ok("add", "--role", "unit", "--unit", "ZJJ", "王科员")
    token = result.stdout.strip()
    assert "expires 2026-12-23 09:00" in result.stderr
    assert listed(users)["王科员"]["expires"] == "2026-12-23 09:00"
    manual_clock.advance(timedelta(days=30) - timedelta(seconds=1))
    works(hotline, token)
    manual_clock.advance(timedelta(seconds=1))
    refused(hotline, token, "expired")
    refused(hotline, "not-a-token-at-all", "the token is not valid")  # unknown: no word of expiry
    works(hotline, hotline.unit.token)  # demo tokens in tests work until revoked
    rotated = users.ok("rotate", "王科员")
    assert "expires 2027-01-22 09:00" in rotated.stderr
    works(hotline, rotated.stdout.strip())


def test_token_days_0_means_until_revoked(
    hotline: Hotline, users: UsersCli, manual_clock: ManualClock
) -> None:
    """HOTLINE_TOKEN_DAYS=0: no expiry; the token still works ten years on."""
    users.env["HOTLINE_TOKEN_DAYS"] = "0"
    result = users.ok("add", "--role", "leader", "赵领导")
    assert "until revoked" in result.stderr
    assert listed(users)["赵领导"]["expires"] == "never"
    manual_clock.advance(timedelta(days=3650))
    works(hotline, result.stdout.strip())


def test_users_list_shows_each_user_and_never_a_token(hotline: Hotline, users: UsersCli) -> None:
    """id, name, role, unit, confidential, expiry, last use, revocation; no token, no hash."""
    token = added(users, "--role", "unit", "--unit", "HBJ", "--confidential", "周专员")
    result = users.ok("list")
    header, *lines = result.stdout.splitlines()
    assert header.split("\t") == [
        "id", "name", "role", "unit", "confidential", "expires", "last_used", "revoked",
        "password",
    ]  # fmt: skip
    assert len(lines) == 12 and result.stderr.strip() == "12 user(s)"
    rows = listed(users)
    assert rows["周专员"] == {
        "id": rows["周专员"]["id"], "name": "周专员", "role": "unit", "unit": "HBJ",
        "confidential": "yes", "expires": "2027-02-21 09:00", "last_used": "-", "revoked": "-",
        "password": "no",
    }  # fmt: skip
    assert rows["demo-unit-zjj"]["confidential"] == "no" and rows["demo-admin"]["unit"] == "-"
    secrets = [token, *(c.token for c in callers(hotline))]
    for secret in secrets:
        assert secret not in result.stdout and hash_token(secret) not in result.stdout


def test_last_use_is_written_at_most_once_a_minute(
    hotline: Hotline, users: UsersCli, manual_clock: ManualClock
) -> None:
    """Ten calls within a minute write the user row once; a call a minute later writes again."""
    token = added(users, "--role", "supervisor", "钱督办")
    writes: list[str] = []

    def note(_conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            writes.append(statement)

    engine = hotline.services.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        for _ in range(10):
            works(hotline, token)
            manual_clock.advance(timedelta(seconds=5))
        assert len(writes) == 1
        assert listed(users)["钱督办"]["last_used"] == "2026-11-23 09:00"
        manual_clock.advance(timedelta(seconds=15))  # 65 s after the first use
        works(hotline, token)
        assert len(writes) == 2
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert listed(users)["钱督办"]["last_used"] == "2026-11-23 09:01"
    assert listed(users)["demo-leader"]["last_used"] == "-"  # never called


@pytest.mark.parametrize("command", ["revoke", "rotate"])
def test_unknown_and_ambiguous_users_are_refused_clearly(
    hotline: Hotline, users: UsersCli, command: str
) -> None:
    """An unknown id or name, and a name two users share, fail naming what to give instead."""
    assert "no user with id or name '99999'" in users.failed(command, "99999")
    assert "no user with id or name 'nobody'" in users.failed(command, "nobody")
    first = added(users, "--role", "operator", "同名")
    added(users, "--role", "operator", "同名")
    ids = [row["id"] for row in listed_rows(users) if row["name"] == "同名"]
    message = users.failed(command, "同名")
    assert f"give the id ({ids[0]}, {ids[1]})" in message
    works(hotline, first)  # nothing changed


def callers(hotline: Hotline) -> list:
    """Every demo caller."""
    return [
        hotline.operator, hotline.center, hotline.unit, hotline.other_unit, hotline.third_unit,
        hotline.reviewer, hotline.supervisor, hotline.leader, hotline.authority, hotline.admin,
    ]  # fmt: skip
