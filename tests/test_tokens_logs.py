"""No token is ever written to a log (issue 15 §6): the app's and SQLAlchemy's logs at DEBUG,
the `hotline users` commands, and gunicorn's access and error logs, with valid, unknown,
expired and revoked tokens sent every way a client might send one.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from hotline.clock import ManualClock
from hotline.config import Settings
from hotline.directory import hash_token
from tests.conftest import Hotline
from tests.helpers.servers import Gunicorn
from tests.helpers.tokens import UsersCli, bearer
from wiring.server import RedactingLogger

TICKETS = "/api/v1/tickets"


def basic(token: str) -> dict[str, str]:
    """The token sent as a Basic-auth user name, as `curl -u TOKEN:` does."""
    return {"Authorization": "Basic " + base64.b64encode(f"{token}:".encode()).decode()}


def every_way(token: str) -> list[tuple[str, dict[str, str]]]:
    """(url, headers) of each way a client might send `token`."""
    return [
        (TICKETS, bearer(token)),
        (TICKETS, {"Authorization": f"bearer {token}"}),
        (TICKETS, {"Authorization": f"Bearer {token} trailing"}),
        (TICKETS, {"Authorization": token}),
        (TICKETS, basic(token)),
        (f"{TICKETS}?access_token={token}&page=1", {}),
        (f"/public/knowledge/search?q=noise&token={token}", {"Referer": f"/x?token={token}"}),
        (TICKETS, {"Cookie": f"session={token}", **bearer(token)}),
    ]


def debug(caplog: pytest.LogCaptureFixture) -> None:
    """Capture every logger at DEBUG, SQLAlchemy's statements, parameters and rows included
    (it keeps its own loggers at WARNING unless told)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")


@pytest.fixture
def users(hotline: Hotline, settings: Settings) -> UsersCli:
    """`hotline users …` over the demo city's database."""
    return UsersCli(settings)


@pytest.fixture
def kinds(hotline: Hotline, users: UsersCli, manual_clock: ManualClock) -> dict[str, str]:
    """A token of each kind: valid, unknown, expired, revoked."""
    users.env["HOTLINE_TOKEN_DAYS"] = "1"
    expired = users.ok("add", "--role", "operator", "expired-script").stdout.strip()
    manual_clock.advance(timedelta(days=2))
    revoked = users.ok("add", "--role", "operator", "revoked-script").stdout.strip()
    users.ok("revoke", "revoked-script")
    return {
        "valid": hotline.center.token,
        "unknown": secrets.token_urlsafe(32),
        "expired": expired,
        "revoked": revoked,
    }


def test_no_token_reaches_the_app_log_even_at_debug(
    hotline: Hotline, kinds: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Every kind of token sent every way, the 429 of too many failures included: the
    captured DEBUG log (SQL and its parameters too) holds none of them."""
    debug(caplog)
    client = hotline.app.test_client()
    statuses = set()
    for token in kinds.values():
        for url, headers in every_way(token):
            statuses.add(client.get(url, headers=headers).status_code)
    for _ in range(20):  # then too many failures: the valid token waits
        client.get(TICKETS, headers=bearer(kinds["unknown"]))
    statuses.add(client.get(TICKETS, headers=bearer(kinds["valid"])).status_code)
    assert {200, 401, 429} <= statuses
    assert "SELECT" in caplog.text and "users.token_hash" in caplog.text  # DEBUG was captured
    for kind, token in kinds.items():
        assert token not in caplog.text, kind


def test_the_users_commands_print_a_token_only_alone_on_stdout(
    users: UsersCli, caplog: pytest.LogCaptureFixture
) -> None:
    """add, rotate, revoke and list at DEBUG: a token is on stdout of add and rotate only,
    never on stderr, in the list or in a log line; no hash is shown either."""
    debug(caplog)
    added = users.ok("add", "--role", "center", "logged-user")
    rotated = users.ok("rotate", "logged-user")
    revoked = users.ok("revoke", "logged-user")
    listing = users.ok("list")
    tokens = [added.stdout.strip(), rotated.stdout.strip()]
    assert [added.stdout, rotated.stdout] == [f"{token}\n" for token in tokens]
    written = caplog.text + added.stderr + rotated.stderr + revoked.output + listing.output
    assert "SELECT" in caplog.text
    for token in tokens:
        assert token not in written
        assert hash_token(token) not in listing.output


@pytest.fixture
def gunicorn(hotline: Hotline, settings: Settings, tmp_path: Path) -> Iterator[Gunicorn]:
    """`hotline serve` over the demo city's database, its logs captured."""
    server = Gunicorn(settings, tmp_path)
    yield server
    server.close()


def test_gunicorn_logs_no_token_sent_any_way(gunicorn: Gunicorn, kinds: dict[str, str]) -> None:
    """The access and error logs of a real gunicorn: each request logged, no token in it,
    no Basic-auth user name either."""
    sent = 0
    for token in kinds.values():
        for url, headers in every_way(token):
            status, _headers, _body = gunicorn.request("GET", url, headers)
            assert status in (200, 401, 429), status
            sent += 1
    gunicorn.close()  # flushes the logs
    log = gunicorn.log()
    assert log.count('"GET /api/v1/tickets') + log.count('"GET /public/knowledge') == sent
    assert "access_token=[redacted]&page=1" in log
    for kind, token in kinds.items():
        assert token not in log, kind


def test_an_access_log_format_naming_credential_headers_logs_none(tmp_path: Path) -> None:
    """A deployment's access_log_format with %({authorization}i)s, the cookie, the environ's
    HTTP_AUTHORIZATION and the user name: each written as [redacted] or '-'."""
    token = secrets.token_urlsafe(32)
    path = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(path))
    cfg.set(
        "access_log_format",
        '%(h)s %(u)s "%(r)s" auth=%({authorization}i)s cookie=%({cookie}i)s '
        "env=%({http_authorization}e)s agent=%({user-agent}i)s",
    )
    logger = RedactingLogger(cfg)
    request = SimpleNamespace(
        headers=[("AUTHORIZATION", basic(token)["Authorization"]), ("COOKIE", f"s={token}"),
                 ("USER-AGENT", "curl/8")]
    )  # fmt: skip
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/tickets?token={token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_AUTHORIZATION": basic(token)["Authorization"],
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=2)
    logger.access(response, request, environ, timedelta(seconds=1))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = path.read_text()
    assert token not in line
    assert line.startswith("192.0.2.1 - ")
    assert "auth=[redacted] cookie=[redacted] env=[redacted] agent=curl/8" in line
    assert "?token=[redacted]" in line
