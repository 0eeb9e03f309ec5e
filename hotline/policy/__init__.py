"""Jurisdiction profiles: the time rules of each regulation, as data with their sources.

One TOML file per profile in `profiles/`; `load_profile(name)` validates it strictly and
raises `PolicyError` naming the file, the key and the problem.
"""

from __future__ import annotations

from functools import cache

from hotline.policy.loader import PROFILES_DIR, PolicyError, load_profile
from hotline.policy.model import (
    CATEGORIES,
    CHANNELS,
    URGENCIES,
    ExtensionKind,
    Limit,
    Match,
    Profile,
    TimedRule,
)

PROFILE_NAMES = ("guangyuan", "guizhou", "guangxi", "meizhou", "puyang")


@cache
def shipped_profile(name: str) -> Profile:
    """A shipped profile, loaded once per process (profiles are immutable)."""
    return load_profile(name)


__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "PROFILES_DIR",
    "PROFILE_NAMES",
    "URGENCIES",
    "ExtensionKind",
    "Limit",
    "Match",
    "PolicyError",
    "Profile",
    "TimedRule",
    "load_profile",
    "shipped_profile",
]
