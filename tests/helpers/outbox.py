"""The outbox in tests: services whose channels reach the local receivers, rows to send."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from hotline.config import Settings
from hotline.directory import add_unit, add_user
from hotline.messages.outbox import enqueue
from hotline.messages.settings import MessagingSettings, SmsGateway, Smtp, parse_routes
from hotline.models import User
from hotline.models.messages import Notification, OutboxMessage
from tests.helpers.receivers import SmsReceiver, SmtpReceiver
from wiring.services import Services, build_services

ROUTES = "*=log; requester=sms; unit=sms,email,inapp; center=inapp; admin=inapp"


def messaging(
    sms: SmsReceiver | None, smtp: SmtpReceiver | None, routes: str = ROUTES, **retry: Any
) -> MessagingSettings:
    """Channel settings over the receivers (`retry`: max_attempts, backoff_seconds, ...)."""
    return MessagingSettings(
        routes=parse_routes(routes),
        sms=SmsGateway(sms.url, sms.secret, timeout=2.0) if sms else None,
        smtp=Smtp("127.0.0.1", smtp.port) if smtp else None,
        **retry,
    )


def post_office(settings: Settings, channels: MessagingSettings) -> Services:
    """Services with `channels`, a unit ZJJ with two users, and one admin."""
    services = build_services(dataclasses.replace(settings, messaging=channels))
    with services.transaction() as session:
        if session.scalar(select(User.id).where(User.role == "admin")) is None:
            add_unit(session, "ZJJ", "住建局", "利州区")
            session.flush()
            add_user(session, "zjj-1", "unit", "ZJJ")
            add_user(session, "zjj-2", "unit", "ZJJ")
            add_user(session, "admin-1", "admin")
            add_user(session, "center-1", "center")
    return services


def queue(services: Services, count: int = 1, **fields: Any) -> list[str]:
    """Enqueue `count` messages (default: an SMS to a requester); their keys."""
    values = {
        "kind": "result_notice",
        "channel": "sms",
        "recipient": "requester",
        "address": "13800138000",
        "body": "您反映的诉求（工单 GY20261123000001）已办结。",
        **fields,
    }
    with services.transaction() as session:
        return [enqueue(session, **values).key for _ in range(count)]


def rows(services: Services) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    with services.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def row(services: Services, key: str) -> OutboxMessage:
    """The outbox row of `key`."""
    with services.transaction() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.key == key)).one()


def inbox(services: Services, user_name: str) -> list[Notification]:
    """The notifications of the user called `user_name`, oldest first."""
    with services.transaction() as session:
        return list(
            session.scalars(
                select(Notification)
                .join(User, User.id == Notification.user_id)
                .where(User.name == user_name)
                .order_by(Notification.id)
            )
        )


def user_id(services: Services, name: str) -> int:
    """The id of the user called `name`."""
    with services.transaction() as session:
        return session.scalars(select(User.id).where(User.name == name)).one()


def eventually(condition: Callable[[], Any], seconds: float = 30.0, what: str = "") -> Any:
    """Wait (bounded) for a background thread or process to make `condition` true."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:g} s: {what or condition}")
        time.sleep(0.05)
