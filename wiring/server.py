"""Production serving with gunicorn: each worker builds its own app and connections.

Limits (README "Limits and headers"): a request line of up to 8190 bytes (gunicorn's
maximum; a 500-character Chinese search is about 4.5 KB encoded) and header fields of up
to 32 KiB each reach the app, which answers too-long input itself. Whatever gunicorn still
refuses (longer lines, malformed requests) is answered with the same JSON error envelope
as the app's, never HTML. Token-like query parameters are redacted in every log line.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from gunicorn import glogging, util
from gunicorn.app.base import BaseApplication
from werkzeug.http import HTTP_STATUS_CODES

LIMIT_REQUEST_LINE = 8190  # bytes: gunicorn caps the request line here whatever is configured
LIMIT_REQUEST_FIELD_SIZE = 32 * 1024  # bytes per header field (gunicorn's default is 8190)
LIMIT_REQUEST_FIELDS = 100  # header fields per request (gunicorn's default)

# Query parameters (and bearer values) whose values are secrets: ?token=, ?access_token=, ...
_SECRET_PARAM = re.compile(
    r"(?i)(?<![\w.-])((?:[\w.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|auth|signature|session)"
    r"[\w.-]*|key|sig)=)[^&\s\"';#]*"
)
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with the values of token-like query parameters and bearer tokens hidden."""
    return _BEARER.sub(rf"\1{REDACTED}", _SECRET_PARAM.sub(rf"\1{REDACTED}", text))


class RedactTokens(logging.Filter):
    """Rewrites each record's message so no token from a URL or header reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:  # a traceback may quote a URL too
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# Request headers and environ entries that carry credentials: blanked in the access log's
# atoms, so a deployment's access_log_format naming them (%({authorization}i)s) logs none.
_SECRET_HEADERS = ("authorization", "proxy-authorization", "cookie", "x-api-key")
SECRET_ATOMS = frozenset(
    [f"{{{name}}}i" for name in _SECRET_HEADERS]
    + [f"{{http_{name.replace('-', '_')}}}e" for name in _SECRET_HEADERS]
)


class RedactingLogger(glogging.Logger):
    """gunicorn's logger (access and error log) with token-like query values redacted, and
    no credential header or Basic-auth user name in an access line."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        """gunicorn's access-log atoms with every credential header blanked."""
        found = super().atoms(resp, req, environ, request_time)
        for name in SECRET_ATOMS & found.keys():
            found[name] = REDACTED
        return found

    def _get_user(self, environ: Any) -> None:
        """No user name: the service takes no Basic auth, and a client sending its token as
        one (curl -u TOKEN:) would have it logged as the %(u)s atom."""
        return None

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactTokens) for f in logger.filters):
                logger.addFilter(RedactTokens())
        root = logging.getLogger()
        if not root.handlers:  # the app's own loggers (errors, timers): stderr, redacted
            handler = logging.StreamHandler()
            handler.setFormatter(
                logging.Formatter("[%(asctime)s] %(levelname)s %(name)s: %(message)s")
            )
            handler.addFilter(RedactTokens())
            root.addHandler(handler)


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error answer (414, 431, 400, ...) as the service's JSON error envelope."""
    name = HTTP_STATUS_CODES.get(status_int, reason)
    code = name.lower().replace(" ", "_").replace("'", "")
    if status_int == 414:
        message = f"the request line is longer than {LIMIT_REQUEST_LINE} bytes"
    elif status_int == 431:
        message = (
            f"a request header is longer than {LIMIT_REQUEST_FIELD_SIZE} bytes "
            f"or there are more than {LIMIT_REQUEST_FIELDS}"
        )
    elif status_int >= 500:
        code, message = "internal_error", "an unexpected error occurred"
    else:
        message = f"the request is not valid HTTP: {redact(mesg)}"[:300]
    body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if not key.startswith("_"):
                self.cfg.set(key, value)
        # gunicorn writes its error pages through this function; workers inherit it by fork.
        util.write_error = write_json_error

    def load(self) -> Any:
        from hotline.search import warm_up
        from scheduler.outbox import OutboxDispatcher
        from scheduler.service import TimerService
        from web import create_app
        from wiring.services import build_services

        services = build_services()
        app = create_app(services)
        warm_up()  # load the word segmenter before the first search, not during it
        if self.options.get("_timers", True):
            # Each worker fires due timers too; the database makes every firing exactly once.
            TimerService(app.extensions["hotline"]).start()
            # And delivers the outbox: each worker claims different rows.
            OutboxDispatcher(services.sessions, services.settings.messaging).start()
        return app


def serve(host: str, port: int, workers: int, timers: bool = True) -> None:
    """Run gunicorn on host:port with `workers` processes (blocks); timers fire and messages
    go out in-process unless `timers` is False."""
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "logger_class": "wiring.server.RedactingLogger",
            "limit_request_line": LIMIT_REQUEST_LINE,
            "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
            "limit_request_fields": LIMIT_REQUEST_FIELDS,
            "timeout": 60,
            "_timers": timers,
        }
    ).run()
