"""Inbound SMS from the gateway (signed): requesters' replies."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "sms",
    __name__,
    url_prefix="/api/v1/sms",
    description="Replies from the SMS gateway (signature checked)",
)
