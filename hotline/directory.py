"""Units and users: who exists, and who a bearer token belongs to."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import clock
from hotline.actors import Actor
from hotline.errors import Conflict, Invalid
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
) -> str:
    """Create a user and return its API token (shown only this once).

    `reviewer` makes a unit user its unit's knowledge reviewer as well; `confidential` names
    it for the unit's confidential tickets (meizhou 第二十一条).
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
        )
    )
    return token


def reissue_token(session: Session, user: User) -> str:
    """Give an existing user a new token (the old one stops working)."""
    token = secrets.token_urlsafe(32)
    user.token_hash = hash_token(token)
    return token


def actor_for_token(session: Session, token: str) -> Actor | None:
    """The active user behind a bearer token, or None."""
    user = session.scalars(
        select(User).where(User.token_hash == hash_token(token), User.active.is_(True))
    ).first()
    if user is None:
        return None
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
