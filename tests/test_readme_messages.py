"""The README's messages walk-through, run as written: a live server, a running outbox
dispatcher and the stand-in SMS gateway (the service texts through it, the script replies).

Clock: Monday 2026-11-23 09:00 Shanghai (signatures use the real time, as gateways do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.config import Settings
from hotline.messages.settings import parse_routes
from processes.registry import deploy_directory
from scheduler.outbox import OutboxDispatcher
from tests.conftest import REPO, make_hotline
from tests.helpers.receivers import SmsReceiver
from tests.helpers.servers import LiveServer
from tests.helpers.sms import with_gateway
from tests.test_readme import BLOCK, block, run_script
from wiring.services import build_services


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The stand-in SMS gateway."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


def test_readme_messages_walkthrough(
    settings: Settings, manual_clock, gateway: SmsReceiver, tmp_path: Path
) -> None:
    """The README's walk-through: a dispatch text and an urge reach the unit's handler, the
    satisfaction request the requester, whose reply 1 closes the ticket (guangyuan 第十四条
    回访 by SMS); then the lookup shows it. A live server, a running dispatcher, the gateway."""
    routes = (
        "*=log; unit=sms,inapp; unit_leader=sms,inapp; requester=sms; center=inapp; admin=inapp"
    )
    configured = with_gateway(settings, gateway.url, gateway.secret, "guangyuan")
    configured = dataclasses.replace(
        configured, messaging=dataclasses.replace(configured.messaging, routes=parse_routes(routes))
    )
    services = build_services(configured)
    with services.transaction() as session:
        deploy_directory(session, settings.bpmn_dir)
    h = make_hotline(services)
    server = LiveServer(h.app)
    dispatcher = OutboxDispatcher(services.sessions, configured.messaging, poll_seconds=0.05)
    dispatcher.start()
    try:
        url = f"http://127.0.0.1:{server.port}"
        prefix = f"HOTLINE_GATEWAY={gateway.url.removesuffix('/sms/send')}\n"
        prefix += f"HOTLINE_SMS_SECRET={gateway.secret}\n"
        script = (
            prefix + BLOCK.search((REPO / "README.md").read_text()).group(1) + block("messages")
        )
        lines = run_script(h, url, tmp_path, script)
    finally:
        dispatcher.stop()
        server.close()
        services.dispose()
    handler = lines[-6].split(" ", 1)[1]
    assert lines[-6].startswith("ticket_dispatched ['1") and lines[-5] == f"ticket_urged {handler}"
    assert lines[-4:-1] == [
        "callback_request ['13600002468']",
        "satisfied",
        "closed satisfied",
    ]
    assert lines[-1] == "已办结 ['回访', '办结'] 已更换线路，路灯恢复照明"
