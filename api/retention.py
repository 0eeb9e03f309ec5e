"""/api/v1/tickets/{number}/legal-holds and /api/v1/archive: retention of closed tickets."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("retention", __name__, url_prefix="/api/v1", description="Retention (归档与清除)")
