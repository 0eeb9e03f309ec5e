"""POST/GET /api/v1/admin/clock: the manual clock, admin only, forward only, firing in order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from hotline.config import Settings
from scheduler import TimerService
from tests.helpers import timers
from tests.helpers.clock_api import Api, clock_now, make_api, shanghai
from tests.helpers.timers import START, Recorder, at, events, start_instance, timer_rows
from wiring.services import Services, build_services

# The timer fixtures, under their own names so pytest finds them here.
recorder = timers.recorder
timer_settings = timers.timer_settings
timer_services = timers.timer_services

ROLES = ("operator", "center", "unit-zjj", "supervisor", "leader")


@pytest.fixture
def api(timer_services: Services) -> Api:
    """The API on the manual clock."""
    return make_api(timer_services)


def test_get_returns_the_manual_time_to_any_user(api: Api) -> None:
    for who in ("admin", *ROLES):
        response = api.get(who)
        assert response.status_code == 200, response.json
        assert clock_now(response) == START


def test_admin_moves_the_clock_and_every_due_timer_fires_in_due_order(
    api: Api, timer_services: Services, recorder: Recorder
) -> None:
    _, a = start_instance(timer_services, at(1), at(4))
    _, b = start_instance(timer_services, at(2), at(50))
    _, c = start_instance(timer_services, at(3), at(5))
    response = api.post("admin", {"now": shanghai(at(10))})
    assert response.status_code == 200, response.json
    assert response.json["fired"] == 5
    assert response.json["failed"] == []
    assert clock_now(response) == at(10)
    assert clock_now(api.get("admin")) == at(10)
    # One global order, each handler running at the time its timer fell due.
    tick = timedelta(microseconds=1)
    assert recorder.calls == [
        ("remind", a, at(1) + tick),
        ("remind", b, at(2) + tick),
        ("remind", c, at(3) + tick),
        ("expire", a, at(4) + tick),
        ("expire", c, at(5) + tick),
    ]
    assert [r.due_at for r in timer_rows(timer_services)] == [at(50)]
    again = api.post("admin", {"now": shanghai(at(10))})  # the same time: not backwards
    assert again.status_code == 200 and again.json["fired"] == 0


def test_the_clock_only_moves_forward(api: Api, recorder: Recorder) -> None:
    assert api.post("admin", {"now": shanghai(at(5))}).status_code == 200
    response = api.post("admin", {"now": shanghai(at(4))})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert "now" in response.json["error"]["fields"]
    assert clock_now(api.get("admin")) == at(5)


@pytest.mark.parametrize(
    "body",
    [{"now": "2026-11-24T09:00:00"}, {"now": "tomorrow"}, {}, {"now": None}],
    ids=["naive", "not-a-time", "missing", "null"],
)
def test_the_new_time_must_be_an_iso_time_with_offset(api: Api, body: dict[str, Any]) -> None:
    response = api.post("admin", body)
    assert response.status_code == 422, response.json
    assert "now" in response.json["error"]["fields"]
    assert clock_now(api.get("admin")) == START


@pytest.mark.parametrize("who", ROLES)
def test_only_an_admin_may_set_the_clock(
    api: Api, timer_services: Services, recorder: Recorder, who: str
) -> None:
    start_instance(timer_services, at(1), at(4))
    response = api.post(who, {"now": shanghai(at(10))})
    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "forbidden"
    assert api.post(who, {"now": "garbage"}).status_code == 403  # before the body is read
    assert clock_now(api.get("admin")) == START
    assert recorder.calls == []


def test_a_firing_that_creates_due_timers_is_followed_in_the_same_move(
    api: Api, recorder: Recorder
) -> None:
    start_instance_later = {"remind_at": at(6).isoformat(), "due_at": at(100).isoformat()}
    recorder.spawn.append(start_instance_later)
    start_instance(api_services(api), at(1), at(50))
    response = api.post("admin", {"now": shanghai(at(10))})
    assert response.json["fired"] == 2
    assert [(name, when) for name, _, when in recorder.calls] == [
        ("remind", at(1) + timedelta(microseconds=1)),
        ("remind", at(6) + timedelta(microseconds=1)),
    ]


def api_services(api: Api) -> Services:
    """The services behind the test app."""
    return api.client.application.extensions["hotline"]


def test_a_failing_timer_is_reported_and_fires_on_the_next_move(
    api: Api, timer_services: Services, recorder: Recorder
) -> None:
    failing, ticket = start_instance(timer_services, at(1), at(50))
    _, other = start_instance(timer_services, at(2), at(50))
    recorder.fail["remind"] = 1
    response = api.post("admin", {"now": shanghai(at(3))})
    assert response.status_code == 200
    assert response.json["fired"] == 1
    assert [f["instance_id"] for f in response.json["failed"]] == [failing]
    assert "injected failure" in response.json["failed"][0]["error"]
    assert clock_now(response) == at(3)
    assert [e.ticket_id for e in events(timer_services, "test_remind")] == [other]
    retry = api.post("admin", {"now": shanghai(at(4))})
    assert retry.json == {"now": retry.json["now"], "fired": 1, "failed": []}
    assert [e.ticket_id for e in events(timer_services, "test_remind")] == [other, ticket]


def test_a_running_timer_service_is_woken_after_the_jump(
    api: Api, timer_services: Services
) -> None:
    start_instance(timer_services, at(5), at(50))
    service = TimerService(timer_services)
    service.start(paused=True)
    try:
        service.run()
        assert service.wake_target == at(5)
        api.post("admin", {"now": shanghai(at(3))})
        assert service.wake_target == at(3)  # re-read against the new time at once
    finally:
        service.stop(wait=False)


@pytest.fixture
def system_clock_api(timer_settings: Settings) -> Iterator[Api]:
    """The API of a service that runs on the system clock."""
    settings = Settings(**{**timer_settings.__dict__, "clock": "system"})
    built = build_services(settings)
    yield make_api(built)
    built.dispose()


@pytest.mark.parametrize("body", [{"now": "2030-01-01T00:00:00+08:00"}, {"now": "x"}])
def test_without_the_manual_clock_the_endpoint_is_not_there(
    system_clock_api: Api, body: dict[str, Any]
) -> None:
    for response in (system_clock_api.get("admin"), system_clock_api.post("admin", body)):
        assert response.status_code == 404
        assert response.is_json and response.json["error"]["code"] == "not_found"
