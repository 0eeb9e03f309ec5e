"""The workplace's front door (/) and its static files (/assets/…, vendored at install)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect

from web import pages, session

bp = Blueprint("web_home", __name__, static_folder="static", static_url_path="/assets")


@bp.route("/")
def index() -> Response:
    """Signed in: the inbox; otherwise the sign-in page."""
    if session.actor() is None:
        return redirect("/signin")  # type: ignore[return-value]
    return redirect("/inbox")  # type: ignore[return-value]


__all__ = ["bp", "pages"]
