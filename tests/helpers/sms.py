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
from tests.helpers.confidential import named_staff
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
    # A confidential ticket is ZJJ's named staff's alone (meizhou 第二十一条).
    unit = named_staff(h) if ticket.get("confidential") else h.unit
    unit.complete(number, "acknowledge", {"contacted": True})
    unit.complete(number, "handle", DONE)
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
