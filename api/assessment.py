"""/api/v1/assessment: Assessment (考核)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "assessment",
    __name__,
    url_prefix="/api/v1/assessment",
    description="Assessment (考核): records, deductions, scores and rankings",
)
