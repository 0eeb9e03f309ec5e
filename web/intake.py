"""The workplace's intake page: the operator registers a ticket (placeholder: issue 16)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_intake", __name__)


@bp.route("/tickets/new")
@pages.page_for("new_ticket")
def new_ticket() -> Response:
    """登记工单."""
    return pages.render("placeholder.html", title="登记工单")
