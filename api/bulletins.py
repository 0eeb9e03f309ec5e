"""/api/v1/bulletins: Bulletins (通报)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "bulletins",
    __name__,
    url_prefix="/api/v1/bulletins",
    description="Bulletins (通报): generated, stored, downloadable as XLSX and PDF",
)
