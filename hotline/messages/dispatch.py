"""One dispatcher round: claim due outbox rows, deliver them, settle each.

In-app rows are delivered in the transaction that settles them (their Notification rows and
`sent` commit together). SMS, e-mail and log rows are delivered outside any transaction by
a pool of `workers` threads, then settled in one transaction per batch: `sent`; `pending`
again after an exponential backoff; or, after `max_attempts` (or a refusal no retry mends),
`failed` with a `message_failed` alert in every active admin's inbox.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hotline import clock
from hotline.messages import inapp
from hotline.messages.channels import Delivery, Outcome, deliver
from hotline.messages.context import messaging_of
from hotline.messages.outbox import claim, enqueue, mark_failed, mark_retry, mark_sent
from hotline.messages.settings import MessagingSettings
from hotline.models import User
from hotline.statuses import Role

log = logging.getLogger(__name__)

ALERT_KIND = "message_failed"
MAX_BACKOFF = timedelta(days=1)


class HasMessaging(Protocol):
    """hotline.config.Settings, seen from here (config imports this package: no cycle)."""

    @property
    def messaging(self) -> MessagingSettings:
        """The deployment's channels."""
        ...


@dataclass
class Report:
    """What a round did: attempts that ended sent, to be retried, failed for good."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    lost: int = 0  # rows another dispatcher took over after our lease lapsed

    @property
    def settled(self) -> int:
        """Attempts finished and recorded this round."""
        return self.sent + self.retrying + self.failed

    def add(self, other: Report) -> None:
        """Count `other` into this report."""
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.lost += other.lost


def dispatch_round(
    sessions: sessionmaker[Session],
    settings: MessagingSettings | HasMessaging | None = None,
    owner: str = "dispatcher",
) -> int:
    """Deliver everything due now (tests call this to deliver); how many attempts settled.

    `settings` defaults to the channels the sessions carry (wiring.services builds them so).
    """
    return dispatch(sessions, settings, owner).settled


def dispatch(
    sessions: sessionmaker[Session],
    settings: MessagingSettings | HasMessaging | None = None,
    owner: str = "dispatcher",
    *,
    stop: threading.Event | None = None,
    max_batches: int | None = None,
) -> Report:
    """Claim and deliver batches until nothing is due (or `stop` is set, or `max_batches`)."""
    messaging = _messaging(settings, sessions)
    report = Report()
    batches = 0
    with ThreadPoolExecutor(messaging.workers, thread_name_prefix="outbox") as pool:
        while not (stop is not None and stop.is_set()):
            done = dispatch_batch(sessions, messaging, owner, pool)
            if done is None:
                break
            report.add(done)
            batches += 1
            if max_batches is not None and batches >= max_batches:
                break
    return report


def dispatch_batch(
    sessions: sessionmaker[Session], messaging: MessagingSettings, owner: str, pool: Executor
) -> Report | None:
    """Claim one batch, deliver and settle it; None when nothing was due."""
    now = clock.now()
    with transaction(sessions) as session:
        claimed = claim(
            session,
            owner,
            now=now,
            lease_seconds=messaging.lease_seconds,
            limit=batch_size(messaging),
        )
    if not claimed:
        return None
    report = Report()
    local = [m for m in claimed if m.channel == "inapp"]
    remote = [m for m in claimed if m.channel != "inapp"]
    if local:
        with transaction(sessions) as session:
            outcomes = inapp.notify(session, local)
            at = clock.now()
            report.add(_settle(session, messaging, owner, local, outcomes, at))
    if remote:

        def send(message: Delivery) -> tuple[Outcome, datetime]:
            return deliver(message, messaging), clock.now()

        results = list(pool.map(send, remote))
        with transaction(sessions) as session:
            outcomes = {m.id: outcome for m, (outcome, _) in zip(remote, results, strict=True)}
            times = {m.id: at for m, (_, at) in zip(remote, results, strict=True)}
            report.add(_settle(session, messaging, owner, remote, outcomes, times))
    return report


def batch_size(messaging: MessagingSettings) -> int:
    """Rows per claim: a batch on timing-out channels still ends within half its lease."""
    timeouts = [c.timeout for c in (messaging.sms, messaging.smtp) if c is not None]
    if not timeouts:
        return messaging.batch
    rounds = int(messaging.lease_seconds / 2 / max(timeouts))  # worker turns within the lease
    return max(1, min(messaging.batch, max(rounds, 1) * messaging.workers))


def backoff(messaging: MessagingSettings, attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed ones: doubling, capped at a day."""
    seconds = messaging.backoff_seconds * 2 ** min(max(attempts - 1, 0), 30)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _settle(
    session: Session,
    messaging: MessagingSettings,
    owner: str,
    messages: Sequence[Delivery],
    outcomes: dict[int, Outcome],
    at: datetime | dict[int, datetime],
) -> Report:
    report = Report()
    sent: list[tuple[int, datetime]] = []
    for message in messages:
        when = at[message.id] if isinstance(at, dict) else at
        outcome = outcomes[message.id]
        if outcome.sent:
            sent.append((message.id, when))
            continue
        if outcome.permanent or message.attempts >= messaging.max_attempts:
            if mark_failed(session, message.id, owner, outcome.error):
                report.failed += 1
                _alert(session, message, outcome.error)
            else:
                report.lost += 1
            continue
        retry_at = when + backoff(messaging, message.attempts)
        if mark_retry(session, message.id, owner, outcome.error, retry_at):
            report.retrying += 1
        else:
            report.lost += 1
    mark_sent(session, sent)
    report.sent += len(sent)
    return report


def _alert(session: Session, message: Delivery, error: str) -> None:
    """Tell every active admin, in their inbox, that `message` failed for good."""
    log.warning(
        "message %s (%s, %s to %s) failed after %d attempt(s): %s",
        message.id,
        message.kind,
        message.channel,
        message.recipient,
        message.attempts,
        error,
    )
    if message.kind == ALERT_KIND:
        return  # an alert about an alert would never end
    # Always the inbox, whatever HOTLINE_CHANNELS routes: the issue's "admins' inbox".
    admins = list(
        session.scalars(
            select(User.id).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        )
    )
    if not admins:
        log.error("message %s failed and there is no active admin to tell", message.id)
    body = (
        f"消息 #{message.id}（{message.kind}，经 {message.channel} 发往 {message.recipient}）"
        f"第 {message.attempts} 次发送失败，已停止重试：{error}。"
        f"排除原因后可执行 hotline messages retry {message.id} 重新发送。"
    )
    for user_id in admins:
        enqueue(
            session,
            kind=ALERT_KIND,
            channel="inapp",
            recipient="admin",
            address=str(user_id),
            user_id=user_id,
            ticket_id=message.ticket_id,
            subject=f"消息发送失败：#{message.id} {message.kind}",
            body=body,
        )


def _messaging(
    settings: MessagingSettings | HasMessaging | None, sessions: sessionmaker[Session]
) -> MessagingSettings:
    if isinstance(settings, MessagingSettings):
        return settings
    if settings is not None:
        return settings.messaging
    with sessions() as session:
        return messaging_of(session)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction (hotline.db's, which this package may not import: db reads config)."""
    with sessions() as session, session.begin():
        yield session
