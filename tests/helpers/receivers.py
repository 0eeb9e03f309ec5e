"""Real neighbours started by the tests: an HTTP SMS gateway stand-in and an SMTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem


@dataclass
class ReceivedSms:
    """One POST the gateway stand-in received."""

    body: dict[str, Any]
    headers: dict[str, str]
    signature_problem: str | None


@dataclass
class SmsReceiver:
    """A local HTTP server standing in for an SMS gateway on 127.0.0.1 (a random port).

    Records every POST; `fail_next(n, status)` answers the next n with `status`;
    `delay` (seconds) holds each answer back (a slow gateway).
    """

    secret: str = "test-sms-secret"
    received: list[ReceivedSms] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    delay: float = 0.0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                problem = signature_problem(
                    receiver.secret,
                    self.headers.get(TIMESTAMP_HEADER),
                    self.headers.get(SIGNATURE_HEADER),
                    raw,
                    time.time(),
                )
                with receiver._lock:
                    status = receiver.failures.pop(0) if receiver.failures else 200
                    if status == 200:
                        receiver.received.append(
                            ReceivedSms(json.loads(raw), dict(self.headers), problem)
                        )
                if receiver.delay:
                    time.sleep(receiver.delay)
                answer = json.dumps({"ok": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """Where the service posts its texts."""
        return f"http://127.0.0.1:{self.server.server_port}/sms/send"

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` posts with `status` (nothing recorded for them)."""
        with self._lock:
            self.failures.extend([status] * count)

    def texts(self, phone: str | None = None) -> list[dict[str, Any]]:
        """The bodies received (to `phone` only, when given)."""
        with self._lock:
            return [r.body for r in self.received if phone is None or r.body["phone"] == phone]

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


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
