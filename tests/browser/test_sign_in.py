"""Signing in to the workplace in a real browser."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from tests.helpers.browser import Workplace, axe_violations, screenshot, sign_in


def test_a_demo_user_signs_in_and_lands_on_the_inbox(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    page = open_page(None)
    page.goto(workplace.url + "/")
    assert page.url.endswith("/signin")
    page.get_by_label("用户名").fill("demo-unit-zjj")
    page.get_by_label("密码").fill("demo12345")
    page.get_by_role("button", name="登录").click()
    assert page.url.endswith("/inbox")
    expect(page.get_by_text("demo-unit-zjj（ZJJ）")).to_be_visible()


def test_a_wrong_password_is_refused_in_chinese(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    page = open_page(None)
    page.goto(workplace.url + "/signin")
    page.get_by_label("用户名").fill("demo-unit-zjj")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误"
    assert "/signin" in page.url


def test_a_person_added_with_a_password_signs_out_changes_it_and_signs_in_with_the_new_one(
    workplace: Workplace, open_page: Callable[..., Any]
) -> None:
    workplace.cli(
        "users", "add", "--role", "center", "--password-stdin", "浏览器-李中心",
        input="初始密码-2026\n",
    )  # fmt: skip
    page = open_page(None, bypass_csp=True)  # for axe-core
    sign_in(page, workplace.url, "浏览器-李中心", "初始密码-2026")
    assert page.url.endswith("/inbox")
    # The session cookie is out of the page's scripts' reach (HttpOnly).
    assert "hotline_session" not in page.evaluate("document.cookie")
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("原密码").fill("初始密码-2026")
    page.get_by_label("新密码", exact=True).fill("短密码")
    page.get_by_label("再次输入新密码").fill("短密码")
    page.get_by_role("button", name="修改密码").click()
    assert page.locator("#new_password-error").inner_text() == "密码至少 8 个字符"
    assert page.get_by_label("新密码", exact=True).get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "password-errors")
    page.get_by_label("原密码").fill("初始密码-2026")
    page.get_by_label("新密码", exact=True).fill("更新密码-2026")
    page.get_by_label("再次输入新密码").fill("更新密码-2026")
    page.get_by_role("button", name="修改密码").click()
    assert "密码已修改" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="退出").click()  # the new session's form works
    assert page.url.endswith("/signin")
    page.goto(workplace.url + "/inbox")
    assert "/signin" in page.url  # signed out on the server: back to the form
    page.get_by_label("用户名").fill("浏览器-李中心")
    page.get_by_label("密码").fill("初始密码-2026")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误"
    sign_in(page, workplace.url, "浏览器-李中心", "更新密码-2026")
    expect(page.get_by_text("浏览器-李中心").first).to_be_visible()


def test_behind_a_proxy_on_this_host_https_cookies_are_secure(workplace: Workplace) -> None:
    """gunicorn believes X-Forwarded-Proto from 127.0.0.1 (FORWARDED_ALLOW_IPS): a TLS proxy
    there makes the cookies Secure and __Host- prefixed (real HTTP, no browser)."""
    connection = http.client.HTTPConnection("127.0.0.1", workplace.port, timeout=30)
    try:
        connection.request("GET", "/signin", headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()
    assert response.status == 200
    assert any(c.startswith("__Host-hotline_csrf=") and "Secure" in c for c in cookies), cookies
