"""Channel adapters: hand one claimed message to an SMS gateway, an SMTP relay or the log.

Each adapter passes the message's `key` on as its idempotency key (the gateway's
`Idempotency-Key` header and JSON `id`; the e-mail's `Message-ID`), so a message sent again
after a crash is recognisable as the same one. Adapters run outside any transaction and
never raise: they answer an `Outcome` the dispatcher settles. In-app messages are not sent
here: the dispatcher writes their Notification rows in the settling transaction
(hotline.messages.inapp).
"""

from __future__ import annotations

import http.client
import json
import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

from hotline.messages.settings import MessagingSettings, SmsGateway, Smtp
from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

log = logging.getLogger("hotline.messages.sent")

# Gateway answers that mean "try again later" (README "Messages"); other 4xx are final.
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Delivery:
    """What an adapter needs of one claimed outbox row (a snapshot, no session)."""

    id: int
    key: str
    kind: str
    channel: str
    recipient: str
    address: str
    subject: str
    body: str
    attempts: int  # including this one
    user_id: int | None = None
    unit_code: str | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    """How one attempt ended: sent, or failed for now (retry) or for good (`permanent`)."""

    sent: bool
    error: str = ""
    permanent: bool = False


SENT = Outcome(sent=True)


def retry(error: str) -> Outcome:
    """A failure that may pass: the row is tried again after the backoff."""
    return Outcome(sent=False, error=error[:500])


def permanent(error: str) -> Outcome:
    """A failure no retry mends: the row fails at once and the admins are alerted."""
    return Outcome(sent=False, error=error[:500], permanent=True)


def deliver(message: Delivery, settings: MessagingSettings) -> Outcome:
    """Send `message` over its channel (sms, email, log); never raises."""
    try:
        if message.channel == "sms":
            return send_sms(message, settings.sms)
        if message.channel == "email":
            return send_email(message, settings.smtp)
        if message.channel == "log":
            return write_log(message)
        return permanent(f"channel {message.channel!r} is not delivered by an adapter")
    except Exception as exc:  # an adapter bug must not kill the dispatcher: retry, logged
        log.exception("message %s: %s adapter failed", message.key, message.channel)
        return retry(f"{type(exc).__name__}: {exc}")


def send_sms(message: Delivery, gateway: SmsGateway | None) -> Outcome:
    """POST the text to the gateway, signed; 2xx sent, 5xx/408/429/network retry, 4xx final."""
    if gateway is None:
        return permanent("no SMS gateway configured: set HOTLINE_SMS_URL and HOTLINE_SMS_SECRET")
    if not message.address.strip():
        return permanent("no phone number to text")
    body = json.dumps(
        {"id": message.key, "phone": message.address, "text": message.body, "kind": message.kind},
        ensure_ascii=False,
    ).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": message.key,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(gateway.secret, timestamp, body),
    }
    try:
        status, answer = _post(gateway, body, headers)
    except (http.client.HTTPException, OSError) as exc:  # refused, unreachable, timed out
        return retry(f"SMS gateway not reachable: {type(exc).__name__}: {exc}")
    if 200 <= status < 300:
        return SENT
    if status >= 500 or status in RETRY_STATUSES:
        return retry(f"SMS gateway answered {status} {_excerpt(answer)}".strip())
    return permanent(f"SMS gateway refused the text: {status} {_excerpt(answer)}".strip())


# One kept-alive connection per dispatcher thread and gateway: a new TCP connection per text
# would cap throughput (and overflow a small listen backlog).
_connections = threading.local()
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def _post(gateway: SmsGateway, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST over this thread's connection to the gateway; (status, answer)."""
    url = urlsplit(gateway.url)
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    pool: dict[tuple[str, float], http.client.HTTPConnection]
    pool = _connections.__dict__.setdefault("pool", {})
    key = (gateway.url, gateway.timeout)
    reused = key in pool
    while True:
        if key not in pool:
            opener = (
                http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            )
            pool[key] = opener(url.hostname or "", url.port, timeout=gateway.timeout)
        connection = pool[key]
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except BaseException as exc:
            connection.close()
            del pool[key]
            if reused and isinstance(exc, _STALE):
                reused = False
                continue  # the gateway closed the idle connection: once more on a new one
            raise
        if response.will_close:
            connection.close()
            del pool[key]
        return response.status, answer


def send_email(message: Delivery, smtp: Smtp | None) -> Outcome:
    """Hand the mail to the SMTP relay; 5xx refusals are final, the rest retried."""
    if smtp is None:
        return permanent("no SMTP relay configured: set HOTLINE_SMTP_HOST")
    if "@" not in message.address:
        return permanent("no e-mail address to write to")
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = message.address
    mail["Subject"] = message.subject or message.body.splitlines()[0][:60]
    mail["Date"] = formatdate(localtime=False)
    # The stable id: a relay or mailbox can drop the copy a redelivery makes.
    mail["Message-ID"] = f"<{message.key}@hotline12345>"
    mail["X-Hotline-Kind"] = message.kind
    mail.set_content(message.body)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            client.send_message(mail)
        return SENT
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        text = f"SMTP relay refused the recipient: {codes}"
        return retry(text) if all(400 <= c < 500 for c in codes) else permanent(text)
    except smtplib.SMTPResponseException as exc:
        text = f"SMTP relay answered {exc.smtp_code} {_excerpt(exc.smtp_error)}"
        return permanent(text) if exc.smtp_code >= 500 else retry(text)
    except (smtplib.SMTPException, OSError) as exc:  # TimeoutError is an OSError
        return retry(f"SMTP relay not reachable: {type(exc).__name__}: {exc}")


def write_log(message: Delivery) -> Outcome:
    """The `log` channel: one line per message in the service's log, nothing sent."""
    log.info(
        "message %s %s to %s %s: %s%s",
        message.key,
        message.kind,
        message.recipient,
        masked(message.address),
        f"[{message.subject}] " if message.subject else "",
        message.body.replace("\n", " "),
    )
    return SENT


def masked(address: str) -> str:
    """A phone number or mailbox with its middle hidden, for logs and listings."""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(address) >= 7 and address.lstrip("+").isdigit():
        return f"{address[:3]}****{address[-4:]}"
    return address


def _excerpt(raw: bytes | str) -> str:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())[:200]
