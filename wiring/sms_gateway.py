"""A stand-in SMS gateway on this machine: receives the service's texts and shows them.

`hotline messages gateway` runs it for the README walk-through and for trying channels out
without a provider; the tests start the same class. It checks each text's signature
(hotline.messages.signing), keeps what it received (GET /sms lists it as JSON) and prints a
line per text. Only for 127.0.0.1: it sends nothing anywhere.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import click

from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem


@dataclass
class ReceivedSms:
    """One text the gateway accepted."""

    body: dict[str, Any]
    headers: dict[str, str]
    signature_problem: str | None


class StandInGateway:
    """A local HTTP server standing in for an SMS provider (127.0.0.1, port 0: any free one).

    `fail_next(n, status)` answers the next n texts with `status` (recording nothing), and
    `delay` holds each answer back that many seconds: a provider that is down or slow.
    """

    def __init__(
        self, secret: str, *, host: str = "127.0.0.1", port: int = 0, echo: bool = False
    ) -> None:
        self.secret = secret
        self.echo = echo
        self.received: list[ReceivedSms] = []
        self.failures: list[int] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where the service posts its texts (HOTLINE_SMS_URL)."""
        return f"http://127.0.0.1:{self.server.server_port}/sms/send"

    def start(self) -> StandInGateway:
        """Serve in a background thread."""
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` texts with `status` (nothing recorded for them)."""
        with self._lock:
            self.failures.extend([status] * count)

    def texts(self, phone: str | None = None) -> list[dict[str, Any]]:
        """The texts received (to `phone` only, when given), oldest first."""
        with self._lock:
            return [r.body for r in self.received if phone is None or r.body.get("phone") == phone]

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def _accept(self, raw: bytes, headers: dict[str, str]) -> int:
        problem = signature_problem(
            self.secret,
            headers.get(TIMESTAMP_HEADER),
            headers.get(SIGNATURE_HEADER),
            raw,
            time.time(),
        )
        with self._lock:
            status = self.failures.pop(0) if self.failures else 200
            if status != 200:
                return status
            try:
                body = json.loads(raw)
            except ValueError:
                return 400
            self.received.append(ReceivedSms(body, headers, problem))
        if self.echo:
            state = "signed" if problem is None else f"BAD SIGNATURE ({problem})"
            print(f"SMS to {body.get('phone')} [{body.get('kind')}] {state}: {body.get('text')}")
        return 200


def _handler(gateway: StandInGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes: without this, Nagle holds the body back
        # until the client's delayed ACK (40 ms a text on a kept-alive connection).
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = gateway._accept(raw, dict(self.headers))
            if gateway.delay:
                time.sleep(gateway.delay)  # a slow provider
            self._answer(status, {"ok": status == 200})

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/sms":
                self._answer(404, {"error": "GET /sms lists the texts received"})
                return
            phone = parse_qs(url.query).get("phone", [None])[0]
            self._answer(200, {"texts": gateway.texts(phone)})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@click.command("gateway")
@click.option("--port", default=9009, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--secret",
    envvar="HOTLINE_SMS_SECRET",
    required=True,
    help="the HMAC key the service signs with (default: $HOTLINE_SMS_SECRET)",
)
def gateway(port: int, secret: str) -> None:
    """Run a stand-in SMS gateway on 127.0.0.1:PORT that prints every text (GET /sms lists them)."""
    stand_in = StandInGateway(secret, port=port, echo=True)
    click.echo(f"stand-in SMS gateway: HOTLINE_SMS_URL={stand_in.url}", err=True)
    try:
        stand_in.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stand_in.server.server_close()
