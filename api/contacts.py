"""Contact people of units and offices, and units nobody can be reached at."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "contacts",
    __name__,
    url_prefix="/api/v1",
    description="Contact people messages go to",
)
