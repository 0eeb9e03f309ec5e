"""What a session carries for messages: the active profile and the channel settings.

wiring.services builds every session with both in `session.info`; a session without them
(a bare one in a script) writes no messages.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hotline.messages.settings import LOG_ONLY, MessagingSettings
from hotline.policy import PROFILE_KEY, Profile

MESSAGING_KEY = "messaging"


def session_info(profile: Profile, messaging: MessagingSettings) -> dict[str, Any]:
    """The `info` of every session of a service: its profile and channel settings."""
    return {PROFILE_KEY: profile, MESSAGING_KEY: messaging}


def profile_of(session: Session) -> Profile | None:
    """The active profile the session was built with, or None."""
    profile = session.info.get(PROFILE_KEY)
    return profile if isinstance(profile, Profile) else None


def messaging_of(session: Session) -> MessagingSettings:
    """The session's channel settings (log-only when it carries none)."""
    settings = session.info.get(MESSAGING_KEY)
    return settings if isinstance(settings, MessagingSettings) else LOG_ONLY
