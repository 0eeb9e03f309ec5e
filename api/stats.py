"""/api/v1/stats: Statistics (统计)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "stats",
    __name__,
    url_prefix="/api/v1/stats",
    description="Statistics (统计): figures with a link to the tickets behind each",
)
