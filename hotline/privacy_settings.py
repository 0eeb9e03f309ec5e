"""Personal-data settings: sealing keys, attachments, tokens, authentication limits and the
workplace's sessions.

Read from the environment by hotline.config.load_settings; every name is a contract with
deployments (README "Personal data").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hotline.sealing import SealingError, parse_data_keys, parse_hash_key


class PrivacyConfigError(ValueError):
    """A personal-data variable is malformed; the message names the variable."""


@dataclass(frozen=True)
class PrivacySettings:
    """What hotline.sealing, hotline.attachments and the token checks read."""

    # HOTLINE_DATA_KEYS: "id:base64-32-bytes[,id:key…]", the first seals, all open.
    # Unset: a key file under the var dir, made on first use (hotline.sealing).
    data_keys: str | None = None
    # HOTLINE_PHONE_HASH_KEY: key of the keyed hash phones are found by (never rotated with
    # the sealing key: rotating it would need every phone opened). Unset: a key file.
    phone_hash_key: str | None = None
    # HOTLINE_ATTACHMENTS_DIR: where attachment bytes are stored (default var/attachments).
    attachments_dir: Path | None = None
    # HOTLINE_ATTACHMENT_MAX_BYTES: the largest file accepted.
    attachment_max_bytes: int = 20 * 1024 * 1024
    # HOTLINE_TOKEN_DAYS: how long a new or rotated token works; 0: until revoked.
    token_days: int = 90
    # HOTLINE_AUTH_FAILURES: failed authentications one client may make per window.
    auth_failures: int = 20
    # HOTLINE_AUTH_WINDOW: that window, in seconds.
    auth_window_seconds: int = 600
    # HOTLINE_PUBLIC_REQUESTS: requests one client may make to the public endpoints (no
    # token) per HOTLINE_PUBLIC_WINDOW seconds; the progress lookup keeps its own limits.
    public_requests: int = 600
    public_window_seconds: int = 600
    # HOTLINE_SECURE_COOKIES: 1 = the workplace's cookies always carry Secure (and the
    # __Host- prefix), 0 = never; unset (default): Secure when the request came over HTTPS.
    secure_cookies: bool | None = None
    # HOTLINE_SESSION_IDLE_MINUTES: a workplace session unused this long ends (default 480,
    # one working day).
    session_idle_minutes: int = 480
    # HOTLINE_SESSION_HOURS: every workplace session ends this long after sign-in (default 12).
    session_hours: int = 12


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise PrivacyConfigError(f"{name}={raw!r} must be a whole number") from None
    if not low <= value <= high:
        raise PrivacyConfigError(f"{name}={raw!r} must be between {low} and {high}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "auto"):
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise PrivacyConfigError(f"{name}={raw!r} must be 1, 0 or auto")


def load_privacy(env: Mapping[str, str], var_dir: Path) -> PrivacySettings:
    """The HOTLINE_* personal-data variables; raise PrivacyConfigError naming a bad one."""
    attachments = env.get("HOTLINE_ATTACHMENTS_DIR", "").strip()
    data_keys = env.get("HOTLINE_DATA_KEYS", "").strip() or None
    phone_hash_key = env.get("HOTLINE_PHONE_HASH_KEY", "").strip() or None
    try:  # a malformed key stops start-up here, named (the keys are read again at install)
        if data_keys:
            parse_data_keys(data_keys)
        if phone_hash_key:
            parse_hash_key(phone_hash_key)
    except SealingError as exc:
        raise PrivacyConfigError(str(exc)) from None
    return PrivacySettings(
        data_keys=data_keys,
        phone_hash_key=phone_hash_key,
        attachments_dir=Path(attachments) if attachments else var_dir / "attachments",
        attachment_max_bytes=_int(
            env, "HOTLINE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, 1024, 2 * 1024**3
        ),
        token_days=_int(env, "HOTLINE_TOKEN_DAYS", 90, 0, 3650),
        auth_failures=_int(env, "HOTLINE_AUTH_FAILURES", 20, 1, 100_000),
        auth_window_seconds=_int(env, "HOTLINE_AUTH_WINDOW", 600, 1, 86_400),
        public_requests=_int(env, "HOTLINE_PUBLIC_REQUESTS", 600, 1, 1_000_000),
        public_window_seconds=_int(env, "HOTLINE_PUBLIC_WINDOW", 600, 1, 86_400),
        secure_cookies=_flag(env, "HOTLINE_SECURE_COOKIES"),
        session_idle_minutes=_int(env, "HOTLINE_SESSION_IDLE_MINUTES", 480, 1, 7 * 24 * 60),
        session_hours=_int(env, "HOTLINE_SESSION_HOURS", 12, 1, 24 * 30),
    )
