"""Signing in and out with a password, and changing it (hotline.web_sessions)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request

from hotline import web_sessions
from hotline.models import User
from hotline.passwords import PasswordRefused
from web import pages, session

bp = Blueprint("web_auth", __name__)


def _next_page() -> str:
    # Only a path on this site: never an open redirect to another host.
    target = request.values.get("next") or "/inbox"
    return target if target.startswith("/") and not target.startswith("//") else "/inbox"


@bp.route("/signin", methods=["GET"])
def sign_in_form() -> Response:
    """The sign-in form."""
    return pages.render("signin.html", next=_next_page(), name="", error=None)


@bp.route("/signin", methods=["POST"])
def sign_in() -> Response:
    """Check the name and password; start a session and go where the user was headed."""
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    client = request.remote_addr or "unknown"
    with session.services().transaction() as db:
        found = web_sessions.sign_in(
            db, name, password, client, session.services().settings.privacy
        )
    if found.started is None:
        if found.retry_after is not None:
            error = f"登录失败次数过多，请 {found.retry_after} 秒后再试"
            status = 429
        else:
            error, status = found.refused or web_sessions.REFUSED, 401
        return pages.render("signin.html", status=status, next=_next_page(), name=name, error=error)
    response = redirect(_next_page())
    session.set_session_cookie(response, found.started.secret)  # type: ignore[arg-type]
    return response  # type: ignore[return-value]


@bp.route("/signout", methods=["POST"])
def sign_out() -> Response:
    """End this browser's session."""
    with session.services().transaction() as db:
        web_sessions.end(db, request.cookies.get(session.COOKIE))
    response = redirect("/signin")
    session.clear_session_cookie(response)  # type: ignore[arg-type]
    return response  # type: ignore[return-value]


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response:
    """Change one's own password: the old one, the new one twice."""
    me = session.actor()
    if me is None or me.id is None:
        return pages.to_sign_in()
    if request.method == "GET":
        return pages.render("password.html", errors={}, done=False)
    old = request.form.get("old_password", "")
    new = request.form.get("new_password", "")
    errors: dict[str, str] = {}
    if new != request.form.get("new_password_again", ""):
        errors["new_password_again"] = "两次输入的新密码不一致"
    if not errors:
        try:
            with session.services().transaction() as db:
                if not web_sessions.change_password(db, me.id, old, new):
                    errors["old_password"] = "原密码不正确"
                else:
                    user = db.get(User, me.id)
                    assert user is not None
                    started = web_sessions.start(db, user, request.remote_addr)
        except PasswordRefused as exc:
            errors["new_password"] = str(exc)
    if errors:
        return pages.render("password.html", status=422, errors=errors, done=False)
    response = pages.render("password.html", errors={}, done=True)
    session.set_session_cookie(response, started.secret)
    return response
