"""The workplace's 工单 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_tickets", __name__)


@bp.route("/tickets")
@pages.page_for("tickets")
def index() -> Response:
    """工单."""
    return pages.render("placeholder.html", title="工单")
