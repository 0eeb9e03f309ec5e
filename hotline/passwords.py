"""Password hashes for signing in to the web workplace: scrypt, salted, self-describing.

Stored as `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can rise later without
breaking stored hashes (`needs_rehash`). The API keeps bearer tokens; passwords are for people.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: N=2^15, r=8, p=1 (about 32 MiB and tens of milliseconds per check).
N, R, P = 2**15, 8, 1
MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 8  # characters (default; no regulation sets one)
MAX_LENGTH = 256  # characters: a longer "password" is an attack on the hash's cost


class PasswordRefused(ValueError):
    """A new password that does not meet the rules; the message says why (in Chinese)."""


def check_new(password: str) -> None:
    """Refuse a password too short, too long or made of one repeated character."""
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"密码至少 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(f"密码最多 {MAX_LENGTH} 个字符")
    if len(set(password)) < 3:
        raise PasswordRefused("密码过于简单")


def hash_password(password: str) -> str:
    """A new salted scrypt hash of `password` (checked with `check_new` first)."""
    check_new(password)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=MAXMEM)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches the `stored` hash (False for no hash or a malformed one)."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            maxmem=MAXMEM,
        )  # fmt: skip
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made with a lower cost than today's."""
    return not stored.startswith(f"scrypt${N}${R}${P}$")


# Compared against when the user name is unknown, so both cases cost one scrypt.
DUMMY_HASH = f"scrypt${N}${R}${P}${'00' * 16}${'00' * 64}"
