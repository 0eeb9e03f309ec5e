"""Signing in to the web workplace with a password: cookies, CSRF, sign-out, limits."""

from __future__ import annotations

from tests.conftest import Hotline
from tests.helpers.web import anonymous, web_user


def test_a_demo_user_signs_in_and_reads_a_page(hotline: Hotline) -> None:
    me = web_user(hotline.app, "demo-unit-zjj")
    page = me.get("/account/password")
    assert page.status_code == 200 and "demo-unit-zjj" in page.text
    assert me.csrf and me.session_cookie


def test_nobody_signed_in_is_sent_to_sign_in(hotline: Hotline) -> None:
    response = anonymous(hotline.app).get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")
