"""The workplace's 知识库 pages (placeholder: issue 16 builds it)."""

from __future__ import annotations

from flask import Blueprint, Response

from web import pages

bp = Blueprint("web_knowledge", __name__)


@bp.route("/knowledge")
@pages.page_for("knowledge")
def index() -> Response:
    """知识库."""
    return pages.render("placeholder.html", title="知识库")
