"""The workplace's 登记工单 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_center", __name__)


@bp.route("/tickets/new")
@pages.page_for("new_ticket")
def index() -> Response:
    """登记工单."""
    return pages.render("placeholder.html", title="登记工单")
