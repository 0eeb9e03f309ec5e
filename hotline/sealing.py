"""Requesters' names, phones and addresses sealed at rest; phones found by a keyed hash.

A sealed value is `$s1$<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>`: AES-256-GCM with a
random 96-bit nonce, the column's name (`tickets.requester_phone`) as associated data, so a
value copied into another column does not open. The key id tells `hotline keys rotate` what
is still under an old key. A value without the prefix is legacy clear text: it reads as it
is and the next rotation seals it.

Keys (guangyuan 第二十二条, guizhou 第二十一条: the requester's data must not leak):
HOTLINE_DATA_KEYS "id:base64-32-bytes,…" (the first seals, all open); unset, a key file
under the var dir (`keys/data-keys`, same format, mode 0600) made on first use. The keyed
phone hash (HMAC-SHA256 of the national number) uses HOTLINE_PHONE_HASH_KEY or its own key
file (`keys/phone-hash-key`); it is never rotated, as rotating it would mean opening every
phone. The composition root builds the keyring (`load_keyring`) and `install`s it; the
`Sealed` column type and `phone_hash` use the installed one.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

DATA_KEYS = "HOTLINE_DATA_KEYS"
PHONE_HASH_KEY = "HOTLINE_PHONE_HASH_KEY"
PREFIX = "$s1$"  # version 1 of the sealed format
KEYS_DIR = "keys"  # under the var dir
DATA_KEY_FILE = "data-keys"
HASH_KEY_FILE = "phone-hash-key"
KEY_BYTES = 32  # AES-256
HASH_KEY_MIN_BYTES = 16
NONCE_BYTES = 12  # 96 bits, the size GCM is built for
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class SealingError(ValueError):
    """A sealing key is malformed, missing or wrong; the message names the variable."""


def national_number(phone: str) -> str:
    """Digits only, without a +86 / 0086 country code: 13800001234."""
    digits = "".join(c for c in phone if c.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def key_id_of(stored: str) -> str | None:
    """The key id a stored value is sealed under; None for clear text."""
    if not stored.startswith(PREFIX):
        return None
    kid, sep, _ = stored[len(PREFIX) :].partition("$")
    return kid if sep else None


def sealed_prefix(key_id: str) -> str:
    """What every value sealed under `key_id` starts with."""
    return f"{PREFIX}{key_id}$"


class Keyring:
    """The data keys (the first seals, all open) and the phone-hash key."""

    def __init__(self, keys: list[tuple[str, bytes]], hash_key: bytes, source: str) -> None:
        if not keys:
            raise SealingError(f"{DATA_KEYS} holds no key")
        self.key_ids = [kid for kid, _ in keys]
        self.current = self.key_ids[0]
        self.source = source  # where the keys came from, for error messages
        self._ciphers = {kid: AESGCM(key) for kid, key in keys}
        self._hash_key = hash_key

    def seal(self, value: str, label: str) -> str:
        """`value` sealed under the current key, bound to column `label`."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        body = self._ciphers[self.current].encrypt(nonce, value.encode(), label.encode())
        text = base64.urlsafe_b64encode(nonce + body).decode().rstrip("=")
        return sealed_prefix(self.current) + text

    def open(self, stored: str, label: str) -> str:
        """The clear text of a value stored in column `label` (clear text stays as it is)."""
        kid = key_id_of(stored)
        if kid is None:
            return stored  # legacy clear text, sealed by the next `hotline keys rotate`
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise SealingError(
                f"{label} holds a value sealed under key id {kid!r}, which {DATA_KEYS} does "
                f"not hold (keys from {self.source}: {', '.join(self.key_ids)}); add "
                f"{kid}:<its key> after the current key"
            )
        raw = stored[len(sealed_prefix(kid)) :]
        try:
            data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
            clear = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], label.encode())
        except (InvalidTag, ValueError, binascii.Error):
            raise SealingError(
                f"{label} holds a value that key {kid!r} of {DATA_KEYS} does not open "
                f"(keys from {self.source}): a wrong key under that id, or altered data"
            ) from None
        return clear.decode()

    def phone_hash(self, phone: str | None) -> str | None:
        """The keyed hash phones are found by: HMAC-SHA256 of the national number (hex)."""
        number = national_number(phone or "")
        if not number:
            return None
        return hmac.new(self._hash_key, number.encode(), hashlib.sha256).hexdigest()


_installed: Keyring | None = None


def install(keyring: Keyring) -> None:
    """Make `keyring` the one sealed columns and phone hashes use in this process."""
    global _installed
    _installed = keyring


def installed() -> Keyring:
    """The installed keyring; SealingError when the process installed none."""
    if _installed is None:
        raise SealingError(f"no sealing keys installed ({DATA_KEYS}): build the services first")
    return _installed


def phone_hash(phone: str | None) -> str | None:
    """The installed keyring's hash of `phone`; None when it has no digits."""
    return installed().phone_hash(phone)


class Sealed(TypeDecorator[str]):
    """A text column stored sealed: `mapped_column(Sealed("tickets.address"))`.

    Equality in SQL cannot work on it (every seal differs): find rows by a hash column.
    """

    impl = Text
    cache_ok = True

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label  # table.column: the associated data

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Seal on the way in."""
        return None if value is None else installed().seal(str(value), self.label)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        """Open on the way out."""
        return None if value is None else installed().open(value, self.label)


def parse_data_keys(text: str, source: str = DATA_KEYS) -> list[tuple[str, bytes]]:
    """`id:base64key,…` as (id, 32 bytes) pairs; SealingError naming HOTLINE_DATA_KEYS."""
    keys: list[tuple[str, bytes]] = []
    for n, entry in enumerate((e.strip() for e in text.split(",")), start=1):
        kid, sep, encoded = entry.partition(":")
        kid = kid.strip()
        # Never echo key material: the entry is named by its place and id only.
        where = f"{DATA_KEYS} entry {n}"
        if source != DATA_KEYS:
            where = f"key file {source} entry {n} (in the format of {DATA_KEYS})"
        if not sep or not KEY_ID.fullmatch(kid):
            raise SealingError(
                f"{where} must be id:base64-key with an id of letters, digits, - or _"
            )
        key = _decode(encoded.strip())
        if key is None or len(key) != KEY_BYTES:
            raise SealingError(f"{where} (id {kid!r}): the key must be {KEY_BYTES} bytes in base64")
        if kid in (k for k, _ in keys):
            raise SealingError(f"{where}: key id {kid!r} is given twice")
        keys.append((kid, key))
    return keys


def parse_hash_key(text: str, source: str = PHONE_HASH_KEY) -> bytes:
    """The phone-hash key from base64; SealingError naming HOTLINE_PHONE_HASH_KEY."""
    key = _decode(text.strip())
    if key is None or len(key) < HASH_KEY_MIN_BYTES:
        where = PHONE_HASH_KEY if source == PHONE_HASH_KEY else f"{PHONE_HASH_KEY} ({source})"
        raise SealingError(f"{where} must be at least {HASH_KEY_MIN_BYTES} bytes in base64")
    return key


def _decode(text: str) -> bytes | None:
    """Standard or URL-safe base64, padded or not; None when it is neither."""
    try:
        # altchars maps - and _ onto + and /, which stay valid too.
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (ValueError, binascii.Error):
        return None


def new_key() -> str:
    """A fresh random 32-byte key in base64."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def load_keyring(data_keys: str | None, hash_key: str | None, var_dir: Path) -> Keyring:
    """The keyring from the variables, or from key files under `var_dir` made on first use."""
    if data_keys:
        keys, source = parse_data_keys(data_keys), DATA_KEYS
    else:
        path = var_dir / KEYS_DIR / DATA_KEY_FILE
        line = _key_file(path, lambda: f"f{secrets.token_hex(4)}:{new_key()}")
        keys, source = parse_data_keys(line, source=str(path)), str(path)
    if hash_key:
        hashing = parse_hash_key(hash_key)
    else:
        path = var_dir / KEYS_DIR / HASH_KEY_FILE
        hashing = parse_hash_key(_key_file(path, new_key), source=str(path))
    return Keyring(keys, hashing, source)


def _key_file(path: Path, make: Callable[[], str]) -> str:
    """The file's key line; made (mode 0600) when absent, atomically: workers starting at
    once all read the one that was linked in first."""
    try:
        return _read_or_make(path, make)
    except OSError as exc:
        raise SealingError(
            f"cannot read or make the key file {path} ({exc.strerror}): set {DATA_KEYS} and "
            f"{PHONE_HASH_KEY}, or let the service write under its var dir"
        ) from None


def _read_or_make(path: Path, make: Callable[[], str]) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(make() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first
                os.link(temp, path)  # then theirs is the key everyone reads
        finally:
            temp.unlink(missing_ok=True)
    return path.read_text().strip()
