"""Messages in tests: a hotline whose routes reach every recipient, and its outbox rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from hotline import clock
from hotline.config import Settings
from hotline.messages.settings import MessagingSettings, parse_routes
from hotline.models import Ticket
from hotline.models.messages import OutboxMessage
from processes.registry import deploy_directory
from tests.conftest import Hotline, make_hotline
from wiring.services import Services, build_services

# Every recipient over a real channel (no gateway is needed to write rows, only to send).
ROUTES = (
    "*=log; unit=sms,email,inapp; unit_leader=sms,email; requester=sms; government=sms,email; "
    "duty_office=sms,email; center=inapp; admin=inapp"
)


def hotline_with(
    settings: Settings, profile: str = "guangyuan", messaging: MessagingSettings | None = None
) -> tuple[Hotline, Services]:
    """The API under `profile` with `messaging` (default: ROUTES, no gateway)."""
    channels = messaging or MessagingSettings(routes=parse_routes(ROUTES))
    services = build_services(dataclasses.replace(settings, profile=profile, messaging=channels))
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    return make_hotline(services), services


@pytest.fixture
def messaging_hotline(
    settings: Settings, manual_clock: clock.ManualClock
) -> Iterator[Callable[..., Hotline]]:
    """`messaging_hotline("guangxi")`: the API under a profile with every route on."""
    built: list[Services] = []

    def make(profile: str = "guangyuan", messaging: MessagingSettings | None = None) -> Hotline:
        hotline, services = hotline_with(settings, profile, messaging)
        built.append(services)
        return hotline

    yield make
    for services in built:
        services.dispose()


def outbox(h: Hotline, number: str | None = None, **match: Any) -> list[OutboxMessage]:
    """Outbox rows (of the ticket `number`, with these column values), oldest first."""
    with h.services.transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if number is not None:
            query = query.join(Ticket, Ticket.id == OutboxMessage.ticket_id).where(
                Ticket.number == number
            )
        for name, value in match.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def sent_to(rows: list[OutboxMessage]) -> set[tuple[str, str, str]]:
    """(recipient, channel, address) of each row."""
    return {(r.recipient, r.channel, r.address) for r in rows}
