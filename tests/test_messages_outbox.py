"""The outbox's dispatcher: each message delivered once per claim, retried with backoff,
failed after the last try with an alert in the admins' inbox, never lost to a dead
dispatcher (its lease lapses), never taken by two dispatchers at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from hotline import clock
from hotline.config import Settings
from hotline.messages.dispatch import dispatch, dispatch_round
from hotline.messages.outbox import claim
from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER
from hotline.models.messages import OutboxMessage
from tests.helpers.outbox import inbox, messaging, post_office, queue, row, rows
from tests.helpers.receivers import SmsReceiver
from tests.helpers.servers import race
from wiring.services import Services


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The local SMS gateway stand-in."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def office(
    settings: Settings, manual_clock: clock.ManualClock, gateway: SmsReceiver
) -> Iterator[Services]:
    """Services texting through `gateway`; 3 attempts, 30 s first backoff, 60 s lease."""
    services = post_office(settings, messaging(gateway, None, max_attempts=3))
    yield services
    services.dispose()


def test_a_queued_text_reaches_the_gateway_signed_with_its_key(
    office: Services, gateway: SmsReceiver
) -> None:
    [key] = queue(office)

    assert dispatch_round(office.sessions, office.settings, "test") == 1

    [received] = gateway.received
    assert received.body == {
        "id": key,
        "phone": "13800138000",
        "text": "您反映的诉求（工单 GY20261123000001）已办结。",
        "kind": "result_notice",
    }
    assert received.headers["Idempotency-Key"] == key
    assert received.signature_problem is None
    assert {TIMESTAMP_HEADER, SIGNATURE_HEADER} <= set(received.headers)
    sent = row(office, key)
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 1, clock.now())
    # Nothing is sent twice: a second round finds nothing due.
    assert dispatch_round(office.sessions) == 0
    assert len(gateway.received) == 1


def test_a_gateway_error_is_retried_after_a_doubling_backoff(
    office: Services, gateway: SmsReceiver, manual_clock: clock.ManualClock
) -> None:
    [key] = queue(office)
    gateway.fail_next(2, 503)

    dispatch_round(office.sessions)
    waiting = row(office, key)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "503" in (waiting.last_error or "")
    assert waiting.next_attempt_at == clock.now() + timedelta(seconds=30)

    manual_clock.advance(timedelta(seconds=29))
    assert dispatch_round(office.sessions) == 0  # not due yet
    manual_clock.advance(timedelta(seconds=1))
    dispatch_round(office.sessions)
    assert row(office, key).next_attempt_at == clock.now() + timedelta(seconds=60)

    manual_clock.advance(timedelta(seconds=60))
    dispatch_round(office.sessions)
    assert row(office, key).status == "sent"
    assert [t["id"] for t in gateway.texts()] == [key]


def test_after_the_last_attempt_the_row_fails_and_every_admin_is_told(
    office: Services, gateway: SmsReceiver, manual_clock: clock.ManualClock
) -> None:
    [key] = queue(office)
    gateway.fail_next(3, 500)
    for wait in (0, 30, 60):
        manual_clock.advance(timedelta(seconds=wait))
        dispatch_round(office.sessions)

    failed = row(office, key)
    assert (failed.status, failed.attempts) == ("failed", 3)
    [alert] = inbox(office, "admin-1")
    assert alert.kind == "message_failed"
    assert f"#{failed.id}" in alert.title and "result_notice" in alert.title
    assert "3 次" in alert.body and "500" in alert.body
    assert "13800138000" not in alert.body  # the requester's phone stays out of the inbox
    assert inbox(office, "zjj-1") == []


def test_a_refusal_fails_at_once_without_retrying(office: Services, gateway: SmsReceiver) -> None:
    [key] = queue(office)
    gateway.fail_next(1, 422)

    dispatch_round(office.sessions)

    failed = row(office, key)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "422" in (failed.last_error or "")
    assert [n.kind for n in inbox(office, "admin-1")] == ["message_failed"]


def test_an_unreachable_gateway_is_retried(
    settings: Settings, manual_clock: clock.ManualClock
) -> None:
    closed = SmsReceiver()
    closed.close()  # nothing listens on its port any more
    services = post_office(settings, messaging(closed, None, max_attempts=2))
    try:
        [key] = queue(services)
        dispatch_round(services.sessions)
        waiting = row(services, key)
        assert waiting.status == "pending"
        assert "not reachable" in (waiting.last_error or "")
    finally:
        services.dispose()


def test_a_dead_dispatchers_rows_return_when_its_lease_lapses(
    office: Services, gateway: SmsReceiver, manual_clock: clock.ManualClock
) -> None:
    keys = queue(office, 3)
    with office.transaction() as session:  # claimed by a dispatcher that then died
        claim(session, "dead", now=clock.now(), lease_seconds=60, limit=2)

    assert dispatch_round(office.sessions) == 1  # only the unclaimed one
    manual_clock.advance(timedelta(seconds=61))
    assert dispatch_round(office.sessions) == 2

    assert sorted(t["id"] for t in gateway.texts()) == sorted(keys)
    assert [r.attempts for r in rows(office)] == [2, 2, 1]
    assert {r.status for r in rows(office)} == {"sent"}


def test_two_dispatchers_never_send_the_same_row_twice(
    office: Services, gateway: SmsReceiver
) -> None:
    keys = queue(office, 60)
    small = messaging(gateway, None, batch=7, workers=3)

    reports = race([lambda n=n: dispatch(office.sessions, small, f"d{n}") for n in range(3)])

    assert sum(r.sent for r in reports) == 60
    counts = Counter(t["id"] for t in gateway.texts())
    assert set(counts) == set(keys)
    assert max(counts.values()) == 1
    assert {r.status for r in rows(office)} == {"sent"}


def test_in_app_messages_land_in_each_unit_users_inbox_once(office: Services) -> None:
    [key] = queue(
        office,
        kind="ticket_dispatched",
        channel="inapp",
        recipient="unit",
        address="",
        unit_code="ZJJ",
        subject="新工单 GY20261123000001",
        body="新工单 GY20261123000001 已派发给住建局，请于 2026-11-30 前办结。",
    )
    dispatch_round(office.sessions)
    # A copy of the claim lands again (a dispatcher died after writing): still one each.
    with office.transaction() as session:
        session.execute(update(OutboxMessage).values(status="pending"))
    dispatch_round(office.sessions)

    for user in ("zjj-1", "zjj-2"):
        [note] = inbox(office, user)
        assert (note.message_key, note.kind) == (key, "ticket_dispatched")
        assert note.title == "新工单 GY20261123000001"
        assert note.read_at is None
    assert inbox(office, "center-1") == []
    assert row(office, key).status == "sent"


def test_an_in_app_message_to_a_unit_without_users_fails_and_alerts(office: Services) -> None:
    [key] = queue(office, channel="inapp", recipient="unit", address="", unit_code="NONE")

    dispatch_round(office.sessions)

    assert row(office, key).status == "failed"
    assert "no active user of unit NONE" in (row(office, key).last_error or "")
    assert [n.kind for n in inbox(office, "admin-1")] == ["message_failed"]
