"""Workplace pages in test-client tests: a person signed in with a password (`web_user`).

    me = web_user(hotline.app, "demo-unit-zjj")
    page = me.get("/inbox")                      # a TestResponse; page.text is the HTML
    done = me.post("/tickets/new", {"content": "…"})  # csrf_token added for you

The session cookie lives in `me.client` (a Flask test client of its own, so two users never
share cookies). `me.csrf` is the session's CSRF token, read from the hidden `csrf_token` field
of the pages (every signed-in page has one in its sign-out form) and refreshed from every
HTML page fetched, so it follows a password change (which starts a new session).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from hotline.demo import DEMO_PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_in(html: str) -> str | None:
    """The CSRF token of the first form on a page, or None when it has no form."""
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else None


class WebUser:
    """A browser signed in (or not yet) to the workplace: GET pages and POST forms."""

    def __init__(self, client: FlaskClient, name: str | None = None) -> None:
        self.client = client
        self.name = name
        self.csrf: str | None = None

    def _seen(self, response: TestResponse) -> TestResponse:
        if response.mimetype == "text/html":
            token = csrf_in(response.get_data(as_text=True))
            if token is not None:
                self.csrf = token
        return response

    def get(self, path: str, **options: Any) -> TestResponse:
        """GET a page (redirects are not followed unless `follow_redirects=True`)."""
        return self._seen(self.client.get(path, **options))

    def post(
        self, path: str, data: dict[str, Any] | None = None, csrf: bool = True, **options: Any
    ) -> TestResponse:
        """POST a form; its `csrf_token` is this session's unless `data` has one or `csrf`
        is False (to test refusals)."""
        form = dict(data or {})
        if csrf and "csrf_token" not in form:
            if self.csrf is None:
                self.refresh_csrf()
            form["csrf_token"] = self.csrf
        return self._seen(self.client.post(path, data=form, **options))

    def refresh_csrf(self) -> str:
        """Read the CSRF token afresh (from the password page when signed in, else the
        sign-in form)."""
        page = self.client.get("/account/password")
        if page.status_code != 200:
            page = self.client.get("/signin")
        token = csrf_in(page.get_data(as_text=True))
        assert token is not None, page.get_data(as_text=True)[:500]
        self.csrf = token
        return token

    def sign_in(self, name: str, password: str = DEMO_PASSWORD, next: str = "") -> TestResponse:
        """Post the sign-in form as a person would (the answer is not checked)."""
        self.name = name
        form = self.client.get("/signin")  # signed in already: it redirects; use the session's
        token = csrf_in(form.get_data(as_text=True)) if form.status_code == 200 else None
        token = token or self.refresh_csrf()
        data = {"csrf_token": token, "username": name, "password": password}
        if next:
            data["next"] = next
        response = self.client.post("/signin", data=data)
        self.csrf = None  # the session has its own token; read on the next POST
        return response

    def sign_out(self) -> TestResponse:
        """Press 退出."""
        return self.post("/signout")

    @property
    def session_cookie(self) -> str | None:
        """The session cookie's value in this browser, or None."""
        cookie = self.client.get_cookie("hotline_session")
        return cookie.value if cookie is not None else None


def web_user(app: Flask, name: str, password: str = DEMO_PASSWORD) -> WebUser:
    """A fresh browser signed in as `name` (asserts the sign-in worked)."""
    user = WebUser(app.test_client())
    response = user.sign_in(name, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert "/signin" not in response.headers["Location"], response.headers["Location"]
    user.refresh_csrf()
    return user


def anonymous(app: Flask) -> WebUser:
    """A fresh browser nobody signed in to."""
    return WebUser(app.test_client())
