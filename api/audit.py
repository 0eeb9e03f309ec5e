"""/api/v1/audit: the access audit, read and exported by the auditor."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "audit", __name__, url_prefix="/api/v1/audit", description="Access audit (访问审计)"
)
