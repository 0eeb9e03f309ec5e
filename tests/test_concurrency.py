"""Real races: simultaneous completions of one task, and simultaneous ticket creation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from flask import Flask

from hotline.clock import ManualClock
from tests.conftest import Hotline
from tests.helpers.servers import LiveServer, race
from tests.helpers.tickets import TICKET_BODY as BODY
from tests.helpers.tickets import kinds

ROUNDS = 5
DISPATCH = {"disposition": "dispatch", "unit": "ZJJ"}
DECLINE = {"disposition": "decline", "decline_reason": "属司法程序"}


def completed_events(ticket: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The ticket's task_completed events for task `key`."""
    return [e for e in ticket["events"] if e["kind"] == "task_completed" and e["task"] == key]


def test_two_test_clients_race_on_triage(hotline: Hotline) -> None:
    """Two center clients answer one triage at once: one 200, one 409, one outcome applied."""
    for _ in range(ROUNDS):
        number = hotline.new_ticket()["number"]
        task = hotline.center.task_for(number, "triage")
        url = f"/api/v1/tasks/{task['id']}/complete"
        headers = {"Authorization": f"Bearer {hotline.center.token}"}
        clients = [hotline.app.test_client(), hotline.app.test_client()]
        datas = [DISPATCH, DECLINE]
        responses = race(
            [
                partial(c.post, url, json={"data": d}, headers=headers)
                for c, d in zip(clients, datas, strict=True)
            ]
        )
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [200, 409], [r.get_json() for r in responses]
        loser = responses[statuses.index(409)]
        assert loser.get_json()["error"]["code"] == "conflict"
        winner = datas[statuses.index(200)]
        ticket = hotline.ticket(number)
        assert len(completed_events(ticket, "triage")) == 1
        assert completed_events(ticket, "triage")[0]["data"]["disposition"] == winner["disposition"]
        if winner is DISPATCH:
            assert ticket["status"] == "dispatched"
            assert kinds(ticket).count("ticket_dispatched") == 1
            assert "ticket_declined" not in kinds(ticket)
            assert [t["key"] for t in ticket["tasks"]] == ["acknowledge"]
        else:
            assert ticket["status"] == "declined"
            assert "ticket_dispatched" not in kinds(ticket)
            assert ticket["tasks"] == []


def test_live_server_race_on_acknowledge(hotline: Hotline, live: LiveServer) -> None:
    """Two HTTP clients of unit ZJJ acknowledge at once: one 200, one 409, one step taken."""
    for _ in range(ROUNDS):
        number = hotline.new_ticket()["number"]
        hotline.center.complete(number, "triage", DISPATCH)
        task = hotline.unit.task_for(number, "acknowledge")
        path = f"/api/v1/tasks/{task['id']}/complete"
        results = race(
            [
                partial(live.request, "POST", path, hotline.unit.token, {"data": {"contacted": c}})
                for c in (True, False)
            ]
        )
        statuses = sorted(status for status, _h, _b in results)
        assert statuses == [200, 409], results
        ticket = hotline.ticket(number)
        assert len(completed_events(ticket, "acknowledge")) == 1
        assert kinds(ticket).count("ticket_acknowledged") == 1
        assert ticket["status"] == "handling"
        assert [t["key"] for t in ticket["tasks"]] == ["handle"]
        assert [t["key"] for t in hotline.unit.inbox() if t["ticket_number"] == number] == [
            "handle"
        ]


def test_live_server_four_way_race_on_handle(hotline: Hotline, live: LiveServer) -> None:
    """Four simultaneous `handle done` submissions: one 200, three 409, one result recorded."""
    done = {"outcome": "done", "basis": "条例", "findings": "属实", "reply": "已处理"}
    for _ in range(ROUNDS):
        number = hotline.new_ticket()["number"]
        hotline.center.complete(number, "triage", DISPATCH)
        hotline.unit.complete(number, "acknowledge", {"contacted": True})
        task = hotline.unit.task_for(number, "handle")
        path = f"/api/v1/tasks/{task['id']}/complete"
        results = race(
            [partial(live.request, "POST", path, hotline.unit.token, {"data": done})] * 4
        )
        statuses = sorted(status for status, _h, _b in results)
        assert statuses == [200, 409, 409, 409], results
        assert all(b["error"]["code"] == "conflict" for s, _h, b in results if s == 409)
        ticket = hotline.ticket(number)
        assert len(completed_events(ticket, "handle")) == 1
        assert kinds(ticket).count("result_submitted") == 1
        assert ticket["status"] == "in_review"
        assert [t["key"] for t in ticket["tasks"]] == ["review"]


def test_twenty_parallel_creations_get_distinct_sequential_numbers(
    hotline: Hotline, live: LiveServer
) -> None:
    """20 simultaneous POST /tickets all succeed with numbers GY20261123000001..000020."""
    results = race(
        [lambda: live.request("POST", "/api/v1/tickets", hotline.operator.token, BODY)] * 20
    )
    assert [status for status, _h, _b in results] == [201] * 20, results
    got = sorted(body["number"] for _s, _h, body in results)
    assert got == [f"GY20261123{n:06d}" for n in range(1, 21)]
    listed = hotline.center.get("/api/v1/tickets?per_page=100").json
    assert listed["total"] == 20
    assert sorted(t["number"] for t in listed["items"]) == got
    triage = [t for t in hotline.center.inbox() if t["key"] == "triage"]
    assert sorted(t["ticket_number"] for t in triage) == got


def test_parallel_creations_and_completions_do_not_interfere(
    hotline: Hotline, live: LiveServer
) -> None:
    """Tickets created while others are triaged keep sequential numbers; every triage lands."""
    existing = [hotline.new_ticket()["number"] for _ in range(5)]
    tasks = [hotline.center.task_for(n, "triage")["id"] for n in existing]
    calls: list[Callable[[], Any]] = [
        lambda t=t: live.request(
            "POST", f"/api/v1/tasks/{t}/complete", hotline.center.token, {"data": DISPATCH}
        )
        for t in tasks
    ]
    calls += [lambda: live.request("POST", "/api/v1/tickets", hotline.operator.token, BODY)] * 5
    results = race(calls)
    assert [s for s, _h, _b in results] == [200] * 5 + [201] * 5, results
    created = sorted(body["number"] for _s, _h, body in results[5:])
    assert created == [f"GY20261123{n:06d}" for n in range(6, 11)]
    for number in existing:
        ticket = hotline.ticket(number)
        assert ticket["status"] == "dispatched"
        assert len(completed_events(ticket, "triage")) == 1


class HoldFirstCompletion:
    """Makes the first completion wait, holding its lock, until every racer has arrived.

    Arrival is the request reaching the app (SQLite queues writers at BEGIN, so a racer
    may wait there) and, on PostgreSQL, also entering `complete_task`, where it blocks
    on the instance lock. Events, not sleeps: a racer that never shows up times out.
    """

    def __init__(self, racers: int, wait_for_entry: bool) -> None:
        self.racers = racers
        self.arrived = 0
        self.entered = 0
        self.held = 0
        self.all_arrived = threading.Event()
        self.all_entered = threading.Event()
        self.lock = threading.Lock()
        self.wait_for_entry = wait_for_entry

    def _count(self, attribute: str, done: threading.Event) -> None:
        with self.lock:
            setattr(self, attribute, getattr(self, attribute) + 1)
            if getattr(self, attribute) == self.racers:
                done.set()

    def install(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        """Count arrivals (WSGI) and entries (complete_task); hold in Runtime._validate."""
        from processes.runtime import Runtime

        inner = app.wsgi_app

        def middleware(environ: dict[str, Any], start_response: Any) -> Any:
            if environ["PATH_INFO"].endswith("/complete"):
                self._count("arrived", self.all_arrived)
            return inner(environ, start_response)

        complete, validate = Runtime.complete_task, Runtime._validate

        def counted(runtime: Runtime, *args: Any, **kwargs: Any) -> Any:
            self._count("entered", self.all_entered)
            return complete(runtime, *args, **kwargs)

        def held(runtime: Runtime, *args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.held += 1
            assert self.all_arrived.wait(timeout=30), "the other racers never arrived"
            if self.wait_for_entry:
                assert self.all_entered.wait(timeout=30), "the others never reached the lock"
            return validate(runtime, *args, **kwargs)

        monkeypatch.setattr(app, "wsgi_app", middleware)
        monkeypatch.setattr(Runtime, "complete_task", counted)
        monkeypatch.setattr(Runtime, "_validate", held)


def test_racer_arriving_mid_transaction_gets_409(
    hotline: Hotline, live: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The winner is held inside its transaction until the loser is waiting: still 200/409."""
    postgres = hotline.services.engine.dialect.name == "postgresql"
    for _ in range(3):
        number = hotline.new_ticket()["number"]
        task = hotline.center.task_for(number, "triage")
        path = f"/api/v1/tasks/{task['id']}/complete"
        hold = HoldFirstCompletion(racers=2, wait_for_entry=postgres)
        with monkeypatch.context() as patch:
            hold.install(hotline.app, patch)
            results = race(
                [
                    partial(live.request, "POST", path, hotline.center.token, {"data": d})
                    for d in (DISPATCH, DECLINE)
                ]
            )
        assert sorted(s for s, _h, _b in results) == [200, 409], results
        assert hold.held == 1, "only the winner may get past the ready check"
        ticket = hotline.ticket(number)
        assert len(completed_events(ticket, "triage")) == 1
        assert ticket["status"] in ("dispatched", "declined")
        assert (
            kinds(ticket).count("ticket_dispatched") + kinds(ticket).count("ticket_declined") == 1
        )


# -- numbering ----------------------------------------------------------------------------


def test_numbers_use_the_shanghai_date_and_restart_daily(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    """Sequence per Shanghai day: 23:59:59 is still the 23rd, 00:00 (16:00 UTC) starts at 1."""
    assert hotline.new_ticket()["number"] == "GY20261123000001"
    manual_clock.set(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC))
    assert hotline.new_ticket()["number"] == "GY20261123000002"
    manual_clock.set(datetime(2026, 11, 23, 16, 0, 0, tzinfo=UTC))
    assert hotline.new_ticket()["number"] == "GY20261124000001"
    assert hotline.new_ticket()["number"] == "GY20261124000002"


def test_parallel_creations_across_midnight_keep_both_days_dense(
    hotline: Hotline, live: LiveServer, manual_clock: ManualClock
) -> None:
    """10 racing creations before and 10 after Shanghai midnight: 000001..000010 each day."""
    manual_clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    create = partial(live.request, "POST", "/api/v1/tickets", hotline.operator.token, BODY)
    before = race([create] * 10)
    manual_clock.set(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    after = race([create] * 10)
    assert sorted(b["number"] for _s, _h, b in before) == [
        f"GY20261123{n:06d}" for n in range(1, 11)
    ]
    assert sorted(b["number"] for _s, _h, b in after) == [
        f"GY20261124{n:06d}" for n in range(1, 11)
    ]


# -- the scheduler against the API ---------------------------------------------------------


def lock_waiters(hotline: Hotline) -> int:
    """How many PostgreSQL backends wait on a lock right now."""
    from sqlalchemy import text

    with hotline.services.engine.connect() as conn:
        query = "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
        return int(conn.execute(text(query)).scalar() or 0)


def test_scheduler_and_a_user_on_one_ticket_do_not_deadlock(
    hotline: Hotline, manual_clock: ManualClock
) -> None:
    """A scheduler firing a ticket's timer and a unit completing its task: both succeed.

    Both take the ticket's row lock first, then the instance's; the user waits its turn.
    """
    if hotline.services.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers at BEGIN IMMEDIATE: no lock order to check")
    from datetime import timedelta

    from scheduler.firing import _claim

    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", DISPATCH)
    task = hotline.unit.task_for(number, "acknowledge")
    manual_clock.advance(timedelta(minutes=31))  # the acknowledge timer is due, not fired
    services = hotline.services
    claimed, user_waits = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def scheduler() -> None:
        with services.transaction() as session:
            instance_id = _claim(session, manual_clock.now(), set())
            claimed.set()
            assert user_waits.wait(timeout=30), "the user's request never queued"
            results["fired"] = services.runtime.fire_timers(session, instance_id)

    def user() -> None:
        assert claimed.wait(timeout=30)
        path = f"/api/v1/tasks/{task['id']}/complete"
        results["user"] = hotline.unit.post(path, json={"data": {"contacted": True}}).status_code

    threads = [threading.Thread(target=scheduler), threading.Thread(target=user)]
    for thread in threads:
        thread.start()
    assert claimed.wait(timeout=30)
    for _ in range(3000):  # until the user's request blocks on the ticket lock
        if lock_waiters(hotline):
            break
        threading.Event().wait(0.01)
    user_waits.set()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"fired": 1, "user": 200}
    kinds_now = [e["kind"] for e in hotline.ticket(number)["events"]]
    assert kinds_now.index("ticket_urged") < kinds_now.index("ticket_acknowledged")
