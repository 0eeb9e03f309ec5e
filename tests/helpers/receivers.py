"""Real neighbours started by the tests: an HTTP SMS gateway stand-in and an SMTP server."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from wiring.sms_gateway import StandInGateway


class SmsReceiver(StandInGateway):
    """The stand-in SMS gateway (wiring.sms_gateway) serving on 127.0.0.1 for one test.

    .url, .secret, .received, .texts(phone), .fail_next(n, status), .delay, .close().
    """

    def __init__(self, secret: str = "test-sms-secret") -> None:
        super().__init__(secret)
        self.start()


def free_port() -> int:
    """A TCP port nothing listens on right now (127.0.0.1)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpReceiver:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with receiver._lock:
                    receiver.messages.append(
                        (
                            envelope.mail_from,
                            list(envelope.rcpt_tos),
                            message_from_bytes(envelope.content),
                        )
                    )
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def to(self, address: str) -> list[Message]:
        """The messages delivered to `address`."""
        with self._lock:
            return [m for _, rcpts, m in self.messages if address in rcpts]

    def close(self) -> None:
        """Stop the server."""
        self.controller.stop()
