"""Progress lookup for requesters (no token): status, steps and the public reply."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "public_tickets",
    __name__,
    url_prefix="/public/tickets",
    description="Requesters look up their ticket's progress (no token)",
)
