"""/api/v1/warnings: hot-spot early warnings (热点预警)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "warnings",
    __name__,
    url_prefix="/api/v1/warnings",
    description="Hot-spot early warnings (热点预警)",
)
