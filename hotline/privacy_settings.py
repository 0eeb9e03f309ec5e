"""Personal-data settings: sealing keys, attachments, tokens and authentication limits.

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
    )
