"""Rendering a workplace page: the signed-in check, the menu, the CSRF token, errors in HTML."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, unquote

from flask import Flask, Response, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from hotline import access
from hotline.actors import Actor
from hotline.errors import DomainError
from web import session

View = TypeVar("View", bound=Callable[..., Any])
NOTICE_COOKIE = "hotline_notice"  # a one-time notice for the next page (redirect_with_notice)

# Chinese titles of the HTTP errors a page may answer.
ERROR_TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "无权操作",
    404: "页面不存在或无权查看",
    405: "不支持的操作",
    409: "操作冲突",
    410: "内容已删除",
    413: "文件过大",
    415: "文件类型不支持",
    422: "填写有误",
    429: "操作过于频繁",
    500: "系统错误",
    503: "系统繁忙",
}


def signed_in_actor() -> Actor:
    """The signed-in user (views wrapped in `page_for` always have one)."""
    found = session.actor()
    assert found is not None
    return found


def render(template: str, status: int = 200, **context: Any) -> Response:
    """A page from `template` with the menu, the user and the CSRF token in its context;
    a notice left by `redirect_with_notice` is shown once (as `notice`)."""
    who = session.actor()
    left = request.cookies.get(NOTICE_COOKIE)
    if left and not context.get("notice"):
        context["notice"] = unquote(left)[:300]
    body = render_template(
        template,
        me=who,
        menu=access.menu(who) if who is not None else [],
        csrf_token=session.csrf_token(),
        **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    if left:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return response


def redirect_with_notice(target: str, notice: str) -> Response:
    """Redirect to `target` (a path on this site), whose page then says `notice` once
    (e.g. 已登记工单 …): the text rides in a short-lived cookie, not in the URL."""
    response = redirect(target)
    response.set_cookie(
        NOTICE_COOKIE,
        quote(notice[:300]),
        max_age=60,
        httponly=True,
        samesite="Lax",
        secure=session.secure_cookies(),
        path="/",
    )
    return response  # type: ignore[return-value]


def to_sign_in() -> Response:
    """Redirect to the sign-in page, coming back here afterwards."""
    here = request.full_path.rstrip("?")
    return redirect(f"/signin?next={quote(here)}")  # type: ignore[return-value]


def page_for(page: str) -> Callable[[View], View]:
    """Decorator: the view needs a signed-in user offered `page` (hotline.access.opens_page);
    anyone else is sent to sign in, or gets 404 like a page that is not there."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            who = session.actor()
            if who is None:
                return to_sign_in()
            if not access.opens_page(who, page):
                return error_page(404, ERROR_TITLES[404])
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def error_page(status: int, message: str) -> Response:
    """An error as a page, in Chinese."""
    title = ERROR_TITLES.get(status, "出错了")
    return render("error.html", status=status, title=title, message=message)


def html_error(exc: Exception) -> Response | None:
    """An error raised on a page, as a page (None off the workplace's paths: JSON as before)."""
    if not session.is_page(request.path):
        return None
    if isinstance(exc, DomainError):
        if exc.status == 401:
            return to_sign_in()
        return error_page(exc.status, exc.message)
    if isinstance(exc, HTTPException):
        code = exc.code or 500
        message = exc.description if code == 400 else ERROR_TITLES.get(code, exc.name)
        return error_page(code, message or "")
    return None  # a surprise: the API's handler logs it and answers 500


def install(app: Flask) -> None:
    """Answer errors on pages with pages."""
    from api.errors import PAGE_ERRORS

    app.extensions[PAGE_ERRORS] = html_error
