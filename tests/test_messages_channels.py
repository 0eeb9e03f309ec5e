"""The channels as adapters: e-mail over a real SMTP server, the log-only default, missing
endpoints, the background dispatcher of `serve` and `scheduler`, and `hotline messages`."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.header import decode_header, make_header

import pytest
from click.testing import CliRunner

from hotline import clock
from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from hotline.messages.settings import MessagingSettings, Smtp, parse_routes
from scheduler.outbox import OutboxDispatcher
from tests.helpers.outbox import eventually, inbox, messaging, post_office, queue, row
from tests.helpers.receivers import SmsReceiver, SmtpReceiver, free_port
from wiring.cli import main
from wiring.services import Services

MAIL = {
    "kind": "yellow_card",
    "channel": "email",
    "recipient": "unit",
    "address": "zjj@example.gov.cn",
    "unit_code": "ZJJ",
    "subject": "黄牌警告：工单 GY20261123000001",
    "body": "住建局：工单 GY20261123000001 已逾期，依规给予黄牌警告。",
}


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """A real local SMTP server."""
    server = SmtpReceiver()
    yield server
    server.close()


@pytest.fixture
def mail_office(
    settings: Settings, manual_clock: clock.ManualClock, smtp: SmtpReceiver
) -> Iterator[Services]:
    """Services mailing through `smtp`."""
    services = post_office(settings, messaging(None, smtp, routes="*=log; unit=email"))
    yield services
    services.dispose()


def test_an_email_reaches_the_smtp_server_with_the_key_as_message_id(
    mail_office: Services, smtp: SmtpReceiver
) -> None:
    [key] = queue(mail_office, **MAIL)

    assert dispatch_round(mail_office.sessions) == 1

    [mail] = smtp.to("zjj@example.gov.cn")
    assert str(make_header(decode_header(mail["Subject"]))) == "黄牌警告：工单 GY20261123000001"
    assert mail["Message-ID"] == f"<{key}@hotline12345>"
    assert mail["X-Hotline-Kind"] == "yellow_card"
    assert "依规给予黄牌警告" in mail.get_payload(decode=True).decode()
    assert row(mail_office, key).status == "sent"


def test_an_smtp_server_that_is_down_is_retried(
    settings: Settings, manual_clock: clock.ManualClock
) -> None:
    nowhere = MessagingSettings(
        routes=parse_routes("*=log; unit=email"), smtp=Smtp("127.0.0.1", free_port(), timeout=2)
    )
    services = post_office(settings, nowhere)
    try:
        [key] = queue(services, **MAIL)
        dispatch_round(services.sessions)
        waiting = row(services, key)
        assert (waiting.status, waiting.attempts) == ("pending", 1)
        assert "SMTP relay not reachable" in (waiting.last_error or "")
    finally:
        services.dispose()


def test_the_log_channel_writes_one_line_and_hides_the_phone(
    mail_office: Services, caplog: pytest.LogCaptureFixture
) -> None:
    [key] = queue(mail_office, channel="log")

    with caplog.at_level(logging.INFO, logger="hotline.messages.sent"):
        dispatch_round(mail_office.sessions)

    [line] = [r.getMessage() for r in caplog.records if key in r.getMessage()]
    assert "result_notice to requester 138****8000" in line
    assert "13800138000" not in caplog.text
    assert row(mail_office, key).status == "sent"


def test_a_channel_without_its_endpoint_fails_and_alerts(mail_office: Services) -> None:
    [key] = queue(mail_office)  # an SMS, but this deployment has no gateway

    dispatch_round(mail_office.sessions)

    failed = row(mail_office, key)
    assert failed.status == "failed"
    assert "HOTLINE_SMS_URL" in (failed.last_error or "")
    assert [n.kind for n in inbox(mail_office, "admin-1")] == ["message_failed"]


def test_the_background_dispatcher_delivers_what_is_queued(
    settings: Settings, manual_clock: clock.ManualClock
) -> None:
    gateway = SmsReceiver()
    channels = messaging(gateway, None)
    services = post_office(settings, channels)
    dispatcher = OutboxDispatcher(services.sessions, channels, poll_seconds=60)
    try:
        dispatcher.start()
        [key] = queue(services)
        dispatcher.wake()  # as a commit in this process would; other processes: the poll
        eventually(lambda: gateway.texts("13800138000"), what="the text at the gateway")
        assert gateway.texts()[0]["id"] == key
        eventually(lambda: row(services, key).status == "sent", what="the row settled")
    finally:
        dispatcher.stop()
        gateway.close()
        services.dispose()
    assert not dispatcher.running
    assert dispatcher.delivered.sent == 1


def test_hotline_messages_lists_retries_and_dispatches(
    settings: Settings, manual_clock: clock.ManualClock
) -> None:
    gateway = SmsReceiver()
    services = post_office(settings, messaging(gateway, None))
    env = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_PROFILE": settings.profile,
        "HOTLINE_CHANNELS": "*=log; requester=sms",
        "HOTLINE_SMS_URL": gateway.url,
        "HOTLINE_SMS_SECRET": gateway.secret,
    }

    def hotline(*args: str) -> str:
        result = CliRunner().invoke(main, ["messages", *args], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    try:
        [key] = queue(services)
        gateway.fail_next(1, 400)
        # The admins' alert is delivered in the same round.
        assert "1 sent, 0 to retry later, 1 failed" in hotline("dispatch")
        assert [n.kind for n in inbox(services, "admin-1")] == ["message_failed"]
        message_id = row(services, key).id
        listed = hotline("list", "--status", "failed")
        assert f"#{message_id} failed  result_notice sms→requester 138****8000" in listed
        assert "error=SMS gateway refused the text: 400" in listed

        assert f"#{message_id} result_notice sms→requester queued again" in hotline(
            "retry", str(message_id)
        )
        assert "1 sent, 0 to retry later, 0 failed" in hotline("dispatch")
        assert [t["id"] for t in gateway.texts()] == [key]
        refused = CliRunner().invoke(main, ["messages", "retry", str(message_id)], env=env)
        assert refused.exit_code == 1
        assert f"message {message_id} was sent already" in refused.output
        missing = CliRunner().invoke(main, ["messages", "retry", "999999"], env=env)
        assert "message 999999 does not exist" in missing.output
    finally:
        gateway.close()
        services.dispose()
