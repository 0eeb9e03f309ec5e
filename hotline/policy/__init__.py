"""Jurisdiction profiles: the time rules of each regulation, as data with their sources.

One TOML file per profile in `profiles/`; `load_profile(name)` validates it strictly and
raises `PolicyError` naming the file, the key and the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from hotline.statuses import PROFILE_NAMES

# The key under which the runtime's extras carry the active profile (wiring.services).
PROFILE_KEY = "profile"


@cache
def shipped_profile(name: str) -> Profile:
    """A shipped profile, loaded once per process (profiles are immutable)."""
    return load_profile(name)


def active_profile(extras: Mapping[str, object]) -> Profile:
    """The active policy profile the runtime was started with (its `extras`)."""
    profile = extras.get(PROFILE_KEY)
    if not isinstance(profile, Profile):
        raise LookupError(f"the runtime carries no policy profile (got {type(profile).__name__})")
    return profile


__all__ = [
    "CATEGORIES",
    "CHANNELS",
    "PROFILES_DIR",
    "PROFILE_KEY",
    "PROFILE_NAMES",
    "URGENCIES",
    "ExtensionKind",
    "Limit",
    "Match",
    "PolicyError",
    "Profile",
    "TimedRule",
    "active_profile",
    "load_profile",
    "shipped_profile",
]
