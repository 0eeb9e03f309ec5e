"""The SMS callback in tests: a service with a gateway, tickets at callback, signed replies."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import TYPE_CHECKING, Any

from werkzeug.test import TestResponse

from hotline.config import Settings
from hotline.messages.settings import MessagingSettings, SmsGateway, parse_routes
from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.helpers.tickets import DISPATCH_ZJJ, DONE

if TYPE_CHECKING:
    from tests.conftest import Hotline

INBOUND = "/api/v1/sms/inbound"
ROUTES = "requester=sms; center=inapp; unit=log,inapp; *=log"


def with_gateway(settings: Settings, url: str, secret: str, profile: str) -> Settings:
    """`settings` under `profile`, texting requesters through the gateway at `url`."""
    messaging = MessagingSettings(routes=parse_routes(ROUTES), sms=SmsGateway(url, secret))
    return dataclasses.replace(settings, profile=profile, messaging=messaging)


def at_callback(h: Hotline, **ticket: Any) -> str:
    """A complaint dispatched to ZJJ, handled, its result approved: waiting at `callback`."""
    number = h.new_ticket(**ticket)["number"]
    h.center.complete(number, "triage", DISPATCH_ZJJ)
    h.unit.complete(number, "acknowledge", {"contacted": True})
    h.unit.complete(number, "handle", DONE)
    h.center.complete(number, "review", {"approved": True})
    assert h.ticket(number)["status"] == "callback"
    return number


def signed_headers(secret: str, raw: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The gateway's headers for body `raw`."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: sign(secret, ts, raw),
    }


def reply(
    h: Hotline, secret: str, phone: str, text: str, gateway_id: str | None = None
) -> TestResponse:
    """POST a signed reply as the gateway does (no bearer token)."""
    body = {"id": gateway_id or f"gw-{time.monotonic_ns()}", "phone": phone, "text": text}
    raw = json.dumps(body, ensure_ascii=False).encode()
    client = h.app.test_client()
    return client.post(INBOUND, data=raw, headers=signed_headers(secret, raw))


def texted(h: Hotline, number: str) -> None:
    """The callback text (callback_request) to the ticket's requester, as the rules write it.

    Until the profile's [messages] rules write it at the callback step, the test does.
    """
    from sqlalchemy import select

    from hotline.messages.outbox import enqueue
    from hotline.models import Ticket
    from hotline.models.messages import OutboxMessage

    with h.services.transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        found = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.ticket_id == ticket.id, OutboxMessage.kind == "callback_request"
            )
        ).first()
        if found is None:
            enqueue(
                session,
                kind="callback_request",
                channel="sms",
                recipient="requester",
                address=ticket.requester_phone,
                body=f"您的诉求（工单{number}）已办结，请评价：回复1满意，2基本满意，3不满意。",
                ticket_id=ticket.id,
                rule="002 第二十七条(二)",
            )
