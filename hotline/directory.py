"""Units and users: who exists, and who a bearer token belongs to."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Conflict, Invalid, NotFound
from hotline.models import Unit, User
from hotline.statuses import ROLES, Role


def hash_token(token: str) -> str:
    """Tokens are stored hashed; the clear text is shown once."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_unit(session: Session, code: str, name: str, district: str) -> Unit:
    """Register a handling unit; its code is how tickets and users refer to it."""
    code = code.strip()
    if not code or any(c.isspace() or c in ",:" for c in code):
        raise Invalid("unit code must be non-empty without spaces, commas or colons",
                      fields={"code": ["invalid unit code"]})  # fmt: skip
    if session.get(Unit, code) is not None:
        raise Conflict(f"unit {code!r} already exists", fields={"code": ["already exists"]})
    unit = Unit(code=code, name=name, district=district, active=True, created_at=clock.now())
    session.add(unit)
    return unit


def add_user(
    session: Session,
    name: str,
    role: str,
    unit_code: str | None = None,
    reviewer: bool = False,
    *,
    confidential: bool = False,
    token_days: int = 0,
) -> str:
    """Create a user and return its API token (shown only this once).

    `reviewer` makes a unit user its unit's knowledge reviewer as well; `confidential` names
    it for the unit's confidential tickets (meizhou 第二十一条). The token works for
    `token_days` days (Settings.privacy.token_days, which `hotline users` passes); 0: until
    revoked.
    """
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", fields={"role": ["unknown role"]})
    if role == Role.UNIT:
        if not unit_code:
            raise Invalid("a unit user needs --unit", fields={"unit": ["required for role unit"]})
        if session.get(Unit, unit_code) is None:
            raise Invalid(f"unit {unit_code!r} does not exist", fields={"unit": ["unknown unit"]})
    elif unit_code:
        raise Invalid("only unit users belong to a unit", fields={"unit": ["only for role unit"]})
    if reviewer and role != Role.UNIT:
        raise Invalid("only unit users review", fields={"reviewer": ["only for role unit"]})
    if confidential and role != Role.UNIT:
        raise Invalid(
            "only unit users are named for confidential tickets",
            fields={"confidential": ["only for role unit"]},
        )
    token = secrets.token_urlsafe(32)
    session.add(
        User(
            name=name,
            role=role,
            unit_code=unit_code,
            reviewer=reviewer,
            confidential=confidential,
            token_hash=hash_token(token),
            active=True,
            created_at=clock.now(),
            token_expires_at=token_expiry(token_days),
        )
    )
    return token


def token_expiry(token_days: int) -> datetime | None:
    """When a token issued now stops working; None when `token_days` is 0 (until revoked)."""
    return clock.now() + timedelta(days=token_days) if token_days > 0 else None


def reissue_token(session: Session, user: User, token_days: int = 0) -> str:
    """Give an existing user a new token (the old one stops working at once, a revoked user
    works again) that lasts `token_days` days (0: until revoked)."""
    token = secrets.token_urlsafe(32)
    user.token_hash = hash_token(token)
    user.token_expires_at = token_expiry(token_days)
    user.token_revoked_at = None
    return token


def revoke_token(session: Session, user: User) -> bool:
    """Stop the user's token now (the row and its history stay); False if it already was."""
    if user.token_revoked_at is not None:
        return False
    user.token_revoked_at = clock.now()
    return True


def find_user(session: Session, ref: str) -> User:
    """A user by id (digits) or by name; a name several users share is refused."""
    ref = ref.strip()
    if ref.isdigit():
        user = session.get(User, int(ref)) if int(ref) < 2**31 else None
        if user is not None:
            return user
    found = session.scalars(select(User).where(User.name == ref).order_by(User.id)).all()
    if not found:
        raise NotFound(f"no user with id or name {ref!r}", fields={"user": ["unknown user"]})
    if len(found) > 1:
        ids = ", ".join(str(u.id) for u in found)
        raise Conflict(
            f"{len(found)} users are named {ref!r}: give the id ({ids})",
            fields={"user": ["ambiguous name"]},
        )
    return found[0]


def all_users(session: Session) -> list[User]:
    """Every user, by id (tokens are stored as hashes and never listed)."""
    return list(session.scalars(select(User).order_by(User.id)))


# A token's last use is written at most once a minute per user: reads stay reads on
# PostgreSQL with several workers, and "last used" is still exact to the minute.
LAST_USED_EVERY = timedelta(minutes=1)
NOT_VALID = "the token is not valid"


@dataclass(frozen=True)
class TokenCheck:
    """Who a bearer token belongs to, or why it was refused (never naming another token)."""

    actor: Actor | None = None
    refused: str | None = None


def user_for_token(session: Session, token: str) -> User | None:
    """The user a token was issued to, whether or not it still works."""
    return session.scalars(select(User).where(User.token_hash == hash_token(token))).first()


def check_token(session: Session, token: str) -> TokenCheck:
    """The active user behind a bearer token, its last use noted; or why it was refused."""
    user = user_for_token(session, token)
    if user is None or not user.active:
        return TokenCheck(refused=NOT_VALID)
    now = clock.now()
    if user.token_revoked_at is not None:
        return TokenCheck(refused="the token was revoked; ask an administrator for a new one")
    if user.token_expires_at is not None and now >= user.token_expires_at:
        return TokenCheck(refused="the token expired; ask an administrator for a new one")
    last = user.token_last_used_at
    if last is None or now - last >= LAST_USED_EVERY:
        user.token_last_used_at = now
    return TokenCheck(actor=actor_of(user))


def actor_for_token(session: Session, token: str) -> Actor | None:
    """The user behind a bearer token that works now, or None."""
    return check_token(session, token).actor


def actor_of(user: User) -> Actor:
    """The actor a user acts as (roles and unit as stored)."""
    return Actor(
        id=user.id,
        name=user.name,
        role=user.role,
        unit_code=user.unit_code,
        reviewer=user.reviewer,
        confidential=user.confidential,
    )


def active_unit(session: Session, code: str | None) -> Unit | None:
    """An active unit by code, or None."""
    if not code:
        return None
    unit = session.get(Unit, code)
    return unit if unit is not None and unit.active else None


UNIT_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_unit_codes(value: Any) -> list[str]:
    """Unit codes from a list or a text such as "HBJ, LZQ" or "HBJ、LZQ"; order kept, no repeats."""
    items = value if isinstance(value, list) else UNIT_SEPARATORS.split(str(value or ""))
    codes = (str(item).strip() for item in items)
    return list(dict.fromkeys(code for code in codes if code))
