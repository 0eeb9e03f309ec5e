"""Per-client limits (issue 15 §6): failed sign-ins (HOTLINE_AUTH_FAILURES per
HOTLINE_AUTH_WINDOW) and the public endpoints (HOTLINE_PUBLIC_REQUESTS per
HOTLINE_PUBLIC_WINDOW), each a JSON 429 with Retry-After, windows moved by the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.test import TestResponse

from hotline.clock import ManualClock
from hotline.config import Settings
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from tests.helpers.api import assert_error
from tests.helpers.tokens import UsersCli, bearer
from wiring.services import build_services

GUESSER, NEIGHBOUR = "198.51.100.20", "198.51.100.21"
TICKETS = "/api/v1/tickets"
SEARCH = "/public/knowledge/search?q=噪音"


def call(h: Hotline, url: str, client: str, headers: dict[str, str] | None = None) -> TestResponse:
    """GET `url` from address `client`."""
    return h.app.test_client().get(url, headers=headers or {}, environ_base={"REMOTE_ADDR": client})


def throttled(response: TestResponse, retry_after: int) -> None:
    """A JSON 429 asking to wait `retry_after` seconds."""
    assert_error(response, 429, "too_many_requests")
    assert response.headers["Retry-After"] == str(retry_after)
    assert f"try again in {retry_after} s" in response.json["error"]["message"]


@pytest.fixture
def limited(settings: Settings, manual_clock: ManualClock) -> Iterator[Hotline]:
    """The demo city with small limits: 3 failed sign-ins per 10 minutes, 5 public requests
    per minute."""
    privacy = replace(
        settings.privacy, auth_failures=3, public_requests=5, public_window_seconds=60
    )
    services = build_services(replace(settings, privacy=privacy))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    yield make_hotline(services)
    services.dispose()


def test_after_20_failed_sign_ins_the_client_waits_out_the_window_even_with_a_valid_token(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    """The defaults: 20 refused tokens in 10 minutes, then 429 with Retry-After for any
    token from that address until the window ends; other addresses are not affected."""
    for guess in range(20):
        response = call(hotline, TICKETS, GUESSER, bearer(f"guess-{guess}"))
        assert_error(response, 401, "unauthorized")
    valid = bearer(hotline.center.token)
    throttled(call(hotline, TICKETS, GUESSER, valid), 600)
    throttled(call(hotline, TICKETS, GUESSER), 600)  # no token at all: waits as well
    assert call(hotline, TICKETS, NEIGHBOUR, valid).status_code == 200
    manual_clock.advance(timedelta(seconds=599))
    throttled(call(hotline, TICKETS, GUESSER, valid), 1)
    manual_clock.advance(timedelta(seconds=1))
    assert call(hotline, TICKETS, GUESSER, valid).status_code == 200


def test_requests_without_a_token_are_not_failures(hotline: Hotline) -> None:
    """A missing Authorization header guesses nothing: 30 of them, and a valid token works."""
    for header in ["", "Bearer", "Bearer   ", "Basic dXNlcjpwdw=="] * 8:
        response = call(hotline, TICKETS, GUESSER, {"Authorization": header} if header else {})
        assert_error(response, 401, "unauthorized")
    assert call(hotline, TICKETS, GUESSER, bearer(hotline.center.token)).status_code == 200


def test_revoked_and_expired_tokens_count_as_failures(
    limited: Hotline, settings: Settings, manual_clock: ManualClock
) -> None:
    """A script retrying a revoked or expired token is stopped like a guesser."""
    users = UsersCli(settings)
    users.env["HOTLINE_TOKEN_DAYS"] = "1"
    token = users.ok("add", "--role", "operator", "old-script").stdout.strip()
    manual_clock.advance(timedelta(days=1))
    assert "expired" in call(limited, TICKETS, GUESSER, bearer(token)).json["error"]["message"]
    users.ok("revoke", limited.center.name)
    for _ in range(2):
        response = call(limited, TICKETS, GUESSER, bearer(limited.center.token))
        assert "revoked" in assert_error(response, 401, "unauthorized")["message"]
    throttled(call(limited, TICKETS, GUESSER, bearer(limited.operator.token)), 600)


def test_the_failure_count_is_one_per_client_address(limited: Hotline) -> None:
    """Two addresses guessing each get their own three failures."""
    for client in (GUESSER, NEIGHBOUR, GUESSER, NEIGHBOUR, GUESSER, NEIGHBOUR):
        assert_error(call(limited, TICKETS, client, bearer("wrong")), 401, "unauthorized")
    for client in (GUESSER, NEIGHBOUR):
        throttled(call(limited, TICKETS, client, bearer(limited.admin.token)), 600)


def test_the_public_endpoints_are_limited_per_client(
    limited: Hotline, manual_clock: ManualClock
) -> None:
    """5 public requests a minute per address (search and articles count together); the
    lookup keeps its own limits; tokens, health and other addresses are not affected."""
    for url in [SEARCH, SEARCH, "/public/knowledge/articles/1", SEARCH, SEARCH]:
        assert call(limited, url, GUESSER).status_code in (200, 404)
    throttled(call(limited, SEARCH, GUESSER), 60)
    throttled(call(limited, "/public/knowledge/articles/1", GUESSER), 60)
    assert call(limited, SEARCH, NEIGHBOUR).status_code == 200
    lookup = call(limited, "/public/tickets/GY20261123000001?phone_tail=1234", GUESSER)
    assert_error(lookup, 404, "not_found")  # the lookup's own limit, not this one
    assert call(limited, "/api/health", GUESSER).status_code == 200
    assert call(limited, TICKETS, GUESSER, bearer(limited.center.token)).status_code == 200
    manual_clock.advance(timedelta(seconds=30))
    throttled(call(limited, SEARCH, GUESSER), 30)
    manual_clock.advance(timedelta(seconds=30))
    assert call(limited, SEARCH, GUESSER).status_code == 200


def test_the_public_limit_counts_across_workers(limited: Hotline, settings: Settings) -> None:
    """A second app over the same database (another worker) sees the same count."""
    privacy = limited.services.settings.privacy
    other = build_services(replace(settings, privacy=privacy))
    try:
        from api import create_app

        second = create_app(other).test_client()
        for app in [limited.app.test_client(), second] * 2 + [second]:
            response: Any = app.get(SEARCH, environ_base={"REMOTE_ADDR": GUESSER})
            assert response.status_code == 200
        throttled(limited.app.test_client().get(SEARCH, environ_base={"REMOTE_ADDR": GUESSER}), 60)
    finally:
        other.dispose()


def test_the_public_limit_is_in_the_openapi_document(hotline: Hotline) -> None:
    """Both public knowledge operations document the 429 and its Retry-After."""
    doc = hotline.app.test_client().get("/api/openapi.json").json
    for path in ("/public/knowledge/search", "/public/knowledge/articles/{article_id}"):
        operation = doc["paths"][path]["get"]
        assert "security" not in operation
        assert "Retry-After" in operation["responses"]["429"]["headers"], path
