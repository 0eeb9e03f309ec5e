"""The workplace's 流程管理 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_process_pages", __name__)


@bp.route("/processes")
@pages.page_for("processes")
def index() -> Response:
    """流程管理."""
    return pages.render("placeholder.html", title="流程管理")
