"""Signing in and out with a password, and changing it (hotline.web_sessions).

Every form here carries the CSRF token (web/session.py checks it before the view runs).
Failed sign-ins and wrong old passwords count per address with refused API tokens; over
HOTLINE_AUTH_FAILURES the forms answer 429 with the wait, in Chinese.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, request

from hotline import web_sessions
from hotline.passwords import MIN_LENGTH, PasswordRefused, check_new
from web import pages, session

bp = Blueprint("web_auth", __name__)

HOME = "/inbox"
SIGN_IN = "/signin"


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the inbox: never an open redirect.

    Refused: other hosts (`https://…`, `//host`), backslashes and control characters (browsers
    read `/\\host` and `/<tab>/host` as `//host`) and anything that is not a path.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return HOME
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in (SIGN_IN, "/signout"):
        return HOME  # … and never back to the form itself (a signed-in user would loop)
    return target


def _next_page() -> str:
    return safe_next(request.values.get("next"))


def _client() -> str:
    # The remote address, as the API's limits count it (api.auth.client).
    return request.remote_addr or "unknown"


def wait_text(seconds: int) -> str:
    """A wait in Chinese: "30 秒" under a minute, else whole minutes rounded up."""
    return f"{seconds} 秒" if seconds < 60 else f"{math.ceil(seconds / 60)} 分钟"


def _too_many(response: Response, seconds: int) -> Response:
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/signin", methods=["GET"])
def sign_in_form() -> Response:
    """The sign-in form (a signed-in user goes straight on)."""
    if session.actor() is not None:
        return redirect(_next_page())  # type: ignore[return-value]
    return pages.render("signin.html", next=_next_page(), name="", error=None)


@bp.route("/signin", methods=["POST"])
def sign_in() -> Response:
    """Check the name and password; start a session and go where the user was headed."""
    name = request.form.get("username", "")[:200]
    password = request.form.get("password", "")
    services = session.services()
    with services.transaction() as db:
        found = web_sessions.sign_in(db, name, password, _client(), services.settings.privacy)
        if found.started is not None:  # signing in again leaves no session of before behind
            web_sessions.end(db, session.session_secret())
    if found.started is None:
        if found.retry_after is not None:
            error = f"登录失败次数过多，请 {wait_text(found.retry_after)}后再试"
            shown = pages.render(
                "signin.html", status=429, next=_next_page(), name=name, error=error
            )
            return _too_many(shown, found.retry_after)
        error = found.refused or web_sessions.REFUSED
        return pages.render("signin.html", status=401, next=_next_page(), name=name, error=error)
    response = redirect(_next_page())
    session.set_session_cookie(response, found.started.secret)  # type: ignore[arg-type]
    return response  # type: ignore[return-value]


@bp.route("/signout", methods=["POST"])
def sign_out() -> Response:
    """End this browser's session on the server and drop its cookie."""
    with session.services().transaction() as db:
        web_sessions.end(db, session.session_secret())
    response = redirect("/signin")
    session.clear_session_cookie(response)  # type: ignore[arg-type]
    return response  # type: ignore[return-value]


def _form_errors(old: str, new: str, again: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not old:
        errors["old_password"] = "请输入原密码"
    try:
        check_new(new)
    except PasswordRefused as exc:
        errors["new_password"] = str(exc)
    if "new_password" not in errors and new == old:
        errors["new_password"] = "新密码不能与原密码相同"
    if new != again:
        errors["new_password_again"] = "两次输入的新密码不一致"
    return errors


def _password_page(status: int = 200, errors: dict[str, str] | None = None) -> Response:
    return pages.render(
        "password.html", status=status, errors=errors or {}, done=False, min_length=MIN_LENGTH
    )


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Response:
    """Change one's own password: the old one, the new one twice. Every other session of the
    user ends; this browser stays signed in with a fresh session."""
    me = session.actor()
    if me is None or me.id is None:
        return pages.to_sign_in()
    if request.method == "GET":
        return _password_page()
    old = request.form.get("old_password", "")
    new = request.form.get("new_password", "")
    errors = _form_errors(old, new, request.form.get("new_password_again", ""))
    if errors:
        return _password_page(422, errors)
    services = session.services()
    with services.transaction() as db:
        changed = web_sessions.change_password(
            db, me.id, old, new, _client(), services.settings.privacy
        )
    if changed.retry_after is not None:
        message = f"失败次数过多，请 {wait_text(changed.retry_after)}后再试"
        shown = _password_page(429, {"old_password": message})
        return _too_many(shown, changed.retry_after)
    if changed.started is None:
        errors = {"old_password": changed.refused or web_sessions.WRONG_OLD}
        return _password_page(422, errors)
    # The page (and its forms) belong to the fresh session from here on.
    g.actor, g.csrf_token = changed.started.actor, changed.started.csrf_token
    response = pages.render("password.html", errors={}, done=True, min_length=MIN_LENGTH)
    session.set_session_cookie(response, changed.started.secret)
    return response
