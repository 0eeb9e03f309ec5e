"""HMAC signatures between the service and the SMS gateway, both directions.

A request carries `X-Hotline-Timestamp` (Unix seconds) and `X-Hotline-Signature`: the hex
HMAC-SHA256, keyed by HOTLINE_SMS_SECRET, of `timestamp + "." + raw body`. A signature older
or newer than TOLERANCE seconds is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"
TOLERANCE = 300  # seconds


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature of `body` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """Why the signed request is refused (naming the header), or None when it is genuine."""
    if not timestamp or not timestamp.strip().isdigit():
        return f"{TIMESTAMP_HEADER} is missing or not Unix seconds"
    if abs(now - int(timestamp)) > TOLERANCE:
        return f"{TIMESTAMP_HEADER} is more than {TOLERANCE} s away from now"
    if not signature:
        return f"{SIGNATURE_HEADER} is missing"
    if not hmac.compare_digest(sign(secret, int(timestamp), body), signature.strip().lower()):
        return f"{SIGNATURE_HEADER} does not match the body"
    return None
