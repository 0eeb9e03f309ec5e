"""`hotline messages`: the outbox (list, retry, dispatch once)."""

from __future__ import annotations

import click
from sqlalchemy import select

from hotline.clock import SHANGHAI
from hotline.messages.channels import masked
from hotline.messages.dispatch import dispatch
from hotline.messages.outbox import OutboxError, listing, retry_now
from hotline.models import Ticket
from hotline.models.messages import MessageStatus
from wiring.services import Services, build_services


def _services() -> Services:
    try:
        return build_services()
    except ValueError as exc:  # ConfigError, MessagingConfigError, PolicyError
        raise click.ClickException(str(exc)) from None


@click.group("messages")
def messages() -> None:
    """The outbox: messages to units, requesters and offices."""


@messages.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]))
@click.option("--kind", help="one message kind, e.g. ticket_urged")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
def list_(status: str | None, kind: str | None, limit: int) -> None:
    """The newest messages first: id, status, kind, channel and recipient, attempts, times."""
    services = _services()
    try:
        with services.transaction() as session:
            rows = listing(session, status=status, kind=kind, limit=limit)
            ids = {r.ticket_id for r in rows if r.ticket_id}
            numbers = dict(
                session.execute(select(Ticket.id, Ticket.number).where(Ticket.id.in_(ids)))
                .tuples()
                .all()
            )
    finally:
        services.dispose()
    for row in rows:
        sent = row.status == MessageStatus.SENT
        when = row.sent_at if sent else row.next_attempt_at
        line = (
            f"#{row.id} {row.status:<7} {row.kind} {row.channel}→{row.recipient}"
            f" {masked(row.address) or '-'} attempts={row.attempts}"
        )
        if when is not None and row.status != MessageStatus.FAILED:
            line += f" {'sent' if sent else 'next'}={when.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"
        if row.ticket_id:
            line += f" ticket={numbers.get(row.ticket_id, row.ticket_id)}"
        if row.last_error and row.status != MessageStatus.SENT:
            line += f" error={row.last_error}"
        click.echo(line)
    click.echo(f"{len(rows)} message(s)", err=True)


@messages.command("retry")
@click.argument("message_id", type=int)
def retry(message_id: int) -> None:
    """Queue a failed message again, due now with fresh attempts."""
    services = _services()
    try:
        with services.transaction() as session:
            row = retry_now(session, message_id)
            line = f"#{row.id} {row.kind} {row.channel}→{row.recipient} queued again"
    except OutboxError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        services.dispose()
    click.echo(line)


@messages.command("dispatch")
def dispatch_() -> None:
    """Deliver everything due now, once (a scheduler does this continuously)."""
    services = _services()
    try:
        report = dispatch(services.sessions, services.settings.messaging, "cli")
    finally:
        services.dispose()
    click.echo(
        f"{report.sent} sent, {report.retrying} to retry later, {report.failed} failed"
        + (f", {report.lost} taken over by another dispatcher" if report.lost else "")
    )
