"""In-app notifications: the caller's messages, unread first; mark read."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="The caller's in-app notifications",
)
