"""`hotline scheduler`: fire BPMN timers and deliver messages in a process of its own."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click

from hotline.config import ConfigError, load_settings


@click.command("scheduler")
@click.option(
    "--sweep",
    "sweep_seconds",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="seconds between safety sweeps for timers created by other processes",
)
@click.option("--batch", default=50, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--messages/--no-messages",
    default=True,
    show_default=True,
    help="deliver the outbox's messages too (several dispatchers may run at once)",
)
def scheduler(sweep_seconds: float, batch: int, messages: bool) -> None:
    """Fire due timers and deliver messages until SIGTERM or Ctrl-C; several may run at once,
    each timer fires once, each message is claimed by one."""
    from scheduler import OutboxDispatcher, TimerService
    from wiring.services import build_services

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    # HOTLINE_CLOCK=manual works too: the clock lives in the database and each run re-reads
    # it; the API process also fires what falls due when POST /api/v1/admin/clock moves it.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for chatty in ("apscheduler", "spiff"):  # a line per job run and per task state
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        services = build_services(settings)
    except ValueError as exc:  # ConfigError, PolicyError: a malformed setting or profile
        raise click.ClickException(str(exc)) from None
    service = TimerService(services, sweep_seconds=sweep_seconds, batch=batch)
    dispatcher = OutboxDispatcher(services.sessions, settings.messaging, owner=service.owner)
    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"scheduler: {signal.Signals(signum).name}, stopping", err=True)
        stopping.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    service.start()
    if messages:
        dispatcher.start()
    click.echo(
        f"scheduler {service.owner} running (sweep every {sweep_seconds:g} s"
        f"{', delivering messages' if messages else ''})",
        err=True,
    )
    try:
        while not stopping.wait(1.0):  # wake now and then so signals are handled promptly
            pass
    finally:
        # Let a firing in progress commit; an interrupted one would roll back anyway. A batch
        # of messages in hand is settled; one cut short is sent again after its lease.
        dispatcher.stop(wait=True)
        service.stop(wait=True)
        services.dispose()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("scheduler stopped", err=True)
