"""Public read-only knowledge (no token)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "public",
    __name__,
    url_prefix="/public/knowledge",
    description="Public read-only knowledge (no token)",
)
