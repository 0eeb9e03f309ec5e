"""The workplace's 待办 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_inbox", __name__)


@bp.route("/inbox")
@pages.page_for("inbox")
def index() -> Response:
    """待办."""
    return pages.render("placeholder.html", title="待办")
