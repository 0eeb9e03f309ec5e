"""/api/v1/appeals: Assessment appeals (申诉) and exemption requests."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "appeals",
    __name__,
    url_prefix="/api/v1/appeals",
    description="Assessment appeals (申诉) and exemption requests",
)
