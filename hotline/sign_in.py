"""Who is calling: a bearer token checked under the per-client limit on failed sign-ins, and
the per-client limit on the public endpoints (those without a token).

A client is its remote address. After `auth_failures` refused tokens within
`auth_window_seconds` (HOTLINE_AUTH_FAILURES, HOTLINE_AUTH_WINDOW) the client is refused
until its window ends, whatever token it sends: guessing tokens costs a window per few
guesses, and a stolen valid token does not help the guesser meanwhile. The counts live in
the database (hotline.throttle), shared by every worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from hotline import clock, throttle
from hotline.actors import Actor
from hotline.directory import check_token
from hotline.privacy_settings import PrivacySettings


@dataclass(frozen=True)
class SignIn:
    """The caller, or why not (`refused`), or the seconds to wait (`retry_after`)."""

    actor: Actor | None = None
    refused: str | None = None
    retry_after: int | None = None


def failure_limit(privacy: PrivacySettings) -> throttle.Limit:
    """Refused tokens one client may send per window."""
    return throttle.Limit(privacy.auth_failures, privacy.auth_window_seconds)


def public_limit(privacy: PrivacySettings) -> throttle.Limit:
    """Requests one client may make to the public endpoints per window."""
    return throttle.Limit(privacy.public_requests, privacy.public_window_seconds)


def sign_in(session: Session, token: str | None, client: str, privacy: PrivacySettings) -> SignIn:
    """Check `token` (None: no usable Authorization header) sent from `client`.

    Call it in a transaction that commits whatever it answers: a failure's count must stay.
    A missing token is refused without counting (nobody guessed anything).
    """
    now = clock.now()
    key, limit = f"auth:{client}", failure_limit(privacy)
    wait = throttle.waiting(session, key, limit, now)
    if wait is not None:
        return SignIn(retry_after=wait)
    if token is None:
        return SignIn(refused="send Authorization: Bearer <token>")
    checked = check_token(session, token)
    if checked.actor is None:
        throttle.hit(session, key, limit, now)
    return SignIn(actor=checked.actor, refused=checked.refused)


def public_request(session: Session, client: str, privacy: PrivacySettings) -> int | None:
    """Count one public request from `client`; the seconds to wait when over the limit."""
    return throttle.hit(session, f"public:{client}", public_limit(privacy), clock.now())
