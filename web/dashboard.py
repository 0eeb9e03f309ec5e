"""The workplace's 督办看板 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_dashboard", __name__)


@bp.route("/dashboard")
@pages.page_for("dashboard")
def index() -> Response:
    """督办看板."""
    return pages.render("placeholder.html", title="督办看板")
