"""Signing in to the workplace in a real browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.helpers.browser import Workplace


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
    assert page.get_by_text("demo-unit-zjj（ZJJ）").is_visible()


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
