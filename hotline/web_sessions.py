"""Browser sessions of the web workplace: sign in with a password, the session behind a
cookie, sign out, password change.

The cookie holds a random secret; only its SHA-256 is stored (`web_sessions`), so a
database dump signs nobody in. Every request looks the session up afresh: signing out, a
password change or a deactivated user ends it in every worker from the next request on.
Failed sign-ins (and wrong old passwords on the change form) count per client under the
same limit as refused API tokens (hotline.sign_in, HOTLINE_AUTH_FAILURES per
HOTLINE_AUTH_WINDOW). A session ends after HOTLINE_SESSION_IDLE_MINUTES unused and
HOTLINE_SESSION_HOURS after sign-in, whichever comes first (hotline.privacy_settings).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hotline import clock, throttle
from hotline.actors import Actor
from hotline.directory import actor_of
from hotline.models import User
from hotline.models.web import WebSession
from hotline.passwords import DUMMY_HASH, hash_password, verify_password
from hotline.privacy_settings import PrivacySettings
from hotline.sign_in import failure_limit

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
REFUSED = "用户名或密码错误"
WRONG_OLD = "原密码不正确"
DEFAULTS = PrivacySettings()  # the limits when a caller passes no settings


def idle_limit(privacy: PrivacySettings) -> timedelta:
    """How long an unused session lives (HOTLINE_SESSION_IDLE_MINUTES)."""
    return timedelta(minutes=privacy.session_idle_minutes)


def longest(privacy: PrivacySettings) -> timedelta:
    """How long any session lives after sign-in (HOTLINE_SESSION_HOURS)."""
    return timedelta(hours=privacy.session_hours)


@dataclass(frozen=True)
class Started:
    """A new session: the cookie's secret (shown only now) and its CSRF token."""

    secret: str
    csrf_token: str
    actor: Actor


@dataclass(frozen=True)
class Current:
    """The signed-in user behind a cookie and the session's CSRF token."""

    actor: Actor
    csrf_token: str
    session_id: int


@dataclass(frozen=True)
class SignInResult:
    """A started session, or why not (`refused`), or the seconds to wait (`retry_after`)."""

    started: Started | None = None
    refused: str | None = None
    retry_after: int | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_by_name(session: Session, name: str) -> User | None:
    """The active user who signs in as `name` (users with a password come first)."""
    return session.scalars(
        select(User)
        .where(User.name == name, User.active.is_(True))
        .order_by(User.password_hash.is_(None), User.id)
    ).first()


def sign_in(
    session: Session, name: str, password: str, client: str, privacy: PrivacySettings
) -> SignInResult:
    """Check a name and password sent from `client`; start a session when they match.

    Call it in a transaction that commits whatever it answers: a failure's count must stay.
    An unknown name costs the same scrypt as a wrong password (no user enumeration).
    """
    now = clock.now()
    key, limit = f"auth:{client}", failure_limit(privacy)
    wait = throttle.waiting(session, key, limit, now)
    if wait is not None:
        return SignInResult(retry_after=wait)
    user = user_by_name(session, name.strip())
    stored = user.password_hash if user is not None else None
    if not verify_password(stored or DUMMY_HASH, password) or user is None or stored is None:
        throttle.hit(session, key, limit, now)
        return SignInResult(refused=REFUSED)
    return SignInResult(started=start(session, user, client, privacy))


def start(
    session: Session, user: User, client: str | None = None, privacy: PrivacySettings = DEFAULTS
) -> Started:
    """A new session for `user` (after checking its password), ending at the latest
    HOTLINE_SESSION_HOURS from now."""
    now = clock.now()
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            secret_hash=_digest(secret),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + longest(privacy),
            ended_at=None,
            client=(client or "")[:64] or None,
        )
    )
    return Started(secret=secret, csrf_token=csrf, actor=actor_of(user))


def current(
    session: Session, secret: str | None, privacy: PrivacySettings = DEFAULTS
) -> Current | None:
    """The signed-in user behind a cookie's `secret`, or None (no, ended, idle or expired
    session, or a deactivated user or one whose password was removed)."""
    if not secret:
        return None
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.secret_hash == _digest(secret))
    ).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    idle = now - row.last_seen_at >= idle_limit(privacy)
    if row.ended_at is not None or now >= row.expires_at or idle:
        return None
    if not user.active or user.password_hash is None:
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
    return Current(actor=actor_of(user), csrf_token=row.csrf_token, session_id=row.id)


def end(session: Session, secret: str | None) -> None:
    """Sign out: the session behind `secret` ends (nothing happens for an unknown one)."""
    if secret:
        session.execute(
            update(WebSession)
            .where(WebSession.secret_hash == _digest(secret), WebSession.ended_at.is_(None))
            .values(ended_at=clock.now())
        )


def end_all(session: Session, user_id: int) -> int:
    """End every session of a user (password set, changed or removed); how many were open."""
    now = clock.now()
    ended = session.execute(
        update(WebSession)
        .where(
            WebSession.user_id == user_id,
            WebSession.ended_at.is_(None),
            WebSession.expires_at > now,
        )
        .values(ended_at=now)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


def set_password(session: Session, user: User, password: str | None) -> int:
    """Give `user` a new password (PasswordRefused when it breaks the rules), or none
    (None: the user can no longer sign in); every session it had ends (how many)."""
    user.password_hash = hash_password(password) if password is not None else None
    user.password_changed_at = clock.now()
    return end_all(session, user.id)


def change_password(
    session: Session,
    user_id: int,
    old: str,
    new: str,
    client: str | None = None,
    privacy: PrivacySettings = DEFAULTS,
) -> SignInResult:
    """A signed-in user's own change, from `client`: refused (WRONG_OLD) when `old` is wrong,
    which counts as a failed sign-in; otherwise the password is `new` (PasswordRefused when
    it breaks the rules), every session of the user ends and a fresh one starts for the
    browser that asked (`started`).

    Call it in a transaction that commits whatever it answers but PasswordRefused.
    """
    now = clock.now()
    key, limit = f"auth:{client or 'unknown'}", failure_limit(privacy)
    wait = throttle.waiting(session, key, limit, now)
    if wait is not None:
        return SignInResult(retry_after=wait)
    user = session.get(User, user_id)
    if user is None or not user.active or not verify_password(user.password_hash, old):
        throttle.hit(session, key, limit, now)
        return SignInResult(refused=WRONG_OLD)
    set_password(session, user, new)
    return SignInResult(started=start(session, user, client, privacy))
